# -*- coding: utf-8 -*-
"""The OS settings the openGauss installer inspects, written into a snapshot root.

Two states of a real server: ``stock`` (a freshly installed Kylin / openEuler
/ UOS / CentOS: kernel defaults, THP on, RemoveIPC unset, no omm) and
``tuned`` (what the fep_opengauss_prereqs role and gs_preinstall leave: every
value of ``fep.opengauss_spec``).  Files as the kernel and the distributions
write them: multi-value sysctls tab-separated, THP as ``[never]`` lists,
a TZif zone file behind ``etc/localtime``.
"""
import struct
import sys
from pathlib import Path

# the lab (tests/lab/lab.py) imports the builders with only the repository on sys.path
MODULE_UTILS = str(Path(__file__).resolve().parents[2] / "plugins" / "module_utils")
if MODULE_UTILS not in sys.path:
    sys.path.insert(0, MODULE_UTILS)

from fep import opengauss_spec as spec  # noqa: E402
from tests.builders.devices import write_file  # noqa: E402

# A 4.19 kernel (Kylin V10, openEuler 20.03/22.03) as installed: tcp_tw_recycle is gone.
STOCK_SYSCTLS = {
    "net.ipv4.tcp_max_tw_buckets": "131072", "net.ipv4.tcp_tw_reuse": "2",
    "net.ipv4.tcp_keepalive_time": "7200", "net.ipv4.tcp_keepalive_intvl": "75",
    "net.ipv4.tcp_keepalive_probes": "9", "net.ipv4.tcp_retries2": "15",
    "net.core.wmem_max": "212992", "net.core.rmem_max": "212992", "net.core.wmem_default": "212992",
    "net.core.rmem_default": "212992", "kernel.sem": "32000\t1024000000\t500\t32000",
    "net.ipv4.tcp_rmem": "4096\t131072\t6291456", "net.ipv4.tcp_wmem": "4096\t16384\t4194304",
    "vm.min_free_kbytes": "90112", "net.core.netdev_max_backlog": "1000",
    "net.ipv4.tcp_max_syn_backlog": "2048", "net.core.somaxconn": "128", "net.ipv4.tcp_syncookies": "1",
    "vm.overcommit_memory": "0", "kernel.shmall": "18446744073692774399",
    "kernel.shmmax": "18446744073692774399", "net.ipv4.ip_local_port_range": "32768\t60999",
    "net.ipv4.tcp_fin_timeout": "60", "net.ipv4.tcp_sack": "1", "net.ipv4.tcp_timestamps": "1",
    "net.ipv4.tcp_retries1": "3", "net.ipv4.tcp_syn_retries": "6", "net.ipv4.tcp_synack_retries": "5",
    "vm.extfrag_threshold": "500", "vm.overcommit_ratio": "50", "fs.aio-max-nr": "65536",
    "net.ipv4.ip_local_reserved_ports": "",
}

TUNED_LIMITS = """# openGauss (gs_preinstall / fep_opengauss_prereqs)
*       soft    nofile  1000000
*       hard    nofile  1000000
*       soft    stack   3072
*       hard    stack   3072
*       soft    nproc   unlimited
*       hard    nproc   unlimited
*       soft    as      unlimited
*       hard    as      unlimited
"""

PAM_SSHD = """#%PAM-1.0
auth       substack     password-auth
auth       include      postlogin
account    required     pam_nologin.so
account    include      password-auth
password   include      password-auth
session    required     pam_selinux.so close
session    required     pam_loginuid.so
session    required     pam_selinux.so open env_params
session    required     pam_namespace.so
session    optional     pam_keyinit.so force revoke
session    optional     pam_motd.so
session    include      password-auth
session    include      postlogin
"""
PASSWORD_AUTH = """auth        required      pam_env.so
auth        sufficient    pam_unix.so try_first_pass nullok
account     required      pam_unix.so
password    sufficient    pam_unix.so sha512 shadow nullok try_first_pass use_authtok
session     optional      pam_keyinit.so revoke
session     required      pam_limits.so
-session    optional      pam_systemd.so
session     required      pam_unix.so
"""

PASSWD = "root:x:0:0:root:/root:/bin/bash\nsshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin\n"
GROUP = "root:x:0:\nsshd:x:74:\n"
# library file -> its SONAME link, as the RPMs install them in /usr/lib64
LIBRARIES = {"libaio": ("libaio.so.1.0.1", "libaio.so.1"), "libedit": ("libedit.so.0.0.63", "libedit.so.0"),
             "libxml2": ("libxml2.so.2.9.10", "libxml2.so.2"), "lz4": ("liblz4.so.1.9.2", "liblz4.so.1"),
             "numactl": ("libnuma.so.1.0.0", "libnuma.so.1"), "unixODBC": ("libodbc.so.2.0.0", "libodbc.so.2")}
