# -*- coding: utf-8 -*-
"""One classification of a host and of a hospital, used by every report.

``host_summary(entry)`` answers "is this server compliant?" once: the HTML
badge, the roll-up's 合格医院数, the console table and the exit status of the
audit (``failing_hosts``) all read it, so they cannot disagree.

* 未审计 ``not_audited``: unreachable, or the audit failed for the host;
* 不合格 ``fail``: a requirement fails, or its check crashed (``error``:
  the run cannot vouch for it either);
* 需确认 ``attention``: nothing fails, but a requirement is ``unknown``:
  someone has to look;
* 合格 ``pass``: every judged requirement passes (a ``warn`` meets the sheet
  with a caveat; ``skip`` is a waiver or a probe not configured, both stated).

Counts are over the top-level checks (the rows of the sheet), computed from
the checks themselves, not from a stored summary that a merge may have left
stale.
"""
import re
from collections import OrderedDict
from typing import NamedTuple, Tuple

from ..checks.registry import STATUSES, summarise, top_level

VERDICTS = ("pass", "attention", "fail", "not_audited")
# worst first: a hospital is as good as its worst server
SEVERITY = ("fail", "not_audited", "attention", "pass")
VERDICT_LABELS = {
    "zh": {"pass": "合格", "attention": "需确认", "fail": "不合格", "not_audited": "未审计"},
    "en": {"pass": "Compliant", "attention": "To confirm", "fail": "Non-compliant", "not_audited": "Not audited"},
}


# the verdicts that make a run a failure (the playbook fails, fep_summary.failing_hosts)
FAILING_VERDICTS = ("fail", "not_audited")


class HostSummary(NamedTuple):
    """What every report says about one host."""
    verdict: str  # one of VERDICTS
    counts: "OrderedDict[str, int]"  # status -> number of top-level checks
    failing: Tuple[str, ...]  # top-level checks that fail or crashed, in results order
    unsure: Tuple[str, ...]  # top-level checks that are unknown


def host_summary(entry):
    """The classification of one results.json host entry."""
    entry = entry or {}
    if entry.get("status") != "ok":
        return HostSummary("not_audited", OrderedDict((status, 0) for status in STATUSES), (), ())
    # sub-checks count through their summary (one row of the sheet)
    checks = top_level(entry.get("checks") or {})
    counts = summarise(checks)
    failing = tuple(c for c, outcome in checks.items() if outcome["status"] in ("fail", "error"))
    unsure = tuple(c for c, outcome in checks.items() if outcome["status"] == "unknown")
    verdict = "fail" if failing else "attention" if unsure else "pass"
    return HostSummary(verdict, counts, failing, unsure)


def worst(verdicts):
    """The verdict of a group of hosts (a hospital): its worst server's."""
    verdicts = list(verdicts)
    return next((v for v in SEVERITY if v in verdicts), "not_audited")


def verdict_label(verdict, lang):
    return VERDICT_LABELS.get(lang, VERDICT_LABELS["zh"])[verdict]


def ordered_hosts(results):
    """``[(host, entry)]`` by city, county, hospital name, host, blanks last: every report's order."""
    def key(item):
        host, entry = item
        hospital = (entry or {}).get("hospital") or {}
        division = hospital.get("division") or {}
        return tuple((not value, value or "") for value in (
            division.get("city"), division.get("county"), hospital.get("name"), host))
    return sorted((results.get("hosts") or {}).items(), key=key)


def failing_hosts(results):
    """Hosts that make the run a failure: not audited, or a requirement fails."""
    return [name for name, entry in results["hosts"].items()
            if host_summary(entry).verdict in FAILING_VERDICTS]


# Why a host was not audited, in Chinese: ssh and Ansible speak English, the reports to a
# health commission must not.  The original text follows as 技术信息 for the ops team.
NOT_AUDITED_REASONS = (
    (re.compile(r"Permission denied|Too many authentication failures", re.I),
     "SSH 登录被拒绝（用户名、密钥或口令不正确）"),
    (re.compile(r"Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED", re.I),
     "SSH 主机密钥校验失败（服务器重装或密钥变更后需更新 known_hosts）"),
    (re.compile(r"Could not resolve hostname|Name or service not known", re.I), "主机名无法解析"),
    (re.compile(r"Connection refused", re.I), "SSH 端口拒绝连接（sshd 未运行或端口不对）"),
    (re.compile(r"No route to host", re.I), "网络不通（无路由到主机）"),
    # before "timed out": report/results.py failure_message quotes ansible's "Timed out after N s"
    (re.compile(r"fep_audit_timeout", re.I),
     "在 fep_audit_timeout 规定时间内未返回结果，已终止该主机的审计（服务器或连接卡住；可调大 fep_audit_timeout）"),
    (re.compile(r"timed out", re.I), "连接超时（服务器关机、网络不通或被防火墙拦截）"),
    (re.compile(r"invalid inventory value", re.I), "清单变量取值有误"),
    (re.compile(r"no Python 3 interpreter|needs 3\.6", re.I), "服务器上没有可用的 Python 3.6 及以上版本"),
    (re.compile(r"collector produced no result", re.I), "采集程序没有返回结果"),
    (re.compile(r"not audited: the play failed", re.I), "审计任务之前的步骤已失败"),
)
NOT_AUDITED_TEXT = {
    "zh": {"unreachable": "服务器不可达", "failed": "审计失败", "detail": "技术信息"},
    "en": {"unreachable": "unreachable", "failed": "audit failed", "detail": "detail"},
}


def not_audited_reason(entry, lang):
    """Why a host was not audited, in ``lang``: ``不可达：连接超时（…）（技术信息：ssh …）``."""
    message = str((entry or {}).get("message") or "").strip()
    if lang != "zh":
        return message or NOT_AUDITED_TEXT["en"].get((entry or {}).get("status"), "not audited")
    text = NOT_AUDITED_TEXT["zh"]
    head = text.get((entry or {}).get("status"), text["failed"])
    cause = next((zh for pattern, zh in NOT_AUDITED_REASONS if pattern.search(message)), None)
    parts = [head + ("：" + cause if cause else "")]
    if message:
        parts.append("（%s：%s）" % (text["detail"], message))
    return "".join(parts)
