# -*- coding: utf-8 -*-
"""Listening TCP sockets from ``ss -Hltnp`` output (the testinfra suites' one parser)."""
import re

# LISTEN 0 128 0.0.0.0:8884 0.0.0.0:* users:(("nginx",pid=29,fd=3))
# LISTEN 0 128    [::]:22      [::]:*  users:(("sshd",pid=57,fd=4))
_LINE = re.compile(r"^\S+\s+\d+\s+\d+\s+(?P<local>\S+):(?P<port>\d+)\s+\S+\s*(?P<users>.*)$")
_OWNER = re.compile(r'\("([^"]+)",pid=\d+')


def parse_ss_listeners(text):
    """``{port: {process names}}``; a port whose owner is hidden (not root) maps to an empty set."""
    listeners = {}
    for line in text.splitlines():
        match = _LINE.match(line.strip())
        if match:
            owners = set(_OWNER.findall(match.group("users")))
            listeners.setdefault(int(match.group("port")), set()).update(owners)
    return listeners
