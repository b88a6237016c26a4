# -*- coding: utf-8 -*-
"""firewalld carry-over: every zone property moves with its network, or the plan refuses.

Starts from the real listing of the molecule server (``firewalld-hospital.txt``,
firewalld 1.3) and gives the hospital's ``public`` zone — the zone that handles
``enp125s0f0`` before fepkit — one property at a time. Before this test,
masquerade, forward and icmp-block-inversion were silently dropped and
icmp-blocks carried without their inversion (which inverts their meaning).
"""
import copy
from pathlib import Path

import pytest

from fep.firewall import carry, firewalld
from tests.builders.firewall import firewall_inputs

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "firewall"
HOSPITAL = firewalld.read_state((FIXTURES / "firewalld-hospital.txt").read_text())
EMPTY_PUBLIC = {"target": "default", "icmp-block-inversion": "no", "services": [], "ports": [], "protocols": [],
                "source-ports": [], "icmp-blocks": [], "rich rules": [], "forward-ports": [],
                "masquerade": "no", "forward": "no"}


def desired(zones=None):
    return firewall_inputs(zones or {"intranet": {"interfaces": ["enp125s0f0"]}})


def plan_with_public(zones=None, **public):
    state = copy.deepcopy(HOSPITAL)
    for policies in ("policies", "runtime_policies"):  # no egress policy: only the zones matter here
        del state[policies]["hospital-egress"]
    state["permanent"]["public"].update(copy.deepcopy(EMPTY_PUBLIC), **public)
    state["runtime"] = copy.deepcopy(state["permanent"])
    return firewalld.plan(state, *desired(zones))


def carried(result):
    """What the plan adds to fep-intranet besides the front-end ports, SSH rule and the move itself."""
    out = []
    for o in result["ops"]:
        if o["zone"] == "fep-intranet" and o["why"].startswith("carried over from"):
            out.append((o["field"], o["value"], o.get("commands")))
    return out


def cmd(*args):
    return ["--permanent", "--zone=fep-intranet"] + list(args), ["--zone=fep-intranet"] + list(args)


# (property given to public, expected carry-over, expected warning fragment or None)
CARRIED = [
    ({"services": ["http"]}, [("services", "http", None)], None),
    ({"ports": ["9000/tcp"]}, [("ports", "9000/tcp", None)], None),
    ({"protocols": ["gre"]}, [("protocols", "gre", None)], None),
    ({"source-ports": ["53/udp"]}, [("source-ports", "53/udp", list(cmd("--add-source-port=53/udp")))], None),
    ({"rich rules": ['rule family="ipv4" source address="10.9.0.0/16" port port="9200" protocol="tcp" accept']},
     [("rich rules", 'rule family="ipv4" source address="10.9.0.0/16" port port="9200" protocol="tcp" accept',
       None)], None),
    ({"icmp-blocks": ["echo-request"]}, [("icmp-blocks", "echo-request", None)], None),
    # with inversion the blocks are what the zone ALLOWS: both move together
    ({"icmp-blocks": ["echo-request"], "icmp-block-inversion": "yes"},
     [("icmp-blocks", "echo-request", None),
      ("icmp-block-inversion", "yes", list(cmd("--add-icmp-block-inversion")))], None),
    ({"icmp-block-inversion": "yes"}, [("icmp-block-inversion", "yes", list(cmd("--add-icmp-block-inversion")))],
     None),
    ({"masquerade": "yes"}, [("masquerade", "yes", list(cmd("--add-masquerade")))], None),
    ({"forward": "yes"}, [("forward", "yes", list(cmd("--add-forward")))], None),
    ({"forward-ports": ["port=8080:proto=tcp:toport=80:toaddr="]},
     [("forward-ports", "port=8080:proto=tcp:toport=80:toaddr=",
       list(cmd("--add-forward-port=port=8080:proto=tcp:toport=80:toaddr=")))], None),
    # a target is permanent only: set before the reload that makes it live
    ({"target": "DROP"}, [("target", "DROP", [["--permanent", "--zone=fep-intranet", "--set-target=DROP"]])], None),
    # held back by the zone map (it keeps 22 and 8882 closed on the intranet), with a warning
    ({"services": ["ssh"]}, [], "not carried over from public: service ssh (would open 22"),
    ({"ports": ["8882/tcp"]}, [], "not carried over from public: port 8882/tcp (would open 8882"),
    ({"protocols": ["tcp"]}, [], "not carried over from public: protocol tcp (would open 22, 8882, 8883"),
    ({"source-ports": ["1024/tcp"]}, [], "not carried over from public: source-port 1024/tcp (would open 22"),
    ({"forward-ports": ["port=2222:proto=tcp:toport=22:toaddr="]}, [],
     "not carried over from public: forward-port port=2222:proto=tcp:toport=22:toaddr= (would open 22,"),
]


