# -*- coding: utf-8 -*-
"""Which survey workbook each host's form goes into, and the workbook's file name.

One workbook per hospital (附件2 is the hospital's form): the servers of one
hospital (report/hospital grouping, ``hospital_key``) are one sheet each in
``survey/<省>_<市>_<县>_<医院名称>.xlsx``.  A host without a hospital name is a
hospital of its own, named after the host.

File names are the hospital's own words, readable in Chinese, and never
collide: every character a file name cannot keep (``/``, control characters,
the separator ``_`` itself, ``%`` and the characters Windows refuses) is
written as ``%XX`` (UTF-8 bytes), so two different hospitals can never map
to one name (``a/b`` is ``a%2Fb``, ``a_b`` is ``a%5Fb``).  A name too long
for a file system is cut and ends in ``~`` and 16 hex digits of the SHA-256
of the full name (``~`` is escaped elsewhere, so a cut name cannot equal an
uncut one).

Windows and macOS, where hospitals open these files (and unzip the mailed
folder), do not tell ``ABC医院.xlsx`` from ``abc医院.xlsx`` (nor, on macOS,
composed from decomposed accents): there one form would overwrite the other.
Names that are equal once case and Unicode composition are folded all end in
``~`` and 8 hex digits of the SHA-256 of their exact name (which differ, as the
exact names do; a cut name's hash has 16 digits, so the two marks never meet).
A name without such a twin is the hospital's alone: stable across runs and
whatever else the region holds.
"""
import hashlib
import unicodedata
from collections import OrderedDict

from .hospital import hospital_key

SEPARATOR = "_"
# kept out of names: path separators, the separator, the escape and truncation marks, and what
# Windows refuses (the forms are mailed and opened there)
ESCAPED = frozenset('/\\:*?"<>|%~' + SEPARATOR)
MAX_STEM_BYTES = 200  # NAME_MAX is 255 bytes on Linux; leave room for ".xlsx" and a copy's suffix
HASH_DIGITS = 16
TWIN_HASH_DIGITS = 8  # a case-insensitive twin's mark: distinct from a cut name's HASH_DIGITS
EXTENSION = ".xlsx"


def _escaped(char):
    return "".join("%%%02X" % byte for byte in char.encode("utf-8"))


def _keeps(char):
    """True for a character a file name keeps as it is: printable, not one of ESCAPED."""
    if char in ESCAPED:
        return False
    category = unicodedata.category(char)
    # control, format, surrogate, private-use and unassigned (C*), separators other than the space (Z*)
    return char == " " or category[0] not in "CZ"


def _units(text):
    """The name as a list of units (a kept character or one %XX-escaped character)."""
    return [char if _keeps(char) else _escaped(char) for char in text]


def _stem_units(parts):
    units = []
    for index, part in enumerate(parts):
        if index:
            units.append(SEPARATOR)
        units.extend(_units(part))
    # a leading dot hides the file (and "." / ".." are not names); Windows drops a trailing dot or space
    for index in (0, -1):
        if units and units[index] in ((".",) if index == 0 else (".", " ")):
            units[index] = _escaped(units[index])
    return units


def file_stem(parts):
    """The file name (without extension) of ``parts``: escaped, joined by ``_``, cut with a hash when long."""
    units = _stem_units(parts)
    stem = "".join(units)
    if len(stem.encode("utf-8")) <= MAX_STEM_BYTES:
        return stem or _escaped(SEPARATOR)
    digest = hashlib.sha256(stem.encode("utf-8")).hexdigest()[:HASH_DIGITS]
    room = MAX_STEM_BYTES - 1 - HASH_DIGITS
    kept, used = [], 0
    for unit in units:  # whole units only: never half of a %XX or of a UTF-8 character
        size = len(unit.encode("utf-8"))
        if used + size > room:
            break
        kept.append(unit)
        used += size
    return "".join(kept) + "~" + digest


def workbook_name(key):
    """``<省>_<市>_<县>_<医院名称>.xlsx`` for a hospital key, ``<host>.xlsx`` for a host of its own."""
    return file_stem(key[1:]) + EXTENSION


def folded(name):
    """``name`` as a case-insensitive file system compares it: case folded, accents decomposed
    (NTFS folds case, APFS and HFS+ fold case and Unicode composition); a superset of both."""
    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", name).casefold())


def without_twins(names):
    """``{name: file name}``: ``names`` unchanged, except those equal to another once folded, which
    end in ``~`` and a short hash of their exact name (no two files differ only in case)."""
    groups = {}
    for name in names:
        groups.setdefault(folded(name), set()).add(name)
    unique = {}
    for name in names:
        if len(groups[folded(name)]) == 1:
            unique[name] = name
            continue
        stem = name[:-len(EXTENSION)] if name.endswith(EXTENSION) else name
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:TWIN_HASH_DIGITS]
        unique[name] = "%s~%s%s" % (stem, digest, EXTENSION if name.endswith(EXTENSION) else "")
    return unique


def survey_workbooks(results):
    """``{file name: [host, …]}``: the hosts of each hospital, in host-name order, by file name."""
    books = OrderedDict()
    for host in sorted(results["hosts"]):
        key = hospital_key(results["hosts"][host], host)
        books.setdefault(workbook_name(key), []).append(host)
    names = without_twins(list(books))
    return OrderedDict(sorted((names[name], hosts) for name, hosts in books.items()))
