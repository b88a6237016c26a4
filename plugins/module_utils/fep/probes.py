# -*- coding: utf-8 -*-
"""Network probes run *from the hospital server* (not from the control node).

Only targets configured in the inventory are probed; nothing is scanned.
Each probe is bounded in time so a black-holed route cannot stall an audit.
"""
import socket
import time

# probe -> default port; the bandwidth probe is a download (fep_bandwidth_probe_url)
PROBE_KINDS = (("egress", 8888), ("gov_extranet", 443), ("health_private", 443))
# the download's bounds (docs/variables.md, fep_bandwidth_probe_url); tools/fep_snapshot.py has the same
BANDWIDTH_SECONDS = 5
BANDWIDTH_MAX_BYTES = 50 * 1024 * 1024


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
