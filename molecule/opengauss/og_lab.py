# -*- coding: utf-8 -*-
"""Test plumbing of the openGauss role's molecule scenarios (docs/opengauss.md).

The scenarios ``molecule/opengauss`` (default profile) and
``molecule/opengauss-legacy`` (ansible-core 2.16) each run one simulated
hospital server built like a lab host (tests/lab/lab.py: same image, the
profile's hardware bind-mounted, real systemd and sshd) on a network of
their own, so that they never meet the lab's addresses:

    python3 molecule/opengauss/og_lab.py prereqs --profile P …   images, profile roots, SSH key, network
    python3 molecule/opengauss/og_lab.py ready NAME --profile P --address A
                                                                 wait for the container, present its profile
    python3 molecule/opengauss/og_lab.py down                    remove og- containers and the network

``ready`` also makes the container's ``/proc/sys/net`` writable (a bind
remount, inside the container's own network namespace): podman mounts all
of ``/proc/sys`` read-only, and the role's ``net.*`` keys belong to the
container's network namespace, so this is where a container can show the
role applying them to a live kernel.  Nothing else of ``/proc/sys`` becomes
writable: host-wide keys (``vm.*``, ``fs.*``) and the IPC ones stay as
podman gives them, and the role reports them as "host kernel".
"""
import argparse
import ipaddress
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script (molecule's dependency step)
    sys.path.insert(0, str(REPO))

from tests.builders.profiles import PROFILES  # noqa: E402
from tests.lab import lab  # noqa: E402

# The scenarios' own network (the lab's are 10.231.x): one NIC is enough here.
NETWORK = ("fepkit-og-intranet", "10.233.10.0/24")
LABEL = "org.fepkit.og"
NAME_PREFIX = "og-"

# Only the network namespace's sysctls become writable (see the module docstring).
WRITABLE_NET = ("mountpoint -q /proc/sys/net || "
                "{ mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net; }; "
                "[ -w /proc/sys/net/core/somaxconn ] && echo writable")


class Host(object):
    """What tests/lab/lab.py's wait_ready needs to know of a container."""

    def __init__(self, name, profile, address):
        if not name.startswith(NAME_PREFIX):
            raise lab.LabError("container %s: the openGauss scenarios' names start with %s"
                               % (name, NAME_PREFIX))
        self.name, self.profile = name, profile
        self.address = ipaddress.ip_address(address)
        if self.address not in ipaddress.ip_network(NETWORK[1]):
            raise lab.LabError("container %s: %s is outside %s (%s)" % (name, address, NETWORK[0], NETWORK[1]))


def ensure_network():
    name, subnet = NETWORK
    rc, out = lab.run(["podman", "network", "inspect", "--format", "{{range .Subnets}}{{.Subnet}}{{end}}", name],
                      check=False)
    if rc == 0:
        if out.strip() != subnet:
            raise lab.LabError("podman network %s exists with subnet %s, not %s: remove it (og_lab.py down)"
                               % (name, out.strip(), subnet))
        return
    lab.podman("network", "create", "--disable-dns", "--subnet", subnet, "--label", "%s=network" % LABEL, name)
    lab.log("created network %s (%s)" % (name, subnet))


def prereqs(profiles):
    lab.build_images()
    lab.ssh_key()
    for profile in profiles:
        lab.profile_root(profile)
    ensure_network()


def ready(host):
    """Boot finished, profile's arch presented, SSH up; then /proc/sys/net writable."""
    lab.wait_ready(host)
    _, out = lab.run(["podman", "exec", "--privileged", host.name, "sh", "-c", WRITABLE_NET], check=False)
    if "writable" not in out:
        raise lab.LabError("%s: could not make /proc/sys/net writable: %s" % (host.name, out.strip()))
    lab.log("%s ready (net sysctls writable)" % host.name)


def down():
    names = lab.podman("ps", "--all", "--filter", "label=" + LABEL, "--format", "{{.Names}}").split()
    if names:
        lab.podman("rm", "--force", "--time", "5", *names)
        lab.log("removed %s" % ", ".join(names))
    if lab.run(["podman", "network", "exists", NETWORK[0]], check=False)[0] == 0:
        lab.podman("network", "rm", NETWORK[0])
        lab.log("removed network %s" % NETWORK[0])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="action", required=True)
    command = commands.add_parser("prereqs", help="images, profile roots, SSH key and the scenarios' network")
    command.add_argument("--profile", action="append", required=True, choices=sorted(PROFILES))
    command = commands.add_parser("ready", help="wait for a container molecule made and present its profile")
    command.add_argument("host")
    command.add_argument("--profile", required=True, choices=sorted(PROFILES))
    command.add_argument("--address", required=True)
    commands.add_parser("down", help="remove the scenarios' containers and network")
    args = parser.parse_args(argv)
    try:
        if args.action == "prereqs":
            prereqs(args.profile)
        elif args.action == "ready":
            ready(Host(args.host, args.profile, args.address))
        else:
            down()
    except (lab.LabError, OSError, subprocess.TimeoutExpired) as exc:
        print("og_lab: error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
