# -*- coding: utf-8 -*-
"""Plumbing of the fep_firewall molecule scenarios (test only; docs/firewall.md).

    python3 molecule/firewall-common/fwlab.py prereqs        images, SSH key, the two networks
    python3 molecule/firewall-common/fwlab.py ready NAME ADDR wait for a container's boot and sshd
    python3 molecule/firewall-common/fwlab.py down           remove the scenarios' containers and networks

The scenarios reuse the lab's image and SSH key (tests/lab/lab.py) but have
their own container names (``fw-*``) and networks (``fepkit-fw-*`` in
10.232.0.0/16), so they never touch the lab region.  This machine is the
gateway (.1) of both networks: it is the control node *and* the admin
network the role must keep SSH open from.
"""
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.lab import lab  # noqa: E402

NETWORKS = (("fepkit-fw-intranet", "10.232.11.0/24"), ("fepkit-fw-extranet", "10.232.12.0/24"))
LABEL = "org.fepkit.fw"
os.environ.setdefault("CONTAINERS_CONF", str(REPO / "tests" / "lab" / "containers.conf"))


def ensure_networks():
    for name, subnet in NETWORKS:
        rc, out = lab.run(["podman", "network", "inspect", "--format",
                           "{{range .Subnets}}{{.Subnet}}{{end}}", name], check=False)
        if rc == 0:
            if out.strip() != subnet:
                raise lab.LabError("podman network %s has subnet %s, not %s: run fwlab.py down"
                                   % (name, out.strip(), subnet))
            continue
        lab.podman("network", "create", "--disable-dns", "--subnet", subnet,
                   "--label", "%s=network" % LABEL, name)
        lab.log("created network %s (%s)" % (name, subnet))


def prereqs():
    lab.build_images()
    lab.ssh_key()
    ensure_networks()


READY = "systemctl is-system-running --wait 2>/dev/null || true"


def ready(name, address, timeout=lab.READY_TIMEOUT):
    """Wait until the container's boot is over (every unit up) and sshd answers."""
    _, out = lab.run(["podman", "exec", name, "sh", "-c", READY], check=False, timeout=timeout)
    if out.strip() != "running":
        _, failed = lab.run(["podman", "exec", name, "systemctl", "--failed", "--no-legend"], check=False)
        raise lab.LabError("%s did not boot cleanly (%s): %s" % (name, out.strip(), failed.strip()))
    host = lab.LabHost.__new__(lab.LabHost)  # only name and address are used
    host.name, host.address = name, address
    lab.wait_for_ssh(host)


def down():
    names = lab.podman("ps", "--all", "--filter", "label=" + LABEL, "--format", "{{.Names}}").split()
    if names:
        lab.podman("rm", "--force", "--time", "5", *names)
        lab.log("removed %s" % ", ".join(names))
    for network, _ in NETWORKS:
        if lab.run(["podman", "network", "exists", network], check=False)[0] == 0:
            lab.podman("network", "rm", network)
            lab.log("removed network %s" % network)


def main(argv):
    try:
        if argv[:1] == ["prereqs"]:
            prereqs()
        elif argv[:1] == ["ready"] and len(argv) == 3:
            ready(argv[1], argv[2])
            lab.log("%s ready" % argv[1])
        elif argv[:1] == ["down"]:
            down()
        else:
            print("\n".join(__doc__.strip().splitlines()[2:5]))
            return 2
    except (lab.LabError, OSError, subprocess.TimeoutExpired) as exc:
        print("fwlab: error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
