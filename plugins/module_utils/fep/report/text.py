# -*- coding: utf-8 -*-
"""Rules every report applies to text it did not write: mobiles masked, unsafe characters out.

* **Mobiles** are personal data: a recorded contact mobile, or any number
  shaped like a mainland mobile, is shown as ``139****5678`` wherever it
  reached a message (a declaration text, an ssh error).
* **HTML**: control characters, bidirectional overrides and lone surrogates
  (they hide or reorder what a reader sees) become U+FFFD, then the text is
  escaped.
* **XML 1.0** cannot carry most control characters even escaped: the xlsx
  writer drops them, the JUnit writer shows U+FFFD.

A region repeats the same texts thousands of times (requirements, remedies,
labels): ``HtmlText`` remembers what it escaped, a bounded memo.
"""
import re
from html import escape

from .hospital import MOBILE, mask_mobile

DIGIT_RUN = re.compile(r"[0-9]{11,}")

# Characters XML 1.0 cannot carry even escaped (its Char production): most
# control characters, U+FFFE/U+FFFF and lone surrogates, which UTF-8 cannot
# encode either.  Excel refuses such a file.
INVALID_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Characters a hostile or careless value (a host name, a waiver reason, a process name read from
# a snapshot) must not carry into a page: C0/C1 controls (NUL, ESC …, tab and newlines kept),
# bidirectional overrides, embeddings, isolates and marks (they reorder what a reader sees, e.g. a
# status word or a number), and lone surrogates. Shown as U+FFFD so the tampering stays visible.
UNSAFE_CHARACTERS = ("\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f"
                     "\u202a-\u202e\u2066-\u2069\ud800-\udfff")
UNSAFE_HTML_TEXT = re.compile("[%s]" % UNSAFE_CHARACTERS)
# one scan telling whether a text needs more than escaping (most texts do not)
_NEEDS_CARE = re.compile("[0-9]{11}|[%s]" % UNSAFE_CHARACTERS)


def known_mobiles(results):
    """Every contact mobile recorded in ``results`` (to mask them wherever they appear)."""
    mobiles = set()
    for entry in (results.get("hosts") or {}).values():
        contact = ((entry or {}).get("hospital") or {}).get("contact") or {}
        if contact.get("mobile"):
            mobiles.add(str(contact["mobile"]))
    return mobiles


def mobile_masker(mobiles=()):
    """A function masking ``mobiles`` (the region's recorded contact numbers, validated as 11
    digits) wherever they appear, and any other number shaped like a mainland mobile.

    It looks only at runs of 11+ digits and checks them against a set: replacing
    each recorded number in turn cost every text one pass per hospital, quadratic
    in the size of the region (33 s for the HTML of 400 hospitals).
    """
    known = frozenset(str(m) for m in mobiles if m)

    def mask_run(match):
        run = match.group(0)
        if len(run) == 11:
            return mask_mobile(run) if run in known or MOBILE.match(run) else run
        # a longer run of digits: only a recorded number inside it is personal data
        chars = list(run)
        for start in range(len(run) - 10):
            if run[start:start + 11] in known:
                chars[start + 3:start + 7] = "****"
        return "".join(chars)

    return lambda text: DIGIT_RUN.sub(mask_run, text)


_SHAPE_MASK = mobile_masker()


def redact(value, mask=None):
    """``value`` as text, masked by ``mask`` (mobile_masker(): by default shapes of mobiles only)."""
    if value is None:
        return ""
    return (mask or _SHAPE_MASK)(str(value))


class HtmlText(object):
    """``text(value)``: ``value`` masked, made safe and HTML-escaped (quotes too), remembered.

    The memo is bounded (cleared when full): a national report meets a few
    thousand distinct texts many times over, and each host's own values once.
    """

    MEMO_SIZE = 200000

    def __init__(self, mobiles=()):
        self.mask = mobile_masker(mobiles)
        self.memo = {}

    def __call__(self, value):
        if value is None:
            return ""
        if value.__class__ is not str:
            value = str(value)
        done = self.memo.get(value)
        if done is None:
            text = value
            if _NEEDS_CARE.search(text):
                text = UNSAFE_HTML_TEXT.sub("\ufffd", self.mask(text))
            done = escape(text, quote=True)
            if len(self.memo) >= self.MEMO_SIZE:
                self.memo.clear()
            self.memo[value] = done
        return done
