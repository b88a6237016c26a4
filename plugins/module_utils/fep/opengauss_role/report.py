# -*- coding: utf-8 -*-
"""The end-of-run summary of the role: pending settings, reboots, overrides, directories taken over."""
from .sysctl import override_messages


def summary_lines(reports, lang="zh"):
    """The end-of-run summary: one line per host and pending setting, reboots first, then the
    hospital's sysctl values the role overrides (old → new) and the directories it took over.

    ``reports`` maps a host to the role's ``fep_opengauss_prereqs_report``
    (hosts the role did not reach are left out).
    """
    lang = "en" if lang == "en" else "zh"
    reboot = [host for host, report in sorted(reports.items()) if report.get("reboot_required")]
    lines = []
    if reboot:
        lines.append(("REBOOT NEEDED (the role never reboots): %s" if lang == "en"
                      else "需要重启（本角色不会自动重启）：%s") % ", ".join(reboot))
    for host, report in sorted(reports.items()):
        for item in report.get("pending") or ():
            lines.append("%s: %s" % (host, item["message_" + lang]))
    for host, report in sorted(reports.items()):
        for item in report.get("sysctl_overrides") or ():
            lines.append("%s: %s" % (host, override_messages(item)[lang == "en"]))
        for item in report.get("directories") or ():
            if item.get("taken_over"):
                lines.append("%s: %s" % (host, takeover_message(item)[lang == "en"]))
    return lines


def takeover_message(record):
    """Chinese and English sentence for a directory the role took over (what was there before)."""
    return ("%s：已接管（原属主 %s:%s，权限 %s，%d 个条目）" % (record["path"], record["owner"], record["group"],
                                                    record["mode"], record["entries"]),
            "%s: taken over (was %s:%s, mode %s, %d entries)" % (record["path"], record["owner"], record["group"],
                                                              record["mode"], record["entries"]))
