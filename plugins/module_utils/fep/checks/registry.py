# -*- coding: utf-8 -*-
"""Registry, context and runner of the checks."""
import traceback
from collections import OrderedDict

from .sheet import COMMON_THRESHOLDS, DEFAULT_FRONTEND_PROCESSES, DEFAULT_PORTS, LEVEL_THRESHOLDS

STATUSES = ("pass", "warn", "fail", "skip", "unknown", "error")

CHECKS = OrderedDict()


# Scope of a sub-check whose setting belongs to the kernel as a whole: from
# inside a container it can only be read, never changed (docs/results-schema.md).
HOST_KERNEL = "host-kernel"
CONTAINER_NOTE = ("（在容器内审计：此项属于宿主机内核，只能在宿主机上修改）",
                  " (audited inside a container: a host-kernel setting that can only be changed on the host)")


class Check(object):
    """Metadata of one check plus the function that judges it.

    A check with ``parent`` is a *sub-check*: one item of a family whose
    parent (a *summary*, ``func(facts, ctx, parts)``) judges from the
    sub-checks' results.  ``scope`` = ``host-kernel`` marks settings of the
    kernel as a whole.  ``short`` (zh, en) heads the check's column in wide
    tables, where the full requirement does not fit; ``item_zh`` names it in a
    Chinese list of items (the db.opengauss summary), where it differs.
    """

    def __init__(self, check_id, func, survey_row, title_zh, title_en, tags,
                 measured_en, unknown_en, parent=None, scope=None, short=None, item_zh=None):
        self.id = check_id
        self.func = func
        self.survey_row = survey_row
        self.title_zh = title_zh
        self.title_en = title_en
        self.tags = tuple(tags)
        self.measured_en = measured_en
        self.unknown_en = unknown_en
        self.parent = parent
        self.scope = scope
        self.short_zh, self.short_en = short or (title_zh, title_en)
        self.item_zh = item_zh or self.short_zh
        self.children = []

    def short(self, lang):
        """The short title in ``lang`` (``zh`` or ``en``)."""
        return self.short_zh if lang == "zh" else self.short_en


def check(check_id, survey_row, title_zh, title_en, tags, measured, unknown, parent=None, scope=None,
          short=None, item_zh=None):
    """Decorator registering a check function ``func(facts, ctx) -> result``.

    With ``parent`` the check is a sub-check of an already registered summary.
    ``short`` = (zh, en) column headers, ``item_zh`` (see ``Check``).
    """
    def register(func):
        if check_id in CHECKS:
            raise ValueError("duplicate check id %s" % check_id)
        if parent is not None and parent not in CHECKS:
            raise ValueError("check %s: parent %s is not registered" % (check_id, parent))
        CHECKS[check_id] = Check(check_id, func, survey_row, title_zh, title_en,
                                 tags, measured, unknown, parent, scope, short, item_zh)
        if parent is not None:
            CHECKS[parent].children.append(check_id)
        return func
    return register


def is_sub_check(check_id):
    """True for a sub-check (an item summarised by its parent check)."""
    meta = CHECKS.get(check_id)
    return meta is not None and meta.parent is not None


def top_level(results):
    """``{id: result}`` without the sub-checks: the rows of the requirement sheet."""
    return OrderedDict((check_id, outcome) for check_id, outcome in results.items()
                       if not is_sub_check(check_id))


def result(status, observed, expected, zh, en, remedy_zh="", remedy_en="", source="detected"):
    """One verdict.  ``observed``/``expected`` are short plain strings."""
    assert status in STATUSES, status
    return {
        "status": status,
        "observed": observed,
        "expected": expected,
        "message_zh": zh,
        "message_en": en,
        "remedy_zh": remedy_zh,
        "remedy_en": remedy_en,
        "source": source,
    }


class Context(object):
    """Everything a check may consult besides the facts: inventory inputs."""

    def __init__(self, level=None, thresholds=None, ports=None, declared=None,
                 probes=None, frontend_processes=None, extra=None):
        self.level = level
        merged = dict(COMMON_THRESHOLDS)
        if level in LEVEL_THRESHOLDS:
            merged.update(LEVEL_THRESHOLDS[level])
        merged.update(thresholds or {})
        self.thresholds = merged
        self.ports = OrderedDict(DEFAULT_PORTS)
        self.ports.update(ports or {})
        self.declared = dict(declared or {})
        self.probes = dict(probes or {})
        self.frontend_processes = tuple(DEFAULT_FRONTEND_PROCESSES) + tuple(frontend_processes or ())
        self.extra = dict(extra or {})

    def threshold(self, name):
        return self.thresholds.get(name)


