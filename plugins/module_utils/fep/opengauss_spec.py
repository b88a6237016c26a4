# -*- coding: utf-8 -*-
"""What the openGauss installer expects of a host: the one table of values.

Source: openGauss-OM ``gs_preinstall`` / ``gs_checkos`` (items A1-A14),
``script/gspylib/etc/conf/check_list.conf`` and ``script/local/LocalCheck.py``
/ ``LocalCheckOS.py`` (see /docs/checks.md, "openGauss prerequisites").

Plain data only, shared by both sides: the collector (target side) reads the
sysctl keys listed here, the checks (controller side) judge against the
values, and the ``fep_opengauss_prereqs`` role's defaults are tested against
them.  Standard library, Python 3.6+: this module is shipped to the servers.

Values are strings exactly as ``/proc/sys`` prints them after whitespace is
collapsed to single spaces (``kernel.sem`` = ``"250 6400000 1000 25600"``).
"""
from collections import OrderedDict

# --- A6 system control parameters (check_list.conf [/etc/sysctl.conf]) -------
# Any difference is "Abnormal" for the installer: the host is rejected.
SYSCTL_MANDATORY = OrderedDict((
    ("net.ipv4.tcp_max_tw_buckets", "10000"),
    ("net.ipv4.tcp_tw_reuse", "1"),
    ("net.ipv4.tcp_tw_recycle", "1"),  # only where the kernel has it: removed in Linux 4.12
    ("net.ipv4.tcp_keepalive_time", "30"),
    ("net.ipv4.tcp_keepalive_intvl", "30"),
    ("net.ipv4.tcp_keepalive_probes", "9"),
    ("net.ipv4.tcp_retries2", "12"),
    ("net.core.wmem_max", "21299200"),
    ("net.core.rmem_max", "21299200"),
    ("net.core.wmem_default", "21299200"),
    ("net.core.rmem_default", "21299200"),
    ("kernel.sem", "250 6400000 1000 25600"),
    ("net.ipv4.tcp_rmem", "8192 250000 16777216"),
    ("net.ipv4.tcp_wmem", "8192 250000 16777216"),
    ("net.core.netdev_max_backlog", "65535"),
    ("net.ipv4.tcp_max_syn_backlog", "65535"),
    ("net.core.somaxconn", "65535"),
    ("net.ipv4.tcp_syncookies", "1"),
    ("vm.overcommit_memory", "0"),
    ("kernel.shmall", "1152921504606846720"),
    ("kernel.shmmax", "18446744073709551615"),
))
# Judged only when /proc/sys has the key (LocalCheck.py skips it otherwise).
SYSCTL_IF_PRESENT = ("net.ipv4.tcp_tw_recycle",)

# vm.min_free_kbytes = 5 % of MemTotal; outside +-10 % of that is a Warning.
MIN_FREE_KBYTES_PERCENT = 5.0
MIN_FREE_KBYTES_TOLERANCE_PERCENT = 10.0

# check_list.conf [SUGGEST:/etc/sysctl.conf]: a difference is a Warning only.
SYSCTL_SUGGESTED = OrderedDict((
    ("net.ipv4.ip_local_port_range", "26000 65535"),  # judged as a range: the ports must lie within
    ("net.ipv4.tcp_fin_timeout", "60"),
    ("net.ipv4.tcp_sack", "1"),
    ("net.ipv4.tcp_timestamps", "1"),
    ("net.ipv4.tcp_retries1", "5"),
    ("net.ipv4.tcp_syn_retries", "5"),
    ("net.ipv4.tcp_synack_retries", "5"),
    ("vm.extfrag_threshold", "500"),
    ("vm.overcommit_ratio", "90"),  # ignored while vm.overcommit_memory is 0
))

# --- A10 IO: scheduler of the data disks, queue depth, asynchronous IO --------
IO_SCHEDULERS = ("deadline", "mq-deadline")  # "none" (the NVMe default) is Abnormal
NR_REQUESTS = 32768
AIO_MAX_NR_MIN = 104857600  # fs.aio-max-nr

# Every sysctl key the collector reads (also the database port reservation).
SYSCTL_KEYS = tuple(SYSCTL_MANDATORY) + ("vm.min_free_kbytes",) + tuple(SYSCTL_SUGGESTED) + (
    "fs.aio-max-nr", "net.ipv4.ip_local_reserved_ports")

