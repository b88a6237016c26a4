# -*- coding: utf-8 -*-
"""The cells of the survey form, row by row: the boxes ticked and 目前现有情况, worded so that
every tick means what an official reads.

Beyond a check's verdict the form states:

* the level and the threshold applied to a row (``判定标准：三级医院 ≥64 核``,
  or the adjusted one with its reason);
* the port rows (三-1…5): free, and whether the host firewall admits the port
  from the network the sheet names, or 待医院填写 with what is missing;
* the declaration-only items of the sheet (数字证书和配套密码产品, 对外 IP,
  工作制度): the declaration, or 待医院填写;
* no jargon in printed cells: GB as the sheet writes it, no sysfs, no ISO
  timestamps.
"""
import datetime
import re

from .labels import BOX_EMPTY, BOX_TICKED, DECLARED, NOT_AUDITED, TO_FILL
from .survey_form import FORM

# verdicts the audit decided; any other status leaves the cell to the hospital
VERDICTS = ("pass", "warn", "fail")
# boxes per printed line: a wrap chosen by the spreadsheet could separate a box from its label
BOXES_PER_LINE = {"os": 3, "security": 2}

# row check id -> (threshold, unit zh, unit en, level-dependent)
THRESHOLD_ROWS = {
    "cpu.cores": ("cpu_cores", "≥{value:g} 核", "≥{value:g} cores", True),
    "memory.size": ("memory_gib", "≥{value:g}GB", "≥{value:g} GB", True),
    "storage.size": ("storage_bytes", "≥{tb:g}T", "≥{tb:g} TB", False),
    "storage.ssd": ("storage_bytes", "SSD ≥{tb:g}T", "SSD ≥{tb:g} TB", False),
    "nic.dual": ("nics", "≥{value:g} 块网卡", "≥{value:g} NICs", False),
    "net.bandwidth": ("bandwidth_mbps", "≥{value:g}M", "≥{value:g} Mbit/s", False),
}
LEVEL_ZH = {2: "二级医院", 3: "三级医院"}
LEVEL_EN = {2: "level-2 hospital", 3: "level-3 hospital"}

# declaration-only items (fep_declared keys), the sheet's words
DECLARATIONS = {
    "crypto_products": ("数字证书和配套密码产品", "Digital certificates and cryptographic products"),
    "work_rules": ("日常运维与安全工作制度", "Routine operations and security work rules"),
    "external_ip": ("前置服务器对外 IP", "External IP of the server"),
}
# form row (first check id) -> the declaration-only items printed in it
DECLARED_IN_ROW = {"security.antivirus": ("crypto_products", "work_rules"), "net.gov_extranet": ("external_ip",)}

# printed cells say what the sheet says
UNITS = ((re.compile(r"(\d)\s*GiB"), r"\1 GB"), (re.compile(r"(\d)\s*TiB"), r"\1 TB"))
JARGON = {
    "zh": UNITS + ((re.compile(r"来源 sysfs"), "来源 系统 CPU 拓扑"), (re.compile(r"sysfs"), "系统设备信息")),
    "en": UNITS + ((re.compile(r"\(sysfs\)"), "(kernel CPU topology)"), (re.compile(r"sysfs"), "kernel device data")),
}


def plain(text, lang="zh"):
    """``text`` without the audit's jargon (GiB, sysfs)."""
    if not text or ("iB" not in text and "sysfs" not in text):  # what every pattern needs: most texts skip them
        return text
    for pattern, replacement in JARGON[lang]:
        text = pattern.sub(replacement, text)
    return text


def generated_text(generated, lang):
    """``2026年11月25日 17:30`` for the footer instead of an ISO timestamp ('' when unreadable)."""
    try:
        moment = datetime.datetime.fromisoformat(str(generated))
    except (TypeError, ValueError):
        return str(generated or "")
    if lang == "zh":
        return "%d年%d月%d日 %02d:%02d" % (moment.year, moment.month, moment.day, moment.hour, moment.minute)
    return moment.strftime("%Y-%m-%d %H:%M")


def _threshold_text(check_id, value, lang):
    name, unit_zh, unit_en, _ = THRESHOLD_ROWS[check_id]
    unit = unit_zh if lang == "zh" else unit_en
    return unit.format(value=value, tb=value / 1e12 if name == "storage_bytes" else 0)


