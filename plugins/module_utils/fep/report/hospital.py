# -*- coding: utf-8 -*-
"""Hospital metadata (附件2 header and section 一) from the inventory, and which hospital a server is.

Validated before anything runs: a bad value stops the run with one message
per problem naming the host and the field.  Values of personal data (the
contact's mobile) never appear in messages.

``hospital_key`` groups servers by hospital for everything that reads
results.json: the judging stage (checks/hospital.py compares kernel, LANG
and time zone within a hospital), the forms, the roll-up and the merge.  It
lives beside the metadata it reads (name and division, validated here) and
imports nothing, so the judging stage and the reports share one definition.
"""
import re
from collections import OrderedDict

OWNERSHIP = OrderedDict((("公立", "公立"), ("public", "公立"), ("民营", "民营"), ("private", "民营")))
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
VOLUME_FIELDS = ("outpatient_2023", "outpatient_peak_month_2023", "report_cards_yearly", "reporting_staff")
DIVISION_FIELDS = ("province", "city", "county")
KNOWN_FIELDS = ("name", "ownership", "division", "contact", "volumes")


def _text(value):
    return value.strip() if isinstance(value, str) else value


def _non_negative_int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def blank_hospital():
    return OrderedDict((
        ("name", None), ("ownership", None),
        ("division", OrderedDict((k, None) for k in DIVISION_FIELDS)),
        ("contact", OrderedDict((("name", None), ("mobile", None)))),
        ("volumes", OrderedDict((k, None) for k in VOLUME_FIELDS)),
    ))


def validate_hospital(meta, level):  # noqa: C901 - one flat block per fep_hospital field, in the form's order
    """``(normalised, errors)``; errors name the variable, never a personal value."""
    errors = []
    hospital = blank_hospital()
    if level in (None, ""):
        errors.append("fep_hospital_level: missing (2 for 二级, 3 for 三级)")
    elif isinstance(level, bool) or str(level).strip() not in ("2", "3"):
        errors.append("fep_hospital_level: must be 2 or 3 (二级/三级), got %r" % (level,))
    if meta in (None, ""):
        errors.append("fep_hospital: missing (at least fep_hospital.name)")
        return hospital, errors
    if not isinstance(meta, dict):
        errors.append("fep_hospital: must be a mapping (name, ownership, division, contact, volumes)")
        return hospital, errors
    for key in sorted(set(meta) - set(KNOWN_FIELDS)):
        errors.append("fep_hospital.%s: unknown field (known: %s)" % (key, ", ".join(KNOWN_FIELDS)))

    name = _text(meta.get("name"))
    if not name or not isinstance(name, str):
        errors.append("fep_hospital.name: missing (医院名称)")
    else:
        hospital["name"] = name

    ownership = _text(meta.get("ownership"))
    if ownership not in (None, ""):
        if ownership not in OWNERSHIP:
            errors.append("fep_hospital.ownership: must be 公立 or 民营, got %r" % (ownership,))
        else:
            hospital["ownership"] = OWNERSHIP[ownership]

    division = meta.get("division") or {}
    if not isinstance(division, dict):
        errors.append("fep_hospital.division: must be a mapping of province, city, county")
    else:
        for key in sorted(set(division) - set(DIVISION_FIELDS)):
            errors.append("fep_hospital.division.%s: unknown field" % key)
        for key in DIVISION_FIELDS:
            value = _text(division.get(key))
            if value not in (None, ""):
                hospital["division"][key] = str(value)

    contact = meta.get("contact") or {}
    if not isinstance(contact, dict):
        errors.append("fep_hospital.contact: must be a mapping of name, mobile")
    else:
        if _text(contact.get("name")):
            hospital["contact"]["name"] = str(_text(contact["name"]))
        mobile = contact.get("mobile")
        if mobile not in (None, ""):
            digits = str(mobile).strip()
            if not MOBILE.match(digits):
                # describe the shape only: the number itself is personal data
                errors.append("fep_hospital.contact.mobile: must be an 11-digit mobile number starting "
                              "with 1 (got %d characters)" % len(digits))
            else:
                hospital["contact"]["mobile"] = digits

    volumes = meta.get("volumes") or {}
    if not isinstance(volumes, dict):
        errors.append("fep_hospital.volumes: must be a mapping of %s" % ", ".join(VOLUME_FIELDS))
    else:
        for key in sorted(set(volumes) - set(VOLUME_FIELDS)):
            errors.append("fep_hospital.volumes.%s: unknown field (known: %s)" % (key, ", ".join(VOLUME_FIELDS)))
        for key in VOLUME_FIELDS:
            value = volumes.get(key)
            if value in (None, ""):
                continue
            number = _non_negative_int(value)
            if number is None:
                errors.append("fep_hospital.volumes.%s: must be a whole number ≥ 0, got %r" % (key, value))
            else:
                hospital["volumes"][key] = number
    return hospital, errors


def hospital_key(entry, host):
    """What identifies the hospital a server belongs to: its division and its name.

    ``entry`` is the host's results.json entry.  Names such as 县人民医院
    repeat across counties and provinces, which a regional or national merge
    of runs brings together: the division is part of the key.  A host
    without a hospital name is a hospital of its own.
    """
    hospital = entry.get("hospital") or {}
    if not hospital.get("name"):
        return ("host", host)
    division = hospital.get("division") or {}
    return ("hospital",) + tuple(division.get(k) or "" for k in DIVISION_FIELDS) + (hospital["name"],)


def mask_mobile(mobile):
    """``138****0001``: for the rare place a number must be shown on screen."""
    if not mobile or len(mobile) != 11:
        return mobile
    return mobile[:3] + "****" + mobile[7:]
