# -*- coding: utf-8 -*-
"""fep_firewall end to end: what each network can reach on the hospital server.

Runs in the verify step of the fep_firewall molecule scenarios
(molecule/firewall-*, docs/firewall.md) and skips elsewhere (groups
``fw_server`` and ``fw_rollback``). The expected matrix is the sheet's
(附件1 二、网络配置要求), written here independently of the role's defaults;
port numbers come from ``fep_ports``, as for the audit.

* ``fw_server``: from a real client on each network, every front-end port is
  open or closed as the sheet says; SSH is open from the control node (a new
  connection) and closed to the clients; the hospital's own rule still works
  and its configuration is kept; the platform is reachable outbound; a backup
  exists and no rollback is pending; ``--check --diff`` of a changed input
  shows exactly that change and changes nothing; the audit's ``port.*`` and
  ``security.firewall`` verdicts agree with what the clients saw.
* ``fw_rollback``: the role was given admin networks without the control
  node: the host's timer restored the backup, and the host is reachable again.
* ``fw_reboot``: a rollback was armed, the table file changed and the
  container restarted inside the window: the timer still restored the backup.
"""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import testinfra

REPO = Path(__file__).resolve().parents[2]
CONVERGE = REPO / "molecule" / "firewall-common" / "converge.yml"
AUDIT = REPO / "playbooks" / "audit.yml"

# The sheet: the front-end services each network must reach, and nothing else.
SHEET = {
    "intranet": {"data_api", "database", "web"},
    "extranet": {"config_update", "monitoring", "web"},
}
NOMINAL = {"data_api": 8881, "database": 5432, "config_update": 8882, "monitoring": 8883, "web": 8884}
SERVICES = sorted(NOMINAL)
CELLS = [(zone, service) for zone in sorted(SHEET) for service in SERVICES]
# the hospital's own rule, created by each scenario's prepare.yml: node_exporter
# (9100) reachable from the intranet monitoring host only
HOSPITAL_PORT = 9100
HOSPITAL_RULE = {"intranet": "open", "extranet": "closed"}
ADMIN_EXTRA = "10.232.11.99/32"  # an admin network the check-mode test adds (never applied)

PROBE = r"""
import socket, sys, threading
address, ports = sys.argv[1], [int(p) for p in sys.argv[2:]]
verdicts = {}
def knock(port):
    sock = socket.socket()
    sock.settimeout(3)
    try:
        sock.connect((address, port))
        verdicts[port] = "open"
    except socket.timeout:
        verdicts[port] = "closed (no answer)"
    except OSError as exc:
        verdicts[port] = "closed (%s)" % (exc.strerror or exc)
    finally:
        sock.close()
threads = [threading.Thread(target=knock, args=(p,)) for p in ports]
[t.start() for t in threads]
[t.join() for t in threads]
for port in ports:
    print(port, verdicts[port])
"""


def knock(host, address, ports):
    """``{port: "open" | "closed (…)"}`` of TCP connections from ``host`` to ``address``."""
    out = host.check_output("python3 -c %s %s %s" % (_quote(PROBE), address, " ".join(str(p) for p in ports)))
    return {int(line.split(" ", 1)[0]): line.split(" ", 1)[1] for line in out.splitlines()}


def _quote(text):
    return "'" + text.replace("'", "'\"'\"'") + "'"


SERVER = pytest.mark.group("fw_server")
ROLLBACK = pytest.mark.group("fw_rollback")
REBOOT = pytest.mark.group("fw_reboot")


@pytest.fixture(scope="module")
def server(hostvars):
    return hostvars


@pytest.fixture(scope="module")
def ports(server):
    merged = dict(NOMINAL)
    merged.update(server.get("fep_ports") or {})
    return {service: int(port) for service, port in merged.items()}


@pytest.fixture(scope="module")
def inventory(host):
    return host.backend.ansible_inventory


@pytest.fixture(scope="module")
def clients(host, inventory):
    """``{zone: (testinfra host, server address on that network)}`` of the scenario's clients."""
    found = {}
    for name in host.backend.get_hosts("fw_client", ansible_inventory=inventory):
        client = testinfra.get_host("ansible://" + name, ansible_inventory=inventory,
                                    ssh_config=host.backend.ssh_config)
        spec = client.ansible.get_variables()["fep_fw_client"]
        found[spec["zone"]] = (client, spec["server"])
    assert sorted(found) == sorted(SHEET), "the scenario needs one client per network: %s" % sorted(found)
    return found


