# -*- coding: utf-8 -*-
"""What the national requirement sheet (附件1/附件2) asks for, as numbers and names.

The checks judge against these (through ``registry.Context``, which merges
the inventory's overrides), the input validation knows the overridable names
from them, and the firewall role opens the same ports.
"""
from collections import OrderedDict

from .. import opengauss_spec

# Thresholds of the sheet (附件1 一、(一)(二)(三), 二、(二)); overridable per
# group with ``fep_thresholds``.  Memory in GiB: DIMMs are sold in binary GB.
LEVEL_THRESHOLDS = {
    2: {"cpu_cores": 32, "memory_gib": 128},
    3: {"cpu_cores": 64, "memory_gib": 256},
}
COMMON_THRESHOLDS = {
    # 1 T: disks are sold in decimal terabytes
    "storage_bytes": 10 ** 12,
    # MemTotal is 1.5-3 % below the installed RAM (firmware/kernel reservations)
    "memory_tolerance_pct": 4.0,
    # "960 GB" enterprise SSDs are the 1 T class
    "storage_tolerance_pct": 4.0,
    "nics": 2,
    "bandwidth_mbps": 10.0,
    # free space the openGauss data directory should have (db.opengauss.data_dir)
    "opengauss_data_free_gib": float(opengauss_spec.DATA_FREE_GIB),
}

# The sheet's five inbound ports, by service name; ``fep_ports`` overrides a
# value when the hospital documents an alternative port (附件1 说明).
DEFAULT_PORTS = OrderedDict((
    ("data_api", 8881),
    ("database", 5432),
    ("config_update", 8882),
    ("monitoring", 8883),
    ("web", 8884),
))

# Processes that legitimately hold the front-end ports: the front-end software
# itself and the openGauss it ships.  Extend with ``fep_frontend_processes``.
DEFAULT_FRONTEND_PROCESSES = ("gaussdb", "gs_ctl", "fep-server", "fep-agent", "fep_server")
