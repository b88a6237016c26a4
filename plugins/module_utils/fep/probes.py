# -*- coding: utf-8 -*-
"""Network probes run *from the hospital server* (not from the control node).

Only targets configured in the inventory are probed; nothing is scanned.
Each probe is bounded in time so a black-holed route cannot stall an audit.
"""
import math
import socket
import time

# probe -> default port; the bandwidth probe is a download (fep_bandwidth_probe_url)
PROBE_KINDS = (("egress", 8888), ("gov_extranet", 443), ("health_private", 443))
# the download's bounds (docs/variables.md, fep_bandwidth_probe_url); tools/fep_snapshot.py has the same
BANDWIDTH_SECONDS = 5
BANDWIDTH_MAX_BYTES = 50 * 1024 * 1024
# The most measure_download can report: every byte allowed, in its 1 ms floor of elapsed time.
# A recorded rate above it was not measured by the probe.
BANDWIDTH_MAX_MBPS = round(BANDWIDTH_MAX_BYTES * 8 / 1e-3 / 1e6, 2)


def split_target(target, default_port):
    """``"host:port"`` / ``"[v6]:port"`` / ``"host"`` -> ``(host, port)``."""
    target = str(target).strip()
    if target.startswith("["):
        host, _, rest = target[1:].partition("]")
        port = rest.lstrip(":") or default_port
    elif target.count(":") == 1:
        host, port = target.split(":")
    else:
        host, port = target, default_port
    return host, int(port)


def tcp_connect(target, default_port, timeout):
    """Try one TCP connection: ``{target, ok, ms, error}``."""
    try:
        host, port = split_target(target, default_port)
    except ValueError:
        return {"target": target, "ok": False, "ms": None, "error": "malformed target"}
    started = time.time()
    try:
        conn = socket.create_connection((host, port), timeout=timeout)
        conn.close()
    except (socket.error, OSError) as exc:
        return {"target": "%s:%s" % (host, port), "ok": False, "ms": None,
                "error": getattr(exc, "strerror", None) or str(exc) or exc.__class__.__name__}
    return {"target": "%s:%s" % (host, port), "ok": True,
            "ms": int((time.time() - started) * 1000), "error": None}


def measure_download(url, seconds, max_bytes, timeout):
    """Download from ``url`` for at most ``seconds``/``max_bytes``; Mbit/s achieved."""
    # imported here: ssl + urllib.request cost the target ~17 ms of start-up on every audit,
    # and only a configured bandwidth probe needs them
    import ssl
    from urllib.request import Request, urlopen
    context = ssl.create_default_context()
    # a throughput probe, not a trust decision: the platform may use a
    # private CA the server does not know yet
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    started = time.time()
    received = 0
    try:
        request = Request(url, headers={"User-Agent": "fepkit-bandwidth-probe"})
        kwargs = {"timeout": timeout}
        if url.startswith("https:"):
            kwargs["context"] = context
        response = urlopen(request, **kwargs)
        try:
            while received < max_bytes and time.time() - started < seconds:
                chunk = response.read(65536)
                if not chunk:
                    break
                received += len(chunk)
        finally:
            response.close()
    except Exception as exc:  # noqa: BLE001 - any failure is the probe's answer
        return {"url": url, "mbps": None, "bytes": received, "error": str(exc) or exc.__class__.__name__}
    elapsed = max(time.time() - started, 1e-3)
    return {"url": url, "mbps": round(received * 8 / elapsed / 1e6, 2), "bytes": received,
            "seconds": round(elapsed, 2), "error": None}


def run_probes(config):
    """Run the configured probes; an empty config runs nothing."""
    timeout = float(config.get("timeout", 3))
    results = {}
    for name, default_port in PROBE_KINDS:
        targets = config.get(name) or []
        if targets:
            results[name] = [tcp_connect(t, default_port, timeout) for t in targets]
    url = config.get("bandwidth_url")
    if url:
        results["bandwidth"] = measure_download(
            url, float(config.get("bandwidth_seconds", BANDWIDTH_SECONDS)),
            int(config.get("bandwidth_max_bytes", BANDWIDTH_MAX_BYTES)), timeout)
    return results


def _number(value, low, high):
    """``value`` when it is a real number (not text, not a boolean, finite) within [low, high]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return value if low <= value <= high else None


def recorded_bandwidth(record, url, where="fepkit/live.json probes"):
    """``(measurement, problem)`` of the bandwidth download tools/fep_snapshot.py recorded on the
    server (``record``: its live record's ``probes`` section), for the audit's probe URL ``url``.

    The measurement is what run_probes gives a live audit, so net.bandwidth judges it alike.
    ``problem`` (measurement None) says why not, naming the field: no download recorded, one
    from another URL (another server measures another path: evidence about something else), or
    a field the probe cannot have written (an archive is untrusted input).
    """
    config = record.get("config") if isinstance(record.get("config"), dict) else {}
    results = record.get("results") if isinstance(record.get("results"), dict) else {}
    measured_url = config.get("bandwidth_url")
    if not measured_url and "bandwidth" not in results:
        return None, "fep_snapshot.py was run without --bandwidth-url"
    if measured_url != url:
        return None, "the snapshot measured bandwidth from %r, not from fep_bandwidth_probe_url %r" % (
            measured_url, url)
    measurement = results.get("bandwidth")
    field = where + ".results.bandwidth"
    if not isinstance(measurement, dict):
        return None, "%s: must be the download's record, got %s" % (field, type(measurement).__name__)
    if measurement.get("url") != url:
        return None, "%s.url: %r is not the URL the tool was given" % (field, measurement.get("url"))
    checks = (
        ("bytes", isinstance(measurement.get("bytes"), int) and
         _number(measurement.get("bytes"), 0, BANDWIDTH_MAX_BYTES) is not None,
         "a whole number of bytes from 0 to %d" % BANDWIDTH_MAX_BYTES),
        ("error", measurement.get("error") is None or isinstance(measurement.get("error"), str), "text or null"),
    )
    if measurement.get("mbps") is None:
        checks += (("error", isinstance(measurement.get("error"), str) and measurement.get("error") != "",
                    "the reason of a download without a rate"),)
    else:
        checks += (
            ("mbps", _number(measurement.get("mbps"), 0, BANDWIDTH_MAX_MBPS) is not None,
             "a number of Mbit/s from 0 to %g (the most the probe can measure)" % BANDWIDTH_MAX_MBPS),
            ("seconds", _number(measurement.get("seconds"), 0, 3600) is not None, "a number of seconds"),
        )
    for name, ok, expected in checks:
        if not ok:
            return None, "%s.%s: must be %s, got %s" % (field, name, expected, _shown(measurement.get(name)))
    return {key: measurement.get(key) for key in ("url", "mbps", "bytes", "seconds", "error")
            if key in measurement}, None


def _shown(value):
    """A hostile value, quoted and cut short for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