# --- A7 resource limits of the database user (check_list.conf [/etc/security/limits.conf])
# item -> (expected, "min" = at least / "unlimited", severity)
LIMITS = OrderedDict((
    ("nofile", (1000000, "min", "warn")),      # open files
    ("stack", (3072, "min", "fail")),          # stack size, KB: Abnormal below
    ("nproc", ("unlimited", "unlimited", "warn")),  # max user processes
    ("as", ("unlimited", "unlimited", "warn")),     # virtual memory
))

# --- A14 transparent huge pages, A5 swap, A12 time sync -----------------------
THP_ENABLED = "never"
SWAP_MAX_RATIO = 1.0  # swap <= RAM
TIME_SYNC_DAEMONS = ("chronyd", "ntpd")  # what gs_checkos looks for (pgrep)

# --- preinstall settings outside gs_checkos -----------------------------------
REMOVE_IPC = "no"                   # /etc/systemd/logind.conf RemoveIPC=no
SELINUX_ALLOWED = ("disabled", "permissive")  # setenforce 0, SELINUX=disabled
PAM_LIMITS_LINE = "session required pam_limits.so"  # in /etc/pam.d/sshd
USER = "omm"                        # gs_preinstall -U omm -G dbgrp
GROUP = "dbgrp"

# --- A1 OS, architecture, CPU ---------------------------------------------------
# os-release IDs of the installer's OS list; RHEL/CentOS only 6.4-8.x.
OS_IDS = ("kylin", "openeuler", "uos", "euleros", "fusionos", "bclinux", "h3linux", "ningos",
          "asianux", "centos", "rhel", "redhat")
OS_RHEL_LIKE = ("centos", "rhel", "redhat", "asianux")
OS_RHEL_MIN = (6, 4)
OS_RHEL_MAX_MAJOR = 8
ARCHES = ("x86_64", "aarch64")   # the only builds published
X86_CPU_FLAGS = ("avx", "rdtscp")

# --- packages ----------------------------------------------------------------------
# Checked by file evidence, no rpm/dpkg call: a binary in BIN_DIRS or a library by its
# SONAME (the name the dynamic linker loads) in LIB_DIRS, a few stat calls.
# name -> (kind, file names, rpm package, deb package, required)
# required: gs_preinstall stops without it; the others are checked by the
# 7.0+ installers (missing = warn).
PACKAGES = OrderedDict((
    ("bzip2", ("bin", ("bzip2",), "bzip2", "bzip2", True)),
    ("libaio", ("lib", ("libaio.so.1", "libaio.so.1t64"), "libaio", "libaio1", True)),
    ("libedit", ("lib", ("libedit.so.0", "libedit.so.2"), "libedit", "libedit2", False)),
    ("libxml2", ("lib", ("libxml2.so.2", "libxml2.so.16"), "libxml2", "libxml2", False)),
    ("lz4", ("lib", ("liblz4.so.1",), "lz4", "liblz4-1", False)),
    ("numactl", ("lib", ("libnuma.so.1",), "numactl", "libnuma1", False)),
    ("unixODBC", ("lib", ("libodbc.so.2", "libodbc.so.1"), "unixODBC", "unixodbc", False)),
))
# Documented in the installation guide (data for the role, not judged here).
PACKAGES_DOCUMENTED_RPM = ("libaio-devel", "flex", "bison", "ncurses-devel", "glibc-devel", "patch",
                           "redhat-lsb-core", "readline-devel")
PACKAGES_DOCUMENTED_RPM_OPENEULER_X86 = ("libnsl",)
BIN_DIRS = ("usr/bin", "bin", "usr/sbin", "sbin")
LIB_DIRS = ("usr/lib64", "lib64", "usr/lib", "lib", "usr/lib/x86_64-linux-gnu",
            "usr/lib/aarch64-linux-gnu", "lib/x86_64-linux-gnu", "lib/aarch64-linux-gnu")

# --- data directory and port ---------------------------------------------------------
DATA_DIR = "/opt/openGauss/data"   # fep_opengauss_data_dir overrides it
DATA_FREE_GIB = 100                # threshold opengauss_data_free_gib (fep_thresholds)
PORT_SPAN = 8                      # the installer reserves port .. port+7 per instance
# firewalld services that open the database port
FIREWALLD_SERVICES = {"postgresql": 5432}
