# -*- coding: utf-8 -*-
"""Filters of the fep_firewall role: thin shells over plugins/module_utils/fep/firewall (controller side)."""
from ansible.errors import AnsibleFilterError
from ansible_collections.fepkit.fep.plugins.module_utils.fep.firewall import inputs, nftables


def fep_firewall_inputs(raw):
    """``{"desired", "managed", "errors"}`` from the role's variables (a dict keyed by variable name)."""
    if not isinstance(raw, dict):
        raise AnsibleFilterError("fep_firewall_inputs expects a mapping of the role's variables")
    desired, errors = inputs.validate(raw)
    return {"desired": desired, "managed": inputs.managed_ports(desired), "errors": errors}


def fep_firewall_nft_table(desired, managed):
    """The text of table inet fepkit."""
    return nftables.table(desired, managed)


def fep_firewall_nft_warnings(ruleset, desired):
    """What fepkit's table cannot do given the hospital's own chains, with the rules to add there."""
    return nftables.warnings(ruleset, desired)


class FilterModule(object):
    def filters(self):
        return {
            "fep_firewall_inputs": fep_firewall_inputs,
            "fep_firewall_nft_table": fep_firewall_nft_table,
            "fep_firewall_nft_warnings": fep_firewall_nft_warnings,
        }
