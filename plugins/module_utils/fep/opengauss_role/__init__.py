# -*- coding: utf-8 -*-
"""Controller-side logic of the ``fep_opengauss_prereqs`` role, as pure functions.

The role makes a host pass the openGauss installer's own checks
(``gs_preinstall`` → ``gs_checkos``).  Its filter plugin
(``plugins/filter/opengauss_role.py``) calls these on the control node:

- ``platform``: which vars files describe the OS, from ``/etc/os-release``
  (ansible-core misclassifies UOS and Kylin), locale and SELinux decisions;
- ``sysctl``: the values computed per host (``vm.min_free_kbytes`` from RAM,
  the reserved ports of the database merged with those already reserved) and
  the hospital's settings they override;
- ``inputs``: validation of the role's inputs beyond what ``argument_specs``
  can say, and the directories the role may take over;
- ``report``: the end-of-run summary.

What the role's modules decide on the host is ``fep.opengauss_settings``
(target code, Python 3.6).
"""
from .inputs import directory_takeover, host_problems, input_problems, limits_problems  # noqa: F401
from .platform import locale_installed, platform_of, selinux_config_value  # noqa: F401
from .report import summary_lines, takeover_message  # noqa: F401
from .sysctl import (  # noqa: F401
    RESERVED_PORT_SPAN,
    format_port_list,
    min_free_kbytes,
    override_messages,
    parse_port_list,
    reserved_ports,
    sysctl_overrides,
    sysctl_values,
)