def threshold_note(check_id, entry, lang):
    """``判定标准：三级医院 ≥64 核`` (or the adjusted threshold and why), None for other rows."""
    if check_id not in THRESHOLD_ROWS:
        return None
    record = (entry.get("inventory") or {}).get("thresholds") or {}
    name, _, _, by_level = THRESHOLD_ROWS[check_id]
    applied, sheet = (record.get("applied") or {}).get(name), (record.get("sheet") or {}).get(name)
    if applied is None:
        return None
    level = record.get("level", entry.get("level"))
    who = (LEVEL_ZH if lang == "zh" else LEVEL_EN).get(level) if by_level else None
    if name not in (record.get("overridden") or []):
        if not who:
            return None
        return ("判定标准：%s %s" if lang == "zh" else "Threshold: %s %s") % (
            who, _threshold_text(check_id, applied, lang))
    reason = record.get("reason")
    sheet_text = _threshold_text(check_id, sheet, lang) if sheet is not None else "-"
    if lang == "zh":
        return "判定标准：本院按 %s判定（经调整，附件1%s为 %s；原因：%s）" % (
            _threshold_text(check_id, applied, lang), who or "", sheet_text, reason or "清单未注明")
    return "Threshold: %s for this hospital (adjusted; the sheet says %s%s; reason: %s)" % (
        _threshold_text(check_id, applied, lang), sheet_text, " for a " + who if who else "", reason or "not recorded")


def declaration_lines(row_check, entry, lang):
    """``(lines, must_fill)``: the declaration-only items printed in a row."""
    declared = (entry.get("inventory") or {}).get("declared") or {}
    lines, must_fill = [], False
    for key in DECLARED_IN_ROW.get(row_check, ()):
        label = DECLARATIONS[key][0 if lang == "zh" else 1]
        value = declared.get(key)
        if value is True:
            value = "已具备（声明）" if lang == "zh" else "in place (declared)"
        elif value:
            value = "%s%s" % (value, "（声明）" if lang == "zh" else " (declared)")
        else:
            value, must_fill = TO_FILL[lang], True
        lines.append(label + FORM[lang]["sep"] + value)
    return lines, must_fill


def port_cells(outcome, lang):
    """Row 三-1…5: ``(ticked, text, must_fill)`` from a port check with its ``access``.

    是 only when the port is free (or the front-end's) *and* the host firewall
    admits it from the sheet's network; 否 when it is taken or blocked;
    otherwise nothing is ticked and the hospital confirms the firewall.
    """
    status = outcome["status"]
    access = outcome.get("access")
    message = outcome["message_%s" % lang]
    if status == "fail" or not access:
        return ({"no"} if status == "fail" else set()), message, status != "fail"
    port_text = access.get("port_%s" % lang) or message
    if access["status"] == "admitted":
        return {"yes"}, message, False
    if access["status"] == "blocked":
        suffix = "（可运行 fep_firewall 角色放行）" if lang == "zh" else " (the fep_firewall role opens it)"
        return {"no"}, message + suffix, False
    question = ("是否已在本机防火墙放行" if lang == "zh" else "whether the host firewall admits it")
    return set(), "%s%s%s%s%s（%s）" % (port_text, "；" if lang == "zh" else "; ", TO_FILL[lang], FORM[lang]["sep"],
                                        question, access["message_%s" % lang]), True


# --- the form's cells (row by row) ------------------------------------------------------

# --- what goes into the cells (pure functions) ------------------------------------

def boxes(options, ticked, per_line=None):
    """``☑ 是  ☐ 否``: every option with its box, ticked when its key is in ``ticked``.

    Long lists break after ``per_line`` options: a wrap chosen by the
    spreadsheet could separate a box from its label.
    """
    items = ["%s %s" % (BOX_TICKED if key in ticked else BOX_EMPTY, label) for key, label in options]
    per_line = per_line or len(items)
    return "\n".join("  ".join(items[i:i + per_line]) for i in range(0, len(items), per_line))


def has_verdict(outcome):
    """A check that decided (pass, warn or fail), as opposed to one the hospital must answer."""
    return bool(outcome) and outcome["status"] in VERDICTS