# what a minimal server install has; libedit and unixODBC come with the 7.0 package list
STOCK_PACKAGES = ("bzip2", "libaio", "libxml2", "lz4", "numactl")


def tuned_sysctls(mem_total_kib, db_port=5432):
    """What the role leaves in /proc/sys: every value of the installer's table."""
    values = {key: value.replace(" ", "\t") for key, value in spec.SYSCTL_MANDATORY.items()}
    values.update({key: value.replace(" ", "\t") for key, value in spec.SYSCTL_SUGGESTED.items()})
    values.pop("net.ipv4.tcp_tw_recycle")  # a 4.19 kernel has none
    values["vm.min_free_kbytes"] = str(int(mem_total_kib * spec.MIN_FREE_KBYTES_PERCENT / 100))
    values["fs.aio-max-nr"] = str(spec.AIO_MAX_NR_MIN)
    values["net.ipv4.ip_local_reserved_ports"] = "%d-%d" % (db_port, db_port + spec.PORT_SPAN - 1)
    return values


def write_sysctls(root, values):
    for key, value in values.items():
        write_file(Path(root) / "proc/sys" / key.replace(".", "/"), value + "\n")


def tzif(abbreviation="CST", utc_offset=8 * 3600, footer="CST-8"):
    """A minimal valid TZif version 2 file: one local time type, no transitions, a POSIX TZ footer."""
    chars = abbreviation.encode("ascii") + b"\0"

    def block(header_version):
        header = b"TZif" + header_version + b"\0" * 15 + struct.pack(">6l", 0, 0, 0, 0, 1, len(chars))
        return header + struct.pack(">lBB", utc_offset, 0, 0) + chars
    return block(b"2") + block(b"2") + b"\n" + footer.encode("ascii") + b"\n"


def write_opengauss_settings(root, state, mem_total_kib, selinux="disabled", db_port=5432):
    """Write the ``stock`` or ``tuned`` openGauss-relevant settings under ``root``."""
    root = Path(root)
    tuned = state == "tuned"
    write_sysctls(root, tuned_sysctls(mem_total_kib, db_port) if tuned else STOCK_SYSCTLS)
    write_file(root / "sys/kernel/mm/transparent_hugepage/enabled",
           "always madvise [never]\n" if tuned else "[always] madvise never\n")
    write_file(root / "sys/kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n")
    write_file(root / "etc/security/limits.conf", "# /etc/security/limits.conf\n#<domain> <type> <item> <value>\n")
    if tuned:
        write_file(root / "etc/security/limits.d/90-opengauss.conf", TUNED_LIMITS)
    write_file(root / "etc/pam.d/sshd", PAM_SSHD)
    write_file(root / "etc/pam.d/password-auth", PASSWORD_AUTH)
    write_file(root / "etc/systemd/logind.conf", "[Login]\n#KillUserProcesses=no\n%s\n"
           % ("RemoveIPC=no" if tuned else "#RemoveIPC=yes"))
    write_file(root / "etc/selinux/config", "SELINUX=%s\nSELINUXTYPE=targeted\n" % selinux)
    if selinux != "disabled":
        write_file(root / "sys/fs/selinux/enforce", "1\n" if selinux == "enforcing" else "0\n")
    passwd, group = PASSWD, GROUP
    if tuned:
        passwd += "omm:x:1000:1000::/home/omm:/bin/bash\n"
        group += "dbgrp:x:1000:\n"
    write_file(root / "etc/passwd", passwd)
    write_file(root / "etc/group", group)
    installed = spec.PACKAGES if tuned else STOCK_PACKAGES
    if "bzip2" in installed:
        write_file(root / "usr/bin/bzip2", b"\x7fELF")
    (root / "usr/lib64").mkdir(parents=True, exist_ok=True)
    for name, (library, soname) in LIBRARIES.items():
        if name in installed:
            write_file(root / "usr/lib64" / library, b"\x7fELF")
            (root / "usr/lib64" / soname).symlink_to(library)
    write_file(root / "usr/share/zoneinfo/Asia/Shanghai", tzif())
    if tuned:
        (root / "opt/openGauss/data").mkdir(parents=True, exist_ok=True)