@pytest.mark.parametrize("public,expected,warning", CARRIED, ids=[repr(c[0]) for c in CARRIED])
def test_each_zone_property_is_carried_over_or_held_back_with_a_warning(public, expected, warning):
    result = plan_with_public(**public)
    assert result["blocked"] == []
    assert carried(result) == expected
    if warning:
        assert any(warning in w for w in result["warnings"]), result["warnings"]
    else:
        assert not [w for w in result["warnings"] if "not carried" in w]
    # the zone is filled before the interface moves into it
    moves = [i for i, o in enumerate(result["ops"]) if o["field"] == "interfaces"]
    fills = [i for i, o in enumerate(result["ops"]) if o["why"].startswith("carried over")]
    assert moves and all(i < moves[0] for i in fills)
    assert result["reload"]  # the zone is new


def test_the_table_covers_every_zone_property_firewalld_has():
    covered = {field for public, _e, _w in CARRIED for field in public}
    assert covered == {field for field, _kind, _how in carry.PROPERTIES}
    # and these are the fields of a zone firewall-cmd --list-all-zones prints (besides bindings)
    listed = set(HOSPITAL["permanent"]["public"]) - {"flags", "interfaces", "sources"}
    assert covered == listed


@pytest.mark.parametrize("public,lost", [
    ({"target": "ACCEPT"}, "target ACCEPT of public accepts every port"),
])
def test_what_cannot_be_carried_stops_the_plan_naming_it(public, lost):
    result = plan_with_public(**public)
    assert len(result["blocked"]) == 1
    assert result["blocked"][0].startswith("the hospital's zone settings cannot all be carried over into the "
                                           "fepkit zones, nothing was changed: fep-intranet (from public): ")
    assert lost in result["blocked"][0]


def test_zones_that_disagree_on_a_scalar_property_are_refused_not_merged():
    # the interface comes from public (masquerading), the source from hospital-his (not)
    result = plan_with_public(zones={"intranet": {"interfaces": ["enp125s0f0"], "sources": ["10.232.99.0/24"]}},
                              masquerade="yes")
    assert "masquerade differs between the zones whose networks move into it (no in hospital-his; yes in " \
           "public)" in result["blocked"][0]


def test_icmp_blocks_never_join_a_zone_with_the_opposite_inversion():
    # fep-intranet already handles a network with inversion off; public's blocks are an allow-list
    state = copy.deepcopy(HOSPITAL)
    del state["policies"]["hospital-egress"], state["runtime_policies"]["hospital-egress"]
    state["permanent"]["public"].update({"icmp-blocks": ["echo-request"], "icmp-block-inversion": "yes"})
    state["permanent"]["fep-intranet"] = dict(firewalld.empty_zone(), sources=["10.9.9.0/24"],
                                              **{"icmp-block-inversion": "no", "forward": "yes"})
    state["runtime"] = copy.deepcopy(state["permanent"])
    result = firewalld.plan(state, *desired({"intranet": {"interfaces": ["enp125s0f0"], "sources": ["10.9.9.0/24"]}}))
    assert "icmp-block-inversion differs between the zones whose networks move into it (no in its current " \
           "value; yes in public)" in result["blocked"][0]


def test_diff_shows_the_carried_properties():
    state = copy.deepcopy(HOSPITAL)
    result = plan_with_public(masquerade="yes", **{"source-ports": ["53/udp"]})
    after = firewalld.diff(state, result)["after"]
    assert "  source-ports: 53/udp\n" in after and "  masquerade: yes\n" in after