def situation(outcome, lang):
    """目前现有情况 for one check: ``(text, hospital_must_fill)``."""
    if not outcome:
        return to_fill(NOT_AUDITED[lang]["missing"], lang), True
    message = outcome["message_%s" % lang]
    if outcome.get("source") == "waiver":
        return message, False
    if outcome["status"] in VERDICTS:
        if outcome.get("source") == "declared" and ("声明" if lang == "zh" else "declared") not in message:
            message += DECLARED[lang]
        return message, False
    return to_fill(message, lang), True


def to_fill(reason, lang):
    return TO_FILL[lang] + FORM[lang]["sep"] + reason


def division_text(division):
    """``示例省 江城市 东兴区``: the form asks for XX 市 XX 县（市、区）, a province may precede."""
    return " ".join(division.get(key) for key in ("province", "city", "county") if division.get(key)) or None


def contact_text(contact, lang):
    text = FORM[lang]["contact_value"].format(name=contact.get("name") or "", mobile=contact.get("mobile") or "")
    return text, not (contact.get("name") and contact.get("mobile"))


def security_cells(outcomes, lang):
    """Row 三-8: ``(ticked product ids, one line per product plus the CA (附件1 三), must_fill)``."""
    form = FORM[lang]
    sep = form["sep"]
    ticked = {check_id for check_id, _ in form["security"]
              if has_verdict(outcomes.get(check_id)) and outcomes[check_id]["status"] == "pass"}
    lines, unticked = [], False
    for check_id, label in form["security"]:
        text, _ = situation(outcomes.get(check_id), lang)
        lines.append(text if label in text else label + sep + text)
        waived = (outcomes.get(check_id) or {}).get("source") == "waiver"
        # "not detected" on the server is no proof: a network appliance may provide it
        unticked = unticked or (check_id not in ticked and not waived)
    ca_text, ca_must_fill = situation(outcomes.get("security.ca_cert"), lang)
    lines.append(form["ca"] + sep + ca_text)
    if unticked:
        lines.append(to_fill(form["security_to_fill"], lang))
    return ticked, "\n".join(lines), unticked or ca_must_fill


def ticked_boxes(kind, outcome, facts):
    """Box keys to tick for one check: 是/否 from the verdict, the other lists from the facts."""
    if not has_verdict(outcome):
        return set()
    if kind == "accelerator":
        return {card.get("kind") for card in facts.get("accelerators") or []}
    if kind == "os":
        return {(facts.get("os") or {}).get("category")}
    # yes_no and support; warn meets the sheet with a caveat
    return {"no"} if outcome["status"] == "fail" else {"yes"}


def verdict_text(kind, ticked, lang, waived=False):
    form = FORM[lang]
    options = form["yes_no" if kind == "port" else kind]
    text = boxes(options, ticked, BOXES_PER_LINE.get(kind))
    if waived:  # a clear mark beside the empty boxes: nothing to tick, and why is in the next cell
        text += "\n" + form["waived"]
    return text + "\n" + form["other"] if kind == "security" else text


def row_cells(row, entry, lang):
    """``(verdict column, 目前现有情况, hospital_must_fill)`` of one form row."""
    if entry["status"] != "ok":
        return verdict_text(row.kind, set(), lang), to_fill(NOT_AUDITED[lang][entry["status"]], lang), True
    outcomes = entry.get("checks") or {}
    outcome = outcomes.get(row.checks[0])
    if row.kind == "security":
        ticked, text, must_fill = security_cells(outcomes, lang)
    elif row.kind == "port" and has_verdict(outcome):
        ticked, text, must_fill = port_cells(outcome, lang)
    else:
        text, must_fill = situation(outcome, lang)
        ticked = ticked_boxes(row.kind, outcome, entry.get("facts") or {})
    lines = [text] + [note for note in [threshold_note(row.checks[0], entry, lang)] if note]
    declared, declared_missing = declaration_lines(row.checks[0], entry, lang)
    waived = row.kind != "security" and (outcome or {}).get("source") == "waiver"
    return (verdict_text(row.kind, ticked, lang, waived), plain("\n".join(lines + declared), lang),
            must_fill or declared_missing)
