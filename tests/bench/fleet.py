#!/usr/bin/env python3
# -*- coding: utf-8 -*-
"""A fleet of real SSH targets on loopback, each looking like a hospital server.

    python3 tests/bench/fleet.py deps       # install openssh-server if missing (its service stays off)
    python3 tests/bench/fleet.py start N    # hosts bench-001 … on 127.0.1.1 … (idempotent; --at-least)
    python3 tests/bench/fleet.py stop       # stop every host this state dir started
    python3 tests/bench/fleet.py status     # how many run and answer
    ssh -F tests/bench/.state/ssh_config 127.0.1.5 'head /proc/cpuinfo'

Each host is started under
``unshare --mount --uts --pid --fork --mount-proc --propagation private``:

* its own **mount namespace** (private propagation: nothing leaks to the machine), in which
  the files of one hardware/OS profile (``tests/builders/profiles.py``, built once per profile
  with ``build_root()`` into the state dir) are bind-mounted read-only over ``/proc/cpuinfo``,
  ``/proc/meminfo``, ``/proc/sys/kernel/{arch,osrelease}``, ``/etc/os-release``,
  ``/sys/devices`` (with ``system/cpu``), ``/sys/block``, ``/sys/class/{net,block}``,
  ``/sys/bus/pci`` and ``/sys/firmware``; ``/var/log/{wtmp,btmp,lastlog}`` are bound to
  ``/dev/null`` so logins leave no trace, and root's ``.bashrc``/``.profile`` are the
  distribution's defaults (``/etc/skel``), not the build machine's (whose pyenv set-up would
  run on every ssh command);
* its own **PID namespace** with its own ``/proc``: the collector's process scan sees that
  host's processes only (its sshd, its sessions and the profile's processes);
* its own **UTS namespace**: ``hostname`` is ``bench-NNN``;
* with ``FEP_FLEET_NET=own`` (default), its own **network namespace**: ``fleet_host.py`` binds
  127.0.1.x:22 in the machine's namespace first (so the controller reaches it on loopback),
  then enters a new one, starts the profile's processes as stubs holding their ports
  (``sshd`` :22, ``gaussdb`` :5432, ``nginx`` :8884 …) and serves each connection with
  ``sshd -i``.  Each host's ``/proc/net/tcp`` then shows its own listeners, as on a real
  server.  ``FEP_FLEET_NET=shared`` runs a plain ``sshd -D`` with ``ListenAddress 127.0.1.x``
  instead: every host then sees the N listeners of the whole fleet and its facts grow with N.

``FEP_FLEET_KEX`` (``openssh8``, default / ``modern``): the key exchange the hosts offer (see
``KEX``).  Addresses: host i (1-based) is 127.0.B.H with B = 1 + (i-1) // 254 and
H = 1 + (i-1) % 254 — Linux routes the whole 127/8 to ``lo``, no interface is configured.
Root logs in by key only, on loopback only.  A per-fleet host key, a client key,
``known_hosts``, an ``ssh_config`` and the Ansible inventory (``inventory.yml``) live in the
git-ignored state dir (``tests/bench/.state/`` unless ``FEP_FLEET_STATE``).

Only the process ids recorded here (and verified by their command line) are ever signalled.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
STATE = Path(os.environ.get("FEP_FLEET_STATE") or HERE / ".state").resolve()
MAX_HOSTS = 254 * 8

# Profile trees presented by the fleet, round robin.  The last one is the big-core case
# (AmpereOne A192: 192 cores, 192 sysfs topology dirs), derived from the Kunpeng profile.
DERIVED_PROFILES = {
    "ampere192-openeuler": ("kunpeng-kylin-l3", {
        "description": "AmpereOne A192 on openEuler 22.03 SP3: the largest sysfs topology",
        "cpu": "ampereone_a192", "os": "openeuler_22.03_lts_sp3"}),
}

# (path inside the profile tree, path on the host it is bound over)
BINDS = (
    ("proc/cpuinfo", "/proc/cpuinfo"),
    ("proc/meminfo", "/proc/meminfo"),
    ("proc/sys/kernel/arch", "/proc/sys/kernel/arch"),
    ("proc/sys/kernel/osrelease", "/proc/sys/kernel/osrelease"),
    ("etc/os-release", "/etc/os-release"),
    ("sys/devices", "/sys/devices"),
    ("sys/block", "/sys/block"),
    ("sys/class/net", "/sys/class/net"),
    ("sys/class/block", "/sys/class/block"),
    ("sys/bus/pci", "/sys/bus/pci"),
    ("sys/firmware", "/sys/firmware"),
)
SILENCED = ("/var/log/wtmp", "/var/log/btmp", "/var/log/lastlog")
# root's shell start-up files as a freshly installed server has them: the build machine's own
# (pyenv, cargo, ...) would run on every ssh command of every "hospital" and skew the bench
PRISTINE_DOTFILES = (("/etc/skel/.bashrc", "/root/.bashrc"), ("/etc/skel/.profile", "/root/.profile"))

# Key exchange offered by the fleet.  "openssh8" (default): what the servers of the domestic fleet
# offer — OpenSSH 8.x (Kylin V10 8.2p1, openEuler 20.03/22.03 8.1p1/8.8p1, UOS 20 7.9p1/8.2p1) has
# no sntrup761x25519, so a modern client negotiates curve25519-sha256 with them.  "modern": this
# machine's OpenSSH 9.x default, whose post-quantum sntrup761x25519 costs the client ~65 ms of CPU
# per connection (openEuler 24.03 ships OpenSSH 9.6 and behaves like that).
KEX = {
    "openssh8": ("curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
                 "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
                 "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256"),
    "modern": None,
}
FLEET_KEX = os.environ.get("FEP_FLEET_KEX") or "openssh8"
# Network view of a host.  "own" (default): a network namespace per host, entered after the
# listening socket on 127.0.1.x:22 is bound in the host's namespace (fleet_host.py serves it
# inetd-style with `sshd -i`); each host's /proc/net/tcp then lists its own profile's ports.
# "shared": plain `sshd -D` with ListenAddress 127.0.1.x in the machine's network namespace;
# every host then sees the N listeners of the whole fleet, so each host's facts grow with N.
FLEET_NET = os.environ.get("FEP_FLEET_NET") or "own"

SSHD_CONFIG = """\
# fepkit bench fleet host {name}: loopback only, root by key only
ListenAddress {addr}
Port 22
HostKey {state}/keys/ssh_host_ed25519_key
PidFile none
AuthorizedKeysFile {state}/keys/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
UsePAM no
UseDNS no
PrintMotd no
PrintLastLog no
X11Forwarding no
AllowTcpForwarding no
AllowAgentForwarding no
PermitTunnel no
MaxStartups 200:30:400
MaxSessions 64
LoginGraceTime 60
LogLevel ERROR
Subsystem sftp internal-sftp
"""


def address(index):
    """127.0.B.H of host ``index`` (1-based)."""
    if not 1 <= index <= MAX_HOSTS:
        raise ValueError("host index %d out of 1..%d" % (index, MAX_HOSTS))
    return "127.0.%d.%d" % (1 + (index - 1) // 254, 1 + (index - 1) % 254)


def host_name(index):
    return "bench-%03d" % index


def profile_names():
    sys.path.insert(0, str(REPO))
    from tests.builders.profiles import PROFILES
    return [name for name in PROFILES if name not in DERIVED_PROFILES] + list(DERIVED_PROFILES)


def build_profiles():
    """Build every profile tree once into ``STATE/profiles`` (kept between runs)."""
    sys.path.insert(0, str(REPO))
    from tests.builders import profiles as builder
    for name, (base, changes) in DERIVED_PROFILES.items():
        if name not in builder.PROFILES:
            derived = dict(builder.PROFILES[base])
            derived.update(changes)
            builder.PROFILES[name] = derived
    stamp = STATE / "profiles" / ".built"
    sources = [REPO / "tests/builders", REPO / "tests/fixtures"]
    newest = max(p.stat().st_mtime for src in sources for p in src.rglob("*") if p.is_file())
    if stamp.exists() and stamp.stat().st_mtime >= newest:
        return builder.PROFILES
    shutil.rmtree(str(STATE / "profiles"), ignore_errors=True)
    for name in profile_names():
        builder.build_root(STATE / "profiles" / name, name)
    stamp.touch()
    return builder.PROFILES


def ensure_keys():
    keys = STATE / "keys"
    keys.mkdir(parents=True, exist_ok=True)
    os.chmod(str(STATE), 0o700)
    for key in ("ssh_host_ed25519_key", "id_ed25519"):
        if not (keys / key).exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "fepkit-bench-" + key,
                            "-f", str(keys / key)], check=True)
    (keys / "authorized_keys").write_text((keys / "id_ed25519.pub").read_text())
    os.chmod(str(keys / "authorized_keys"), 0o600)


def write_client_files(count):
    """known_hosts (the fleet's host key for each address), ssh_config and the inventory."""
    keys = STATE / "keys"
    host_key = (keys / "ssh_host_ed25519_key.pub").read_text().split()
    (STATE / "known_hosts").write_text("".join(
        "%s %s %s\n" % (address(i), host_key[0], host_key[1]) for i in range(1, count + 1)))
    common = client_ssh_options()
    (STATE / "ssh_config").write_text(
        "# ssh -F %s/ssh_config 127.0.1.5\nHost 127.0.*.*\n  User root\n" % STATE
        + "".join("  %s %s\n" % tuple(opt.split("=", 1)) for opt in common))
    write_inventory(count)


def client_ssh_options():
    """``-o`` values every client (ansible, the floor, a human) uses for the fleet."""
    return ["IdentityFile=%s/keys/id_ed25519" % STATE, "IdentitiesOnly=yes",
            "UserKnownHostsFile=%s/known_hosts" % STATE, "StrictHostKeyChecking=yes",
            "GlobalKnownHostsFile=/dev/null"]


def write_inventory(count):
    """``STATE/inventory.yml``: bench-001 … with the profile's level and a hospital name."""
    names = profile_names()
    levels = {}
    sys.path.insert(0, str(REPO))
    from tests.builders.profiles import PROFILES
    for name in names:
        levels[name] = (PROFILES.get(name) or PROFILES[DERIVED_PROFILES[name][0]])["level"]
    common_args = " ".join("-o " + opt for opt in client_ssh_options()[1:])
    lines = [
        "# Generated by tests/bench/fleet.py: %d loopback hospital servers." % count,
        "all:",
        "  vars:",
        "    ansible_user: root",
        "    ansible_ssh_private_key_file: %s/keys/id_ed25519" % STATE,
        "    ansible_ssh_common_args: %s" % json.dumps(common_args),
        "  hosts:",
    ]
    for index in range(1, count + 1):
        profile = names[(index - 1) % len(names)]
        lines += [
            "    %s:" % host_name(index),
            "      ansible_host: %s" % address(index),
            "      fep_hospital_level: %d" % levels[profile],
            # the metadata a regional inventory carries: the reports mask the mobiles and group
            # by city, so the benchmark pays for them as a real region would
            "      fep_hospital: %s" % json.dumps({
                "name": "基准医院%03d（%s）" % (index, profile),
                "ownership": "公立" if index % 5 else "民营",
                "division": {"province": "示例省", "city": "第%d市" % (index % 12 + 1), "county": "第%d区" % (index % 7 + 1)},
                "contact": {"name": "联系人%03d" % index, "mobile": "139%08d" % index},
                "volumes": {"outpatient_2023": 100000 + index * 37, "report_cards_yearly": 500 + index},
            }, ensure_ascii=False),
            "      fep_bench_profile: %s" % profile,
        ]
    (STATE / "inventory.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def sshd_config(index):
    if FLEET_KEX not in KEX:
        sys.exit("fleet: FEP_FLEET_KEX must be one of %s" % ", ".join(KEX))
    if FLEET_NET not in ("own", "shared"):
        sys.exit("fleet: FEP_FLEET_NET must be own or shared")
    text = SSHD_CONFIG.format(name=host_name(index), addr=address(index), state=STATE)
    if KEX[FLEET_KEX]:
        text += "KexAlgorithms %s\n" % KEX[FLEET_KEX]
    return text


def host_dir(index):
    return STATE / "hosts" / host_name(index)


def start_script(index, profile):
    """Shell run as PID 1 of the new namespaces: bind the profile, then become sshd."""
    tree = STATE / "profiles" / profile
    lines = ["set -e", "hostname %s" % host_name(index),
             # belt and braces: unshare already made the tree private
             "mount --make-rprivate /"]
    for rel, target in BINDS:
        if (tree / rel).exists() and os.path.lexists(target):
            real = os.path.realpath(target)  # /etc/os-release is a symlink on Debian
            lines.append("mount --bind -o ro %s %s" % (tree / rel, real))
    lines += ["[ ! -e %s ] || mount --bind /dev/null %s" % (p, p) for p in SILENCED]
    lines += ["[ ! -e %s ] || [ ! -e %s ] || mount --bind -o ro %s %s" % (src, dst, src, dst)
              for src, dst in PRISTINE_DOTFILES]
    if FLEET_NET == "shared":
        lines.append("exec /usr/sbin/sshd -D -f %s/sshd_config -E %s/sshd.log" % (host_dir(index), host_dir(index)))
    else:
        lines.append("exec /usr/bin/python3 -S -E %s %s %s %s" % (
            HERE / "fleet_host.py", address(index), host_dir(index), host_dir(index) / "spec.json"))
    return "\n".join(lines) + "\n"


def host_spec(profile):
    """What fleet_host.py starts: the profile's processes (stubs holding their ports)."""
    sys.path.insert(0, str(REPO))
    from tests.builders.profiles import PROFILES
    processes = list((PROFILES.get(profile) or PROFILES[DERIVED_PROFILES[profile][0]])["processes"])
    init = processes[0][0] if processes and not processes[0][1] else "init"
    rest = processes[1:] if init != "init" else processes
    return {"init": init, "bin_dir": str(STATE / "bin"), "processes": [[name, list(ports)] for name, ports in rest]}


def ensure_stub_programs():
    """STATE/bin/<name> -> sleep: a stub's /proc/<pid>/comm is then <name>."""
    bin_dir = STATE / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    sleep = shutil.which("sleep") or "/bin/sleep"
    for name in profile_names():
        sys.path.insert(0, str(REPO))
        from tests.builders.profiles import PROFILES
        for comm, _ports in PROFILES[name]["processes"]:
            link = bin_dir / comm
            if not link.is_symlink():
                link.symlink_to(sleep)


def read_pids():
    try:
        return {int(k): v for k, v in json.loads((STATE / "fleet.json").read_text())["hosts"].items()}
    except (OSError, ValueError, KeyError):
        return {}


def read_modes():
    try:
        return json.loads((STATE / "fleet.json").read_text()).get("modes") or {}
    except (OSError, ValueError):
        return {}


def write_pids(hosts):
    (STATE / "fleet.json").write_text(json.dumps(
        {"hosts": hosts, "modes": {"kex": FLEET_KEX, "net": FLEET_NET}}, indent=1, sort_keys=True))


def alive(pid, index):
    """Is ``pid`` still our unshare for host ``index`` (not a recycled pid)?"""
    try:
        cmdline = Path("/proc/%d/cmdline" % pid).read_bytes().split(b"\0")
    except OSError:
        return False
    marker = str(host_dir(index) / "start.sh").encode()
    return marker in cmdline


def answers(addr, timeout=0.5):
    try:
        with socket.create_connection((addr, 22), timeout=timeout) as sock:
            sock.settimeout(timeout)
            return sock.recv(64).startswith(b"SSH-")
    except OSError:
        return False


def port22_listening():
    """Anything listening on TCP port 22 of the machine (any address)?"""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 3 and fields[3] == "0A" and fields[1].endswith(":0016"):
                return True
    return False


def deps():
    """Install openssh-server if missing, without leaving the distribution's sshd running.

    The fleet never uses the distribution's service: if installing the package started it
    (and nothing listened on port 22 before), it is stopped and disabled again.
    """
    if os.path.exists("/usr/sbin/sshd") and shutil.which("ssh") and shutil.which("unshare"):
        return
    if os.geteuid() != 0:
        sys.exit("fleet: run as root to install openssh-server")
    before = port22_listening()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(["apt-get", "install", "-y", "-qq", "openssh-server", "openssh-client", "util-linux",
                    "iproute2"], check=True, env=env)
    if before:
        return
    systemd = os.path.isdir("/run/systemd/system")
    if systemd:
        subprocess.run(["systemctl", "disable", "--now", "ssh.service", "ssh.socket"], check=False)
    elif os.path.exists("/etc/init.d/ssh"):
        subprocess.run(["/etc/init.d/ssh", "stop"], check=False)
        subprocess.run(["update-rc.d", "ssh", "disable"], check=False)
    if port22_listening():
        sys.stderr.write("fleet: warning: something still listens on port 22 after stopping the ssh service\n")
    else:
        print("fleet: installed openssh-server; the distribution's sshd is not left running")


def install_check():
    missing = [p for p in ("/usr/sbin/sshd", "/usr/bin/unshare", "/usr/bin/ssh-keygen") if not os.path.exists(p)]
    if missing:
        sys.exit("fleet: missing %s (make bench-deps installs openssh-server)" % ", ".join(missing))
    if os.geteuid() != 0:
        sys.exit("fleet: needs root (mount namespaces, sshd)")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation dir


def start(count, at_least=False):
    install_check()
    if at_least:  # keep a bigger running fleet as it is
        count = max([count] + [i for i, e in read_pids().items() if alive(e["pid"], i)])
    if count > MAX_HOSTS:
        sys.exit("fleet: at most %d hosts" % MAX_HOSTS)
    STATE.mkdir(parents=True, exist_ok=True)
    build_profiles()
    ensure_keys()
    ensure_stub_programs()
    names = profile_names()
    hosts = read_pids()
    # hosts beyond the requested count go away; so do hosts whose configuration changed
    # (e.g. another FEP_FLEET_KEX): they are restarted below
    stale = {i: hosts.pop(i) for i in sorted(hosts) if i > count}
    for index in range(1, count + 1):
        entry = hosts.get(index)
        if entry and alive(entry["pid"], index) and not current(index, names):
            stale[index] = hosts.pop(index)
    wait_gone({index: stop_host(index, entry) for index, entry in stale.items()})
    started = []
    for index in range(1, count + 1):
        entry = hosts.get(index)
        if entry and alive(entry["pid"], index):
            continue
        profile = names[(index - 1) % len(names)]
        directory = host_dir(index)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "sshd_config").write_text(sshd_config(index))
        (directory / "start.sh").write_text(start_script(index, profile))
        (directory / "spec.json").write_text(json.dumps(host_spec(profile)))
        with open(str(directory / "console.log"), "ab") as log:
            proc = subprocess.Popen(
                ["unshare", "--mount", "--uts", "--pid", "--fork", "--mount-proc",
                 "--propagation", "private", "--kill-child=SIGTERM",
                 "sh", str(directory / "start.sh")],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True, close_fds=True)
        hosts[index] = {"pid": proc.pid, "addr": address(index), "profile": profile}
        started.append(index)
    write_pids(hosts)
    write_client_files(count)
    deadline = time.time() + 30 + count * 0.1
    waiting = set(range(1, count + 1))
    while waiting and time.time() < deadline:
        waiting = {i for i in waiting if not answers(address(i))}
        if waiting:
            time.sleep(0.2)
    if waiting:
        for index in sorted(waiting)[:5]:
            log = host_dir(index) / "console.log"
            sys.stderr.write("%s: %s\n" % (host_name(index), log.read_text()[-500:] if log.exists() else "?"))
        sys.exit("fleet: %d host(s) did not answer: %s" % (len(waiting), ", ".join(map(host_name, sorted(waiting)))))
    print("fleet: %d host(s) up (%d started now); inventory %s" % (count, len(started), STATE / "inventory.yml"))


def stop_host(index, entry):
    pid = entry.get("pid")
    if pid and alive(pid, index):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    return pid


def current(index, names):
    """Is the running host ``index`` configured as a start now would configure it?"""
    directory = host_dir(index)
    profile = names[(index - 1) % len(names)]
    try:
        return ((directory / "sshd_config").read_text() == sshd_config(index)
                and (directory / "start.sh").read_text() == start_script(index, profile)
                and json.loads((directory / "spec.json").read_text()) == host_spec(profile))
    except OSError:
        return False


def stop():
    hosts = read_pids()
    wait_gone({index: stop_host(index, entry) for index, entry in hosts.items()})
    if (STATE / "fleet.json").exists():
        write_pids({})
    print("fleet: stopped %d host(s)" % len(hosts))


def wait_gone(pids):
    """Wait for the given unshare pids to exit (SIGKILL after 10 s)."""
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(pid, i) for i, pid in pids.items() if pid):
        time.sleep(0.1)
    for index, pid in pids.items():
        if pid and alive(pid, index):
            os.kill(pid, signal.SIGKILL)
    # reap our own children when stop runs in the same process as start (tests)
    for pid in pids.values():
        try:
            os.waitpid(pid, os.WNOHANG)
        except (ChildProcessError, TypeError):
            pass


