# -*- coding: utf-8 -*-
"""The fepkit test lab: simulated hospital servers in podman containers.

Every lab host is a systemd container of one image (``tests/lab/image/``)
that *presents* a hardware/OS profile of ``tests/builders/profiles.py``: the
profile's snapshot tree is written on this machine by ``build_root()`` and
its hardware files are bind-mounted read-only over the live paths
(``/proc/cpuinfo``, ``/sys/devices``, ``/etc/os-release`` …), while processes,
sockets, services, interfaces and the SSH login stay real.  docs/lab.md
explains the choices.

    python -m tests.lab.lab images               build both images when their inputs changed
    python -m tests.lab.lab up [-i INVENTORY]    start (or reuse) every host of the lab inventory
    python -m tests.lab.lab status | down        show / remove the lab (containers, networks, state)
    python -m tests.lab.lab clean                down, and remove the images
    python -m tests.lab.lab stop|start HOST      switch one hospital server off / on
    python -m tests.lab.lab prereqs [-p PROFILE] images, snapshot roots, SSH key and networks:
                                                 what molecule's scenario needs before `create`
    python -m tests.lab.lab ready NAME --profile P --address A
                                                 wait for a container molecule made, present its arch
    python -m tests.lab.lab spec HOST            print the podman command of a host

Standard library only (plus ``ansible-inventory`` on PATH for the inventory).
Test plumbing: nothing here is used by the audit itself.
"""
import argparse
import concurrent.futures
import hashlib
import inspect
import ipaddress
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script (molecule's dependency step)
    sys.path.insert(0, str(REPO))

from tests.builders.profiles import FIXTURES, PROFILES, build_root  # noqa: E402

LAB_DIR = REPO / "tests" / "lab"
IMAGE_DIR = LAB_DIR / "image"
STATE = LAB_DIR / ".state"  # git-ignored: snapshot roots, SSH key
SSH_KEY = STATE / "ssh" / "id_ed25519"
DEFAULT_INVENTORY = REPO / "inventories" / "lab"
os.environ.setdefault("CONTAINERS_CONF", str(LAB_DIR / "containers.conf"))

BASE_IMAGE = "localhost/fepkit-debian:12"
LAB_IMAGE = "localhost/fepkit-lab:12"
DEBOOTSTRAP_ARGS = ("--variant=minbase", "--include=python3", "bookworm")
DEBIAN_MIRROR = os.environ.get("FEPKIT_DEBIAN_MIRROR", "http://deb.debian.org/debian")

LABEL = "org.fepkit.lab"                # on every container the lab (or its molecule scenario) made
INPUTS_LABEL = "org.fepkit.lab.inputs"  # on the images: hash of what they were built from
SPEC_LABEL = "org.fepkit.lab.spec"      # on the containers: hash of their podman command

# The two networks of a front-end server (附件1: 双网卡): the hospital intranet
# and the e-government extranet.  A profile's first NIC joins the first
# network, its second NIC the second; a host keeps the same last octet on both.
NETWORKS = (("fepkit-lab-intranet", "10.231.10.0/24"), ("fepkit-lab-extranet", "10.231.20.0/24"))

# Profile process -> the real systemd unit that provides it; systemd is PID 1
# and sshd runs everywhere.  Every other process gets a stand-in
# (fepkit-standin@NAME:PORT….service) holding the profile's ports.
REAL_SERVICES = {"systemd": None, "sshd": None,
                 "firewalld": "firewalld.service", "chronyd": "chrony.service"}
ARCH_FILE = "proc/sys/kernel/arch"
PROFILE_MOUNT = "/run/fepkit-lab/profile"
VOLUME_PREFIX = "fepkit-lab"  # podman volumes the lab's containers create
READY_TIMEOUT = 120


class LabError(Exception):
    """A lab problem with a message that says what to do."""


# -- helpers ----------------------------------------------------------------

def log(message):
    print("lab: " + message, flush=True)


def run(argv, check=True, capture=True, timeout=None, stdin=None):
    """Run a command; ``(rc, stdout)``; raise LabError with stderr when ``check``."""
    proc = subprocess.run(argv, stdin=stdin, stdout=subprocess.PIPE if capture else None,
                          stderr=subprocess.PIPE if capture else None, timeout=timeout,
                          universal_newlines=True)
    if check and proc.returncode != 0:
        raise LabError("%s failed (rc=%d): %s" % (shlex.join(argv), proc.returncode,
                                                   (proc.stderr or "").strip()))
    return proc.returncode, (proc.stdout or "")


def podman(*args, check=True, timeout=None):
    return run(["podman", *args], check=check, timeout=timeout)[1]


def hash_files(paths, extra=""):
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def files_under(directory):
    """Source files below ``directory`` (not the bytecode Python leaves beside them)."""
    return [p for p in Path(directory).rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]


def image_label(image, label):
    rc, out = run(["podman", "image", "inspect", "--format",
                   '{{ index .Labels "%s" }}' % label, image], check=False)
    return out.strip() if rc == 0 else None


def image_id(image):
    return podman("image", "inspect", "--format", "{{.Id}}", image).strip()


# -- images ----------------------------------------------------------------

def base_inputs():
    """The debootstrap arguments and the code that builds the base image."""
    text = " ".join(DEBOOTSTRAP_ARGS) + inspect.getsource(build_base_image)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_base_image():
    """Debian 12 minbase from debootstrap, imported into podman (no registry needed)."""
    wanted = base_inputs()
    if image_label(BASE_IMAGE, INPUTS_LABEL) == wanted:
        log("%s is up to date (inputs %s)" % (BASE_IMAGE, wanted))
        return
    started = time.time()
    work = Path(tempfile.mkdtemp(prefix="fepkit-debootstrap-", dir="/var/tmp"))
    try:
        log("debootstrap %s into %s (mirror %s)" % (" ".join(DEBOOTSTRAP_ARGS), work, DEBIAN_MIRROR))
        run(["debootstrap", *DEBOOTSTRAP_ARGS, str(work / "root"), DEBIAN_MIRROR])
        tar = subprocess.Popen(["tar", "-C", str(work / "root"), "-c", "."], stdout=subprocess.PIPE)
        try:
            run(["podman", "import", "--change", "LABEL %s=%s" % (INPUTS_LABEL, wanted),
                 "--change", 'CMD ["/bin/bash"]', "-", BASE_IMAGE], stdin=tar.stdout)
        finally:
            tar.stdout.close()
            tar.wait()
    finally:
        shutil.rmtree(str(work), ignore_errors=True)
    log("built %s in %.0f s" % (BASE_IMAGE, time.time() - started))


def lab_inputs():
    return hash_files(files_under(IMAGE_DIR), extra=image_id(BASE_IMAGE))


def build_lab_image():
    """The systemd image FROM the base: rebuilt when tests/lab/image/ or the base changes."""
    wanted = lab_inputs()
    if image_label(LAB_IMAGE, INPUTS_LABEL) == wanted:
        log("%s is up to date (inputs %s)" % (LAB_IMAGE, wanted))
        return
    started = time.time()
    run(["podman", "build", "--pull=never", "--quiet", "--build-arg", "BASE_IMAGE=" + BASE_IMAGE,
         "--label", "%s=%s" % (INPUTS_LABEL, wanted), "--tag", LAB_IMAGE, str(IMAGE_DIR)],
        capture=False)
    # the replaced image, if any, is now dangling: drop it (and only ours)
    run(["podman", "image", "prune", "--force", "--filter", "label=" + INPUTS_LABEL], check=False)
    log("built %s in %.0f s" % (LAB_IMAGE, time.time() - started))


def build_images():
    build_base_image()
    build_lab_image()


# -- what a container needs before it starts ---------------------------------

def root_inputs(name):
    profile = PROFILES[name]
    files = files_under(REPO / "tests" / "builders")
    files += files_under(FIXTURES / "cpu" / profile["cpu"])
    files.append(FIXTURES / "os-release" / profile["os"])
    return hash_files(files, extra=json.dumps(profile, sort_keys=True, default=str))


def profile_root(name):
    """The snapshot tree of profile ``name`` (rebuilt only when its inputs changed)."""
    root = STATE / "roots" / name
    stamp = root / ".fepkit-inputs"
    wanted = root_inputs(name)
    if stamp.is_file() and stamp.read_text() == wanted:
        return root
    # build beside the old tree, then swap: a half-built root is never mounted
    fresh = Path(tempfile.mkdtemp(prefix=name + ".", dir=str(_mkdir(root.parent))))
    build_root(fresh, name)
    (fresh / ".fepkit-inputs").write_text(wanted)
    fresh.chmod(0o755)
    if root.exists():
        shutil.rmtree(str(root))
    fresh.rename(root)
    log("built the %s snapshot root" % name)
    return root


def _mkdir(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


def ssh_key():
    """The lab's SSH key pair (generated once; root logs in with it)."""
    if not SSH_KEY.is_file():
        _mkdir(SSH_KEY.parent).chmod(0o700)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fepkit-lab", "-f", str(SSH_KEY)])
    return SSH_KEY


def ensure_networks():
    for name, subnet in NETWORKS:
        rc, out = run(["podman", "network", "inspect", "--format", "{{range .Subnets}}{{.Subnet}}{{end}}",
                       name], check=False)
        if rc == 0:
            if out.strip() != subnet:
                raise LabError("podman network %s exists with subnet %s, not %s: run `make lab-down`"
                               % (name, out.strip(), subnet))
            continue
        # DNS off: the lab resolves nothing and starts no aardvark-dns
        podman("network", "create", "--disable-dns", "--subnet", subnet,
               "--label", "%s=network" % LABEL, name)
        log("created network %s (%s)" % (name, subnet))


def prereqs(profiles):
    build_images()
    ssh_key()
    for name in profiles:
        profile_root(name)
    ensure_networks()


# -- one host ----------------------------------------------------------------

class LabHost(object):
    """A lab host: inventory name (= container name), profile, intranet address."""

    def __init__(self, name, profile, address, kind="lab"):
        if profile not in PROFILES:
            raise LabError("host %s: fep_lab_profile %r is not one of %s"
                           % (name, profile, ", ".join(sorted(PROFILES))))
        self.name, self.profile, self.kind = name, profile, kind
        self.address = ipaddress.ip_address(address)
        if self.address not in ipaddress.ip_network(NETWORKS[0][1]):
            raise LabError("host %s: ansible_host %s is outside the lab intranet %s"
                           % (name, address, NETWORKS[0][1]))

    @property
    def nics(self):
        """``[(interface name, network, address)]``: the profile's NICs as real interfaces."""
        names = [nic[0] for nic in PROFILES[self.profile]["nics"]]
        if len(names) > len(NETWORKS):
            raise LabError("profile %s has %d NICs; the lab has %d networks"
                           % (self.profile, len(names), len(NETWORKS)))
        host_part = int(self.address) - int(ipaddress.ip_network(NETWORKS[0][1]).network_address)
        return [(nic, network, ipaddress.ip_network(subnet).network_address + host_part)
                for nic, (network, subnet) in zip(names, NETWORKS)]

    def units(self):
        """The systemd units this profile runs besides the image's own (sshd, journald…)."""
        units = []
        for process, ports in PROFILES[self.profile]["processes"]:
            if process in REAL_SERVICES:
                if REAL_SERVICES[process]:
                    units.append(REAL_SERVICES[process])
            else:
                units.append("fepkit-standin@%s.service" % ":".join([process] + [str(p) for p in ports]))
        return units

    def command(self):
        # systemd in a container reads its own command line as the kernel's:
        # systemd.wants= pulls the profile's services into the boot
        return ["/sbin/init"] + ["systemd.wants=" + unit for unit in self.units()]

    def volumes(self):
        """``[(host path, container path, options)]`` presenting the profile."""
        root = STATE / "roots" / self.profile
        hardware = ["proc/cpuinfo", "proc/meminfo", "etc/os-release", "sys/devices", "sys/block",
                    "sys/class/net", "sys/bus/pci/devices", "sys/firmware"]
        volumes = [(root / rel, "/" + rel, "ro") for rel in hardware]
        # runc mounts nothing else inside /proc: proc/sys/kernel/arch is
        # bind-mounted from here once the container runs (READY_SCRIPT)
        volumes.append((root, PROFILE_MOUNT, "ro"))
        volumes.append((SSH_KEY.with_suffix(".pub"), "/root/.ssh/authorized_keys", "ro"))
        for _device, mountpoint, _fstype in PROFILES[self.profile]["mounts"]:
            if mountpoint != "/":  # e.g. the NFS backup share: a named volume, a real mount
                volumes.append(("%s-%s-%s" % (VOLUME_PREFIX, self.name, mountpoint.strip("/").replace("/", "-")),
                                mountpoint, "rw"))
        return volumes

    def run_args(self):
        args = ["--name", self.name, "--hostname", self.name, "--systemd=always",
                "--cap-add", "NET_ADMIN",  # firewalld manages the container's own nftables
                "--security-opt", "unmask=/sys/firmware",  # podman hides it; the profile's DMI goes there
                "--label", "%s=%s" % (LABEL, self.kind), "--label", "org.fepkit.lab.profile=" + self.profile]
        for nic, network, address in self.nics:
            args += ["--network", "%s:ip=%s,mac=%s,interface_name=%s" % (network, address, lab_mac(address), nic)]
        for source, target, options in self.volumes():
            args += ["--volume", "%s:%s:%s" % (source, target, options)]
        return args

    def spec_hash(self):
        parts = [self.run_args(), self.command(), image_id(LAB_IMAGE), root_inputs(self.profile)]
        return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]

    def podman_run(self):
        return ["podman", "run", "--detach", *self.run_args(), "--label",
                "%s=%s" % (SPEC_LABEL, self.spec_hash()), LAB_IMAGE, *self.command()]


def lab_mac(address):
    """A fixed, locally administered MAC per address (02:fb + the IPv4 octets).

    Fixed so that a restarted container answers at the MAC this machine's
    neighbour cache already holds (a random one costs seconds of ARP timeouts).
    """
    return "02:fb:" + ":".join("%02x" % octet for octet in address.packed)


def container_state(name):
    """``{"running": bool, "labels": {...}}`` of a container, or None."""
    rc, out = run(["podman", "container", "inspect", "--format", "{{json .State.Running}} {{json .Config.Labels}}",
                   name], check=False)
    if rc != 0:
        return None
    running, labels = out.strip().split(" ", 1)
    return {"running": json.loads(running), "labels": json.loads(labels) or {}}


def create_or_reuse(host):
    """Make the container match its spec: reuse, start, or (re)create it."""
    state = container_state(host.name)
    if state is not None and LABEL not in state["labels"]:
        raise LabError("a container named %s exists and was not made by the lab: remove or rename it"
                       % host.name)
    if state is not None and state["labels"].get(SPEC_LABEL) != host.spec_hash():
        log("%s: spec changed, recreating" % host.name)
        podman("rm", "--force", "--time", "5", host.name)
        state = None
    if state is None:
        run(host.podman_run())
        return "created"
    if not state["running"]:
        podman("start", host.name)
        return "started"
    return "reused"


# One privileged exec per check: wait for the boot, then bind-mount the
# profile's proc/sys/kernel/arch over the live one.  runc refuses volumes
# inside /proc except a short list (cpuinfo, meminfo…), so this one mount is
# made in the running container.  Prints: boot state, arch action, arch.
READY_SCRIPT = """
state=$(systemctl is-system-running --wait 2>/dev/null)
echo "${{state:-offline}}"
[ "$state" = running ] || exit 0
if mountpoint -q {target}; then echo present; else mount --bind {source} {target} && echo mounted; fi
cat {target}
""".format(target="/" + ARCH_FILE, source=PROFILE_MOUNT + "/" + ARCH_FILE)


def wait_ready(host, timeout=READY_TIMEOUT):
    """Wait until the boot finished with every unit up and the profile's arch shows; True if mounted now."""
    deadline = time.time() + timeout
    while True:
        # right after `podman start` systemd may not answer yet: ask again
        _, out = run(["podman", "exec", "--privileged", host.name, "sh", "-c", READY_SCRIPT],
                     check=False, timeout=timeout)
        lines = out.split() or ["offline"]
        if lines[0] in ("running", "degraded", "maintenance", "stopping") or time.time() > deadline:
            break
        time.sleep(0.5)
    if lines[0] != "running":
        _, failed = run(["podman", "exec", host.name, "systemctl", "--failed", "--no-legend"], check=False)
        raise LabError("%s did not boot cleanly (%s): %s" % (host.name, lines[0], failed.strip()))
    wanted = (STATE / "roots" / host.profile / ARCH_FILE).read_text().strip()
    if lines[1:] != ["mounted", wanted] and lines[1:] != ["present", wanted]:
        raise LabError("%s: could not present the profile's arch %s: %s" % (host.name, wanted, out.strip()))
    wait_for_ssh(host)
    return lines[1] == "mounted"


def wait_all_ready(hosts):
    """wait_ready for every host at once (their boots overlap)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(hosts)) as pool:
        for future in [pool.submit(wait_ready, host) for host in hosts]:
            future.result()


def wait_for_ssh(host, timeout=30):
    deadline = time.time() + timeout
    while True:
        try:
            with socket.create_connection((str(host.address), 22), timeout=3) as conn:
                if conn.recv(64).startswith(b"SSH-"):
                    return
        except OSError:
            pass
        if time.time() > deadline:
            raise LabError("%s: no SSH banner from %s:22" % (host.name, host.address))
        time.sleep(0.5)


# -- the lab -----------------------------------------------------------------

def inventory_hostvars(inventory=DEFAULT_INVENTORY):
    """``{host: variables}`` as Ansible resolves them (group_vars, host_vars)."""
    # the venv's ansible-inventory, even when its bin/ is not on PATH
    beside = Path(sys.executable).parent / "ansible-inventory"
    command = str(beside) if beside.is_file() else "ansible-inventory"
    _, out = run([command, "-i", str(inventory), "--list"])
    return json.loads(out).get("_meta", {}).get("hostvars", {})


def inventory_hosts(inventory=DEFAULT_INVENTORY):
    """Lab hosts of an inventory: every host with ``fep_lab_profile``."""
    hosts = [LabHost(name, hv["fep_lab_profile"], hv.get("ansible_host", ""))
             for name, hv in sorted(inventory_hostvars(inventory).items()) if "fep_lab_profile" in hv]
    if not hosts:
        raise LabError("no host of %s sets fep_lab_profile" % inventory)
    return hosts


def up(inventory=DEFAULT_INVENTORY):
    started = time.time()
    hosts = inventory_hosts(inventory)
    prereqs(sorted({h.profile for h in hosts}))
    log("prerequisites ready after %.0f s" % (time.time() - started))
    actions = {h.name: create_or_reuse(h) for h in hosts}  # all boot in parallel
    log("containers running after %.0f s" % (time.time() - started))
    if "created" in actions.values():  # an image replaced earlier may be unused now
        run(["podman", "image", "prune", "--force", "--filter", "label=" + INPUTS_LABEL], check=False)
    wait_all_ready(hosts)
    for host in hosts:
        log("%-18s %-8s %-24s %s" % (host.name, actions[host.name], host.profile,
                                     ", ".join("%s %s" % (nic, addr) for nic, _, addr in host.nics)))
    log("%d hosts ready in %.0f s" % (len(hosts), time.time() - started))


def start(host):
    if (container_state(host.name) or {}).get("running"):
        return
    podman("start", host.name)
    wait_ready(host)


def stop(name):
    """Switch a lab host off (never a container the lab did not make)."""
    if LABEL not in (container_state(name) or {}).get("labels", {}):
        raise LabError("%s is not a container of the lab" % name)
    podman("stop", "--time", "10", name)


def lab_containers():
    return podman("ps", "--all", "--filter", "label=" + LABEL, "--format", "{{.Names}}").split()


def status():
    out = podman("ps", "--all", "--filter", "label=" + LABEL, "--format",
                 '{{.Names}}\t{{.Status}}\t{{ index .Labels "org.fepkit.lab.profile" }}')
    print(out.strip() or "lab: no lab containers")


def down():
    if shutil.which("podman") is None:  # the lab never ran here
        shutil.rmtree(str(STATE), ignore_errors=True)
        return
    names = lab_containers()
    if names:
        podman("rm", "--force", "--time", "5", *names)
        log("removed %s" % ", ".join(names))
    volumes = [v for v in podman("volume", "ls", "--format", "{{.Name}}").split()
               if v.startswith(VOLUME_PREFIX + "-")]
    if volumes:
        podman("volume", "rm", *volumes)
        log("removed volume(s) %s" % ", ".join(volumes))
    for network, _ in NETWORKS:
        if run(["podman", "network", "exists", network], check=False)[0] == 0:
            podman("network", "rm", network)
            log("removed network %s" % network)
    if STATE.exists():
        shutil.rmtree(str(STATE))
        log("removed %s" % STATE.relative_to(REPO))


def clean():
    """down, then the images too (also images an older build left dangling)."""
    down()
    if shutil.which("podman") is None:
        return
    for image in (LAB_IMAGE, BASE_IMAGE):
        if run(["podman", "image", "exists", image], check=False)[0] == 0:
            podman("rmi", "--force", image)
            log("removed image %s" % image)
    run(["podman", "image", "prune", "--force", "--filter", "label=" + INPUTS_LABEL], check=False)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.lab.lab", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="action", required=True)
    commands.add_parser("images", help="build the images when their inputs changed")
    commands.add_parser("status", help="list the lab's containers")
    commands.add_parser("down", help="remove the lab's containers, networks and state (not the images)")
    commands.add_parser("clean", help="down, and remove the images")
    for name, text in (("up", "start (or reuse) every lab host of the inventory"),
                       ("start", "start one stopped lab host and wait until it is ready"),
                       ("spec", "print the podman command of one lab host")):
        command = commands.add_parser(name, help=text)
        if name != "up":
            command.add_argument("host")
        command.add_argument("-i", "--inventory", default=str(DEFAULT_INVENTORY))
    commands.add_parser("stop", help="stop one lab host (it becomes unreachable)").add_argument("host")
    command = commands.add_parser("prereqs", help="images, snapshot roots, SSH key and networks")
    command.add_argument("-p", "--profile", action="append", choices=sorted(PROFILES),
                         help="profile(s) whose snapshot root to build (default: all)")
    command = commands.add_parser("ready", help="wait for a container made elsewhere (molecule) "
                                                "and present its profile")
    command.add_argument("host")
    command.add_argument("--profile", required=True, choices=sorted(PROFILES))
    command.add_argument("--address", required=True)
    args = parser.parse_args(argv)
    try:
        if args.action == "images":
            build_images()
        elif args.action == "up":
            up(args.inventory)
        elif args.action == "status":
            status()
        elif args.action == "down":
            down()
        elif args.action == "clean":
            clean()
        elif args.action == "stop":
            stop(args.host)
        elif args.action == "prereqs":
            prereqs(args.profile or sorted(PROFILES))
        elif args.action == "ready":
            mounted = wait_ready(LabHost(args.host, args.profile, args.address, kind="molecule"))
            log("%s ready%s" % (args.host, " (arch mounted)" if mounted else ""))
        else:
            host = {h.name: h for h in inventory_hosts(args.inventory)}.get(args.host)
            if host is None:
                parser.error("%s is not a lab host of %s" % (args.host, args.inventory))
            if args.action == "start":
                start(host)
            else:
                print(shlex.join(host.podman_run()))
    except (LabError, OSError, subprocess.TimeoutExpired) as exc:  # OSError: podman not installed
        print("lab: error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
