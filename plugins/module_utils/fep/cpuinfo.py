# -*- coding: utf-8 -*-
"""``/proc/cpuinfo`` as per-processor dicts, and the small readers of its values.

Pure functions over text; standard library only, Python 3.6+.
"""


def parse_cpuinfo(text):
    """Per-processor dicts of ``/proc/cpuinfo``, keys lower-cased.

    Lower-casing makes the LoongArch spellings (``CPU Family`` on new
    kernels, ``cpu family`` on old ones) one key.  Lines outside any
    processor block describe the whole machine (LoongArch ``system type``
    before processor 0, ``Hardware`` after the last arm64 processor): they
    are copied into every processor dict without overriding its own keys.
    """
    processors = []
    machine = {}
    current = None
    for line in (text or "").splitlines():
        if ":" not in line:
            if not line.strip():
                current = None
            continue
        key, _, value = line.partition(":")
        key = key.strip().lower()
        value = value.strip()
        if not key:
            continue
        # old arm64 kernels list "processor : N" lines back to back
        if key == "processor" and value.isdigit():
            current = {"processor": value}
            processors.append(current)
        elif current is not None:
            current[key] = value
        else:
            machine[key] = value
    for processor in processors:
        for key, value in machine.items():
            processor.setdefault(key, value)
    return processors


def int_or_none(value, base=10):
    try:
        return int(str(value).strip(), base)
    except (TypeError, ValueError):
        return None


def hex_value(value):
    """``0x48`` → 72; also accepts a bare decimal (some vendor kernels)."""
    if value is None:
        return None
    return int_or_none(value, 0) if str(value).strip().lower().startswith("0x") else int_or_none(value)


def first_value(processors, key):
    """First non-empty value of ``key`` among the processors."""
    for processor in processors:
        value = processor.get(key)
        if value:
            return value
    return None


def clean_text(text):
    return " ".join(text.split()) if text else None