def status():
    hosts = read_pids()
    if not hosts:
        print("fleet: not running")
        return 1
    down = []
    for index, entry in sorted(hosts.items()):
        if not (alive(entry["pid"], index) and answers(entry["addr"])):
            down.append(host_name(index))
    by_profile = {}
    for entry in hosts.values():
        by_profile[entry["profile"]] = by_profile.get(entry["profile"], 0) + 1
    modes = read_modes()
    print("fleet: %d host(s), %d answering; kex %s; net %s; profiles: %s; inventory %s" % (
        len(hosts), len(hosts) - len(down), modes.get("kex", "?"), modes.get("net", "?"),
        ", ".join("%s×%d" % kv for kv in sorted(by_profile.items())), STATE / "inventory.yml"))
    if down:
        print("down: " + ", ".join(down))
    return 1 if down else 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    starter = sub.add_parser("start")
    starter.add_argument("count", type=int)
    starter.add_argument("--at-least", action="store_true",
                         help="keep hosts beyond COUNT that already run (default: stop them)")
    sub.add_parser("stop")
    sub.add_parser("status")
    sub.add_parser("deps", help="install openssh-server if missing (its own service stays off)")
    args = parser.parse_args(argv)
    if args.command == "start":
        start(args.count, at_least=args.at_least)
        return 0
    if args.command == "stop":
        stop()
        return 0
    if args.command == "deps":
        deps()
        return 0
    return status()


if __name__ == "__main__":
    sys.exit(main())
