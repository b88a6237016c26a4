# -*- coding: utf-8 -*-
"""tools/fep_snapshot.py, the collector hospitals run: what goes in, what never does, and that
an archive audits exactly like the tree it was taken from (also under Python 3.6 and 3.7)."""
import hashlib
import importlib.util
import inspect
import json
import os
import subprocess
import sys
import tarfile

import pytest

from fep import checks, collector, opengauss_spec, probes, sysread
from fep.archive import extract
from tests.builders.devices import write_file
from tests.builders.loopback import BODY_BYTES, serving
from tests.builders.profiles import PROFILES, build_root
from tests.support import REPO, find_python

TOOL = os.path.join(REPO, "tools", "fep_snapshot.py")
SECRET = "S3CRET-must-not-leave"


def load_tool():
    spec = importlib.util.spec_from_file_location("fep_snapshot", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_tool(root, output, *args, python=None, cwd=None, check=True):
    proc = subprocess.run([python or sys.executable, TOOL, "--root", str(root), "--output", str(output)] + list(args),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, cwd=cwd,
                          check=False)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def members(path):
    """``{name: ("file", bytes) | ("link", target) | ("dir", None)}`` of an archive."""
    found = {}
    with tarfile.open(str(path)) as tar:
        for info in tar:
            if info.isfile():
                found[info.name] = ("file", tar.extractfile(info).read())
            elif info.issym():
                found[info.name] = ("link", info.linkname)
            else:
                found[info.name] = ("dir" if info.isdir() else info.type, None)
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A Kylin server tree with the secrets a careless copy would take, and links towards them."""
    base = tmp_path_factory.mktemp("hostile")
    root = base / "root"
    build_root(root, "kunpeng-kylin-l3")
    write_file(root / "etc/shadow", "root:$6$%s:19000:0:99999:7:::\n" % SECRET)
    write_file(root / "etc/gshadow", "root:%s::\n" % SECRET)
    write_file(root / "etc/ssh/ssh_host_ed25519_key", "-----BEGIN OPENSSH PRIVATE KEY-----\n%s\n" % SECRET)
    write_file(root / "root/.ssh/id_rsa", SECRET)
    write_file(root / "home/zhang/.bash_history", "gsql -W %s\n" % SECRET)
    write_file(root / "var/log/messages", SECRET)
    write_file(root / "etc/pki/tls/private/server.key", SECRET)
    write_file(root / "etc/passwd", "root:x:0:0:root:/root:/bin/bash\nzhangsan:x:1000:1000:%s:/home/zhangsan:/bin/bash\n"
               "omm:x:1001:1001::/home/omm:/bin/bash\n" % SECRET)
    write_file(root / "etc/group", "root:x:0:\nwheel:x:10:zhangsan\ndbgrp:x:1001:\n")
    write_file(root / "proc/1/environ", "container=podman\0DB_PASSWORD=%s\0" % SECRET)
    write_file(root / "proc/1037/cmdline", "/usr/sbin/sshd\0-o\0Password=%s\0" % SECRET)
    # links that would carry a secret in under an allowed name
    os.symlink("/etc/shadow", str(root / "etc/kylin-release"))
    os.symlink("../shadow", str(root / "etc/pam.d/su-shadow"))
    os.symlink("../../root/.ssh/id_rsa", str(root / "etc/security/limits.d/99-key.conf"))
    output = base / "snapshot.tar.gz"
    proc = run_tool(root, output, "--hospital", "测试县人民医院", "--level", "3", "--contact-name", "张三",
                    "--contact-mobile", "13800000001", "--county", "测试县", cwd=str(base))
    return {"base": base, "root": root, "output": output, "members": members(output), "stderr": proc.stderr}


def test_no_secret_leaves_the_hospital(hostile):
    for name, (_kind, data) in hostile["members"].items():
        parts = name.split("/")
        assert not any(part in parts for part in ("shadow", "gshadow", "ssh", ".ssh", "home", "var", "pki")), name
        if data is not None:
            assert SECRET.encode() not in (data if isinstance(data, bytes) else data.encode()), name


def test_accounts_environment_and_arguments_are_reduced(hostile):
    found = hostile["members"]
    assert found["etc/passwd"] == ("file", b"omm:x:1001:1001::/home/omm:/bin/bash\n")
    assert found["etc/group"] == ("file", b"dbgrp:x:1001:\n")
    assert found["proc/1/environ"] == ("file", b"container=podman\0")
    assert found["proc/1037/cmdline"] == ("file", b"/usr/sbin/sshd\0")


def test_links_towards_secrets_are_left_out_and_said(hostile):
    manifest = json.loads(hostile["members"]["fepkit/manifest.json"][1])
    assert "leads outside the allowlist" in manifest["unreadable"]["etc/kylin-release"]
    assert "etc/pam.d/su-shadow" in manifest["unreadable"]


def test_manifest_lists_every_member_with_its_sha256(hostile):
    manifest = json.loads(hostile["members"]["fepkit/manifest.json"][1])
    assert manifest["collector"] == {"name": "fep_snapshot", "version": load_tool().VERSION}
    listed = manifest["members"]
    for name, (kind, data) in hostile["members"].items():
        if name == "fepkit/manifest.json" or kind == "dir":
            continue
        if kind == "file":
            assert listed[name] == {"type": "file", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        else:
            assert listed[name] == {"type": "link", "target": data}
    assert manifest["hospital"] == {"name": "测试县人民医院", "division": {"county": "测试县"},
                                    "contact": {"name": "张三", "mobile": "13800000001"}}
    assert manifest["level"] == 3


def test_the_summary_says_what_is_inside_and_never_the_mobile(hostile):
    stderr = hostile["stderr"]
    assert stderr.count("[") >= 9 and "[9/9]" in stderr      # a progress line per section
    assert "never included" in stderr and "manifest" in stderr
    assert "13800000001" not in stderr


def test_nothing_is_written_beside_the_output(hostile):
    assert sorted(p.name for p in hostile["base"].iterdir()) == ["root", "snapshot.tar.gz"]
    assert oct(os.stat(str(hostile["output"])).st_mode & 0o777) == "0o600"


def test_a_bad_mobile_is_refused_without_echoing_it(tmp_path):
    proc = run_tool(tmp_path, tmp_path / "x.tar.gz", "--contact-mobile", "1380000000", check=False)
    assert proc.returncode == 2 and "1380000000" not in proc.stderr
    assert not (tmp_path / "x.tar.gz").exists()


def checks_of(root):
    facts = collector.collect(str(root), {})
    ctx = checks.Context(level=3, thresholds={}, ports={}, declared={}, probes={}, frontend_processes=[])
    return {check_id: (o["status"], o.get("message_en")) for check_id, o in checks.run_checks(facts, ctx).items()}


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_an_archive_audits_like_the_tree_it_was_taken_from(profile, tmp_path):
    root = tmp_path / "server"
    build_root(root, profile)
    run_tool(root, tmp_path / "s.tar.gz")
    (tmp_path / "x").mkdir()
    extract(str(tmp_path / "s.tar.gz"), str(tmp_path / "x"))
    assert checks_of(tmp_path / "x") == checks_of(root)


@pytest.mark.parametrize("version", ["3.6", "3.7"])
def test_the_tool_runs_under_old_python_and_takes_the_same_archive(version, tmp_path):
    python = find_python(version)
    if python is None:
        pytest.skip("no Python %s on this machine (looked in $PYENV_ROOT/versions and /usr/bin)" % version)
    root = tmp_path / "server"
    build_root(root, "hygon-uos-l2-short")
    run_tool(root, tmp_path / "old.tar.gz", "--hospital", "县医院", python=python)
    run_tool(root, tmp_path / "new.tar.gz", "--hospital", "县医院")
    old, new = members(tmp_path / "old.tar.gz"), members(tmp_path / "new.tar.gz")
    old_manifest = json.loads(old.pop("fepkit/manifest.json")[1])
    new_manifest = json.loads(new.pop("fepkit/manifest.json")[1])
    assert old_manifest["host"]["python"].startswith(version + ".")
    assert old == new
    assert old_manifest["members"] == new_manifest["members"]


def test_the_tool_s_lists_are_the_audit_s():
    tool = load_tool()
    # one file for the hospital, so the lists are copied: kept equal here
    assert tool.SYSCTL_KEYS == opengauss_spec.SYSCTL_KEYS
    assert (tool.BIN_DIRS, tool.LIB_DIRS) == (opengauss_spec.BIN_DIRS, opengauss_spec.LIB_DIRS)
    for name, (kind, files, _rpm, _deb, _required) in opengauss_spec.PACKAGES.items():
        assert set(files) <= set(tool.PACKAGE_FILES[kind]), name
    assert tool.parse_args(["--output", "x"]).opengauss_data_dir == opengauss_spec.DATA_DIR
    for name in ("split_target", "tcp_connect", "measure_download", "run_probes"):
        assert inspect.getsource(getattr(tool, name)) == inspect.getsource(getattr(probes, name)), name
    assert inspect.getsource(tool.read_limited) == inspect.getsource(sysread.read_limited)
    assert tool.READ_CHUNK == sysread.READ_CHUNK
    assert tool.PROBE_KINDS == probes.PROBE_KINDS
    assert (tool.BANDWIDTH_SECONDS, tool.BANDWIDTH_MAX_BYTES) == (probes.BANDWIDTH_SECONDS, probes.BANDWIDTH_MAX_BYTES)


def test_the_tool_measures_bandwidth_as_the_live_audit_does():
    """The same download, run by the tool's copy and by the audit's probe, gives the same record."""
    tool = load_tool()
    config = {"bandwidth_url": None, "timeout": 2.0}
    with serving(BODY_BYTES) as url:
        config["bandwidth_url"] = url
        measured = {"tool": tool.run_probes(dict(config, bandwidth_seconds=tool.BANDWIDTH_SECONDS,
                                                 bandwidth_max_bytes=tool.BANDWIDTH_MAX_BYTES)),
                    "audit": probes.run_probes(config)}
    for who, results in measured.items():
        assert list(results) == ["bandwidth"], who
        record = results["bandwidth"]
        assert sorted(record) == ["bytes", "error", "mbps", "seconds", "url"], who
        assert (record["url"], record["bytes"], record["error"]) == (url, BODY_BYTES, None), who
        assert record["mbps"] > 0 and record["seconds"] >= 0, who  # 2 MiB on loopback: may round to 0.0 s
    # the rate itself is a timing: equal within what rounding and two runs allow, never asserted exact
    assert measured["tool"]["bandwidth"]["bytes"] == measured["audit"]["bandwidth"]["bytes"]


def test_a_bandwidth_url_that_is_not_http_is_refused(tmp_path):
    proc = run_tool(tmp_path, tmp_path / "x.tar.gz", "--bandwidth-url", "ftp://mirror.example.cn/10M", check=False)
    assert proc.returncode == 2 and "--bandwidth-url" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.tar.gz").exists()


def test_a_snapshot_of_a_tree_never_probes(tmp_path):
    """--root is a tree, not the running host: no probe could speak for it."""
    root = tmp_path / "server"
    build_root(root, "hygon-uos-l2-short")
    with serving() as url:
        run_tool(root, tmp_path / "s.tar.gz", "--bandwidth-url", url)
    live = json.loads(members(tmp_path / "s.tar.gz")["fepkit/live.json"][1])
    assert "probes" not in live


def test_an_unwritable_output_is_said_without_a_traceback(tmp_path):
    target = tmp_path / "readonly"
    target.mkdir()
    (target / "x.tar.gz").mkdir()  # a folder where the file should go
    proc = run_tool(tmp_path, target / "x.tar.gz", check=False)
    assert proc.returncode == 2 and "cannot write" in proc.stderr and "Traceback" not in proc.stderr


def test_standard_output(tmp_path):
    root = tmp_path / "server"
    build_root(root, "hygon-uos-l2-short")
    proc = subprocess.run([sys.executable, TOOL, "--root", str(root), "--output", "-"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=True)
    (tmp_path / "s.tar.gz").write_bytes(proc.stdout)
    assert "fepkit/manifest.json" in members(tmp_path / "s.tar.gz")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.tar.gz", "server"]
