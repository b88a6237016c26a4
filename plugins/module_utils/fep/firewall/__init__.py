# -*- coding: utf-8 -*-
"""Controller-side logic of the fep_firewall role (never shipped to targets).

``inputs``    validate and normalise the role's variables (messages name the variable)
``firewalld`` plan the changes, render them as a diff (``firewalld_listing`` parses
              ``firewall-cmd`` listings, ``firewalld_spans`` reads ports, services and rich rules)
``nftables``  parse ``nft list ruleset`` base chains, render fepkit's own table

Pure functions over text and dicts: the role's filter and action plugins are
thin shells around them, and tests/unit/test_firewall_*.py test them with
outputs captured from real firewalld and nftables.
"""

# The role's zones and the firewalld zone each one becomes (namespaced, so
# that the hospital's own zones are never edited).
ZONE_PREFIX = "fep-"
ZONES = ("intranet", "extranet")
PLATFORM_POLICY = "fep-platform"
NFT_TABLE = "fepkit"