def unknown_reason(facts, *paths):
    """The recorded reason why one of ``paths`` (dotted fact paths) is unknown."""
    unknown = (facts or {}).get("unknown") or {}
    for path in paths:
        for key, reason in unknown.items():
            if key == path or path.startswith(key + ".") or key.startswith(path + "."):
                return "%s: %s" % (key, reason)
    return "not reported by the collector"


def selected(check_obj, select):
    """True when ``select`` (ids or tags; empty = all) includes the check.

    Selecting a summary selects its sub-checks: it judges from them.
    """
    if not select:
        return True
    if check_obj.id in select or any(tag in select for tag in check_obj.tags):
        return True
    return check_obj.parent is not None and check_obj.parent in select


def waiver_reason(check_obj, skip):
    """Why ``check_obj`` is waived (its own waiver, else its parent's), or None."""
    if check_obj.id in skip:
        return str(skip[check_obj.id])
    if check_obj.parent is not None and check_obj.parent in skip:
        return str(skip[check_obj.parent])
    return None


def mark_scope(outcome, check_obj, facts):
    """Add ``scope`` and, inside a container, ``container_unchangeable`` with a note."""
    if check_obj.scope is None or outcome.get("source") == "waiver":
        return outcome
    outcome["scope"] = check_obj.scope
    container = ((facts or {}).get("virtualization") or {}).get("container")
    if check_obj.scope == HOST_KERNEL and container:
        outcome["container_unchangeable"] = True
        outcome["message_zh"] += CONTAINER_NOTE[0]
        outcome["message_en"] += CONTAINER_NOTE[1]
        if outcome.get("remedy_zh"):
            outcome["remedy_zh"] = "在宿主机上：" + outcome["remedy_zh"]
            outcome["remedy_en"] = "On the host: " + outcome["remedy_en"]
    return outcome


def _crashed(exc):
    last = traceback.format_exc(limit=4).strip().splitlines()[-1]
    return result(
        "error", "", "",
        "检查程序出错：%s" % last, "check crashed: %s (%s)" % (last, exc.__class__.__name__),
        "请将此错误报告给 fepkit 维护者。", "Report this error to the fepkit maintainers.")


def run_checks(facts, ctx, skip=None, select=None):
    """Run every selected check; ``{id: result}`` in registry order.

    ``skip`` maps a check id to the recorded reason it is waived (waiving a
    summary waives its sub-checks).  Sub-checks run before their summary,
    which is given their results.
    """
    skip = skip or {}
    results = OrderedDict()
    chosen = [c for c in CHECKS.values() if selected(c, select)]
    # sub-checks and plain checks first, summaries once their parts are known
    for check_obj in sorted(chosen, key=lambda c: bool(c.children)):
        reason = waiver_reason(check_obj, skip)
        if reason is not None:
            results[check_obj.id] = result(
                "skip", "", "", "已豁免：%s" % reason, "waived: %s" % reason, source="waiver")
            continue
        try:
            if check_obj.children:
                parts = OrderedDict((c, results[c]) for c in check_obj.children if c in results)
                outcome = check_obj.func(facts, ctx, parts)
            else:
                outcome = mark_scope(check_obj.func(facts, ctx), check_obj, facts)
        except Exception as exc:  # noqa: BLE001 - one crashing check must not fail the host
            outcome = _crashed(exc)
        results[check_obj.id] = outcome
    return OrderedDict((c.id, results[c.id]) for c in chosen)


def summarise(results):
    """Counts per status, e.g. ``{"pass": 20, "fail": 3, ...}``, of the top-level checks.

    Sub-checks are counted through their summary (one row of the sheet).
    """
    counts = OrderedDict((status, 0) for status in STATUSES)
    for outcome in top_level(results).values():
        counts[outcome["status"]] += 1
    return counts