@pytest.fixture(scope="module")
def reachability(clients, ports, server):
    """What each client reaches on the server: ``{zone: {port: verdict}}`` (one probe per client)."""
    wanted = sorted(set(ports.values()) | {int(server.get("fep_firewall_ssh_port", 22)), HOSPITAL_PORT})
    return {zone: knock(client, address, wanted) for zone, (client, address) in clients.items()}


@SERVER
@pytest.mark.parametrize("zone,service", CELLS, ids=["%s-%s" % cell for cell in CELLS])
def test_front_end_port_is_open_exactly_where_the_sheet_says(reachability, ports, zone, service):
    verdict = reachability[zone][ports[service]]
    if service in SHEET[zone]:
        assert verdict == "open", "%s %d from the %s: %s" % (service, ports[service], zone, verdict)
    else:
        assert verdict != "open", "%s %d is open from the %s" % (service, ports[service], zone)


@SERVER
@pytest.mark.parametrize("zone", sorted(SHEET))
def test_ssh_is_closed_to_clients_outside_the_admin_networks(reachability, server, zone):
    assert reachability[zone][int(server.get("fep_firewall_ssh_port", 22))] != "open"


def _new_ssh(hostvars):
    """A new SSH connection from this control node (no shared master), as the role's confirmation makes."""
    return subprocess.run(
        ["ssh", "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "BatchMode=yes",
         "-o", "ConnectTimeout=10", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
         "-o", "LogLevel=ERROR", "-i", str(REPO / hostvars["ansible_ssh_private_key_file"]),
         "%s@%s" % (hostvars["ansible_user"], hostvars["ansible_host"]), "true"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True, timeout=60, check=False)


@SERVER
def test_ssh_is_open_from_the_control_node(server):
    proc = _new_ssh(server)
    assert proc.returncode == 0, proc.stdout


@SERVER
@pytest.mark.parametrize("zone", sorted(HOSPITAL_RULE))
def test_hospital_rule_still_works(reachability, zone):
    verdict = reachability[zone][HOSPITAL_PORT]
    assert (verdict == "open") == (HOSPITAL_RULE[zone] == "open"), "%d from the %s: %s" % (
        HOSPITAL_PORT, zone, verdict)


@pytest.fixture(scope="module")
def backend(server):
    return server["fep_fw_backend"]


@pytest.fixture(scope="module")
def backup(host, server):
    """The newest backup the role made on the host."""
    listing = host.check_output("/usr/local/sbin/fepkit-firewall list").split()
    assert listing, "no backup on the host"
    return listing[-1].rstrip("/")


@SERVER
def test_backup_is_complete_and_the_change_confirmed(host, backup, backend):
    assert host.file(backup + "/complete").exists
    assert host.file(backup + "/backend").content_string.strip() == backend
    assert not host.file(backup + "/restored").exists, "the change was rolled back"
    assert host.run("systemctl is-active fepkit-firewall-revert.timer").stdout.strip() != "active"


@SERVER
def test_hospital_settings_moved_with_their_network(host, backend):
    """firewalld: public's masquerade and source port live in the fepkit zones (permanent and runtime);
    nftables: the hospital's accept of 5432 from 10.232.12.99, which fepkit's table would drop, is in it."""
    if backend == "firewalld":
        for zone in ("fep-intranet", "fep-extranet"):
            for permanent in ("--permanent ", ""):
                assert host.run("firewall-cmd %s--zone=%s --query-masquerade" % (permanent, zone)).rc == 0, zone
                assert "53/udp" in host.check_output(
                    "firewall-cmd %s--zone=%s --list-source-ports" % (permanent, zone)).split(), zone
    else:
        assert "ip saddr 10.232.12.99 tcp dport 5432 accept" in host.check_output("nft list table inet fepkit")


@SERVER
def test_hospital_configuration_is_kept(host, backup, backend):
    if backend == "firewalld":
        # the hospital's zones are never edited: the same files as before the role
        for name in ("public.xml", "hospital-his.xml"):
            assert host.file("/etc/firewalld/zones/" + name).content_string == \
                host.file(backup + "/files/firewalld/zones/" + name).content_string, name
        assert "hospital-egress" in host.check_output("firewall-cmd --get-policies").split()
        assert host.check_output("firewall-cmd --zone=hospital-his --list-sources") == "10.232.99.0/24"
    else:
        ruleset = host.check_output("nft list table inet hospital")
        assert "tcp dport 9100" in ruleset
        main = host.file(host.ansible.get_variables().get("fep_fw_nft_main_config", "/etc/nftables.conf"))
        before = host.file(backup + "/files" + main.path).content_string
        assert main.content_string.startswith(before.rstrip("\n")), "the hospital's nftables.conf was rewritten"
        assert main.content_string[len(before.rstrip("\n")):].strip().startswith("include "), main.content_string


@SERVER
def test_national_platform_is_reachable_outbound(host, server):
    addresses = server.get("fep_firewall_platform_addresses") or []
    if not addresses:
        pytest.skip("no platform address in this scenario")
    verdicts = knock(host, addresses[0].split("/")[0], server.get("fep_firewall_platform_ports", [443, 8888]))
    assert set(verdicts.values()) == {"open"}, verdicts


@SERVER
def test_hospital_egress_filter_still_filters(host, server):
    blocked = server.get("fep_fw_egress_blocked_port")
    if not blocked:
        pytest.skip("the hospital filters no egress in this scenario")
    verdict = knock(host, server["fep_firewall_platform_addresses"][0].split("/")[0], [blocked])[blocked]
    assert verdict != "open"


# -- check mode ----------------------------------------------------------------

def _playbook(inventory, playbook, *args):
    env = dict(os.environ, ANSIBLE_CONFIG=str(REPO / "ansible.cfg"), ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    command = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", inventory, str(playbook), *args]
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
                          cwd=str(REPO), env=env, timeout=600, check=False)


def _firewall_state(host, backend):
    if backend == "firewalld":
        return (host.check_output("firewall-cmd --permanent --list-all-zones")
                + host.check_output("firewall-cmd --list-all-zones")
                + host.check_output("firewall-cmd --permanent --list-all-policies"))
    return host.check_output("nft list ruleset") + host.check_output("cat /etc/nftables.d/fepkit.nft")


@pytest.fixture(scope="module")
def check_run(host, inventory, server, backend):
    """The role in --check --diff with one more admin network, and the firewall before and after."""
    before = _firewall_state(host, backend)
    admin = list(server["fep_firewall_admin_sources"]) + [ADMIN_EXTRA]
    proc = _playbook(inventory, CONVERGE, "--check", "--diff", "-l", server["inventory_hostname"],
                     "-e", json.dumps({"fep_firewall_admin_sources": admin}))
    return {"proc": proc, "before": before, "after": _firewall_state(host, backend)}


@SERVER
def test_check_mode_changes_nothing(check_run):
    assert check_run["proc"].returncode == 0, check_run["proc"].stdout[-3000:]
    assert check_run["after"] == check_run["before"]


@SERVER
def test_check_mode_diff_shows_exactly_the_new_admin_network(check_run, server, backend):
    out = check_run["proc"].stdout
    added = [line for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    removed = [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    if backend == "firewalld":
        # one new SSH rule in each fepkit zone, nothing removed
        zones = len([z for z in ("intranet", "extranet") if (server["fep_firewall_zones"].get(z) or {})])
        assert len(added) == zones and not removed, out[-3000:]
        assert all('source address="%s" port port="22"' % ADMIN_EXTRA in line for line in added)
    else:
        # the admin line of table inet fepkit, replaced by one with the new network
        assert len(added) == 1 and len(removed) == 1, out[-3000:]
        assert ADMIN_EXTRA in added[0] and ADMIN_EXTRA not in removed[0]
    recap = re.search(r"%s\s*: ok=\d+\s+changed=(\d+)" % re.escape(server["inventory_hostname"]), out)
    assert recap and int(recap.group(1)) > 0, "check mode did not report the change"


# -- the audit -------------------------------------------------------------------

@pytest.fixture(scope="module")
def audit(inventory, server, tmp_path_factory):
    """The audit of the server (SSH, playbooks/audit.yml) after the role: ``{check id: result}``."""
    report_dir = tmp_path_factory.mktemp("fw-audit")
    proc = _playbook(inventory, AUDIT, "-e", json.dumps({
        "fep_audit_hosts": server["inventory_hostname"], "fep_report_dir": str(report_dir),
        "fep_fail_on_findings": False}))
    assert proc.returncode == 0, proc.stdout[-3000:]
    results = json.loads((report_dir / "results.json").read_text())
    return results["hosts"][server["inventory_hostname"]]["checks"]


@SERVER
@pytest.mark.parametrize("service", SERVICES)
def test_audit_port_verdict_agrees_with_the_network(audit, reachability, ports, service, backend):
    """The audit passes the port (held by the front-end software) and it is reachable exactly from its zones;
    on firewalld the audit itself tells from the zones that the port is admitted from the sheet's networks."""
    verdict = audit["port.%d" % NOMINAL[service]]
    reached_from = {zone for zone in SHEET if reachability[zone][ports[service]] == "open"}
    assert verdict["status"] == "pass", verdict
    # the audit reads firewalld's zones; an nftables rule set is not judged (survey: 待医院填写)
    assert verdict["access"]["status"] == ("admitted" if backend == "firewalld" else "unknown"), verdict["access"]
    assert reached_from == {zone for zone in SHEET if service in SHEET[zone]}, reached_from
    if ports[service] != NOMINAL[service]:  # a documented alternative port: the audit says so
        assert str(ports[service]) in verdict["message_en"]


@SERVER
def test_audit_firewall_verdict_agrees_with_the_network(audit, reachability, backend, ports):
    """security.firewall passes on this backend, and the clients do meet a filter."""
    verdict = audit["security.firewall"]
    assert verdict["status"] == "pass" and verdict["observed"] == "%s running" % backend, verdict
    closed = [(zone, port) for zone in SHEET for port in ports.values() if reachability[zone][port] != "open"]
    assert closed, "nothing is filtered, yet the audit says a firewall runs"


# -- rollback --------------------------------------------------------------------

@pytest.fixture(scope="module")
def rolled_back(hostvars):
    return hostvars


@ROLLBACK
def test_failed_change_was_restored(host, rolled_back):
    """By the host's timer after a cut connection, or at once when the change failed (``fep_fw_rollback_reason``)."""
    backups = host.check_output("/usr/local/sbin/fepkit-firewall list").split()
    assert backups, "no backup on the host"
    record = host.file(backups[-1].rstrip("/") + "/restored")
    reason = rolled_back.get("fep_fw_rollback_reason", "rollback-timer")
    assert record.exists and record.content_string.split()[-1] == reason, record.content_string
    assert host.run("systemctl is-active fepkit-firewall-revert.timer").stdout.strip() != "active"


@ROLLBACK
def test_cut_change_left_no_fepkit_rule(host, rolled_back):
    if rolled_back["fep_fw_backend"] == "firewalld":
        assert not [z for z in host.check_output("firewall-cmd --get-zones").split() if z.startswith("fep-")]
        assert not host.file("/etc/firewalld/zones/fep-intranet.xml").exists
        assert host.check_output("firewall-cmd --get-active-zones").split()[:1] != ["fep-intranet"]
    else:
        assert host.run("nft list table inet fepkit").rc != 0
        assert not host.file("/etc/nftables.d/fepkit.nft").exists
        assert not host.file("/etc/systemd/system/fepkit-firewall.service").exists
        assert "fepkit" not in host.file("/etc/nftables.conf").content_string


@ROLLBACK
def test_control_node_gets_in_again(rolled_back):
    proc = _new_ssh(rolled_back)
    assert proc.returncode == 0, proc.stdout


@REBOOT
def test_a_reboot_inside_the_window_still_rolls_back(host, hostvars):
    backup = hostvars["fep_fw_reboot_backup"]
    record = host.file(backup + "/restored")
    assert record.exists, "the rollback timer did not fire after the reboot"
    assert record.content_string.split()[-1] == "rollback-timer", record.content_string
    table = host.file("/etc/nftables.d/fepkit.nft")
    assert table.content_string == host.file(backup + "/files/etc/nftables.d/fepkit.nft").content_string
    assert "changed inside the rollback window" not in table.content_string
    # done once: the units are gone, so a later boot restores nothing
    assert not host.file("/etc/systemd/system/fepkit-firewall-revert.timer").exists
    assert host.run("systemctl is-active fepkit-firewall-revert.timer").stdout.strip() != "active"
