# -*- coding: utf-8 -*-
"""Network probes against real listeners on loopback (the only network tests may use)."""
import socket

import pytest

from fep.probes import measure_download, run_probes, split_target, tcp_connect
from tests.builders.loopback import BODY_BYTES, serving


@pytest.mark.parametrize("target,expected", [
    ("203.0.113.80", ("203.0.113.80", 8888)), ("203.0.113.80:9443", ("203.0.113.80", 9443)),
    ("platform.example.cn", ("platform.example.cn", 8888)), ("[2001:db8::5]:8888", ("2001:db8::5", 8888)),
    ("2001:db8::5", ("2001:db8::5", 8888)),
])
def test_split_target(target, expected):
    assert split_target(target, 8888) == expected


@pytest.fixture
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    yield sock.getsockname()[1]
    sock.close()


def test_tcp_connect_to_a_real_listener(listener):
    outcome = tcp_connect("127.0.0.1:%d" % listener, 8888, timeout=2)
    assert outcome["ok"] is True and outcome["error"] is None and outcome["ms"] >= 0


def test_tcp_connect_refused_reports_the_error():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now
    outcome = tcp_connect("127.0.0.1:%d" % port, 8888, timeout=2)
    assert outcome["ok"] is False and "refused" in outcome["error"].lower()


@pytest.fixture
def http_server():
    with serving() as url:
        yield url


def test_bandwidth_download_from_loopback(http_server):
    outcome = measure_download(http_server, seconds=5, max_bytes=BODY_BYTES, timeout=2)
    assert outcome["error"] is None
    assert outcome["bytes"] == BODY_BYTES
    assert outcome["mbps"] > 0


def test_bandwidth_failure_is_an_answer_not_an_exception():
    outcome = measure_download("http://127.0.0.1:1/none", seconds=1, max_bytes=10, timeout=1)
    assert outcome["mbps"] is None and outcome["error"]


def test_run_probes_only_runs_what_is_configured(listener):
    assert run_probes({}) == {}
    results = run_probes({"egress": ["127.0.0.1:%d" % listener], "timeout": 1})
    assert list(results) == ["egress"] and results["egress"][0]["ok"] is True
