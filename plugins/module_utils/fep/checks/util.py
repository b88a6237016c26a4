# -*- coding: utf-8 -*-
"""Small formatting helpers shared by the checks (units, names, lists)."""

GIB = 1024 ** 3


def gib(value):
    """Bytes as GiB with one decimal, e.g. ``125.6 GiB``."""
    return "%.1f GiB" % (value / float(GIB))


def tb(value):
    """Bytes as decimal TB, the unit disks are sold in."""
    return "%.2f TB" % (value / 1e12)


def join(items, sep=", "):
    return sep.join(str(i) for i in items)


def section(facts, name):
    """A fact section, or None when the collector could not produce it."""
    value = (facts or {}).get(name)
    return value if value not in ({},) else None
