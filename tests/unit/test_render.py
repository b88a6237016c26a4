# -*- coding: utf-8 -*-
"""render_reports (every report, private, one failure loses nothing) and tools/fep_report.py."""
import copy
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile

import openpyxl
import pytest
import yaml

from fep.checks.hospital import judge_hospitals
from fep.report import render
from fep.report.html import division_groups, page_names
from fep.report.render import ReportError, ResultsError, load_results, render_reports
from fep.report.results import build_results, results_text
from fep.report.survey_files import survey_workbooks
from tests.builders.region_fixture import FIXTURE, load_region_results

INTEL_FORM = "survey/示例省_河阳市_南湖区_河阳市和美妇幼医院.xlsx"  # intel-centos's hospital
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(REPO, "tools", "fep_report.py")


@pytest.fixture()
def results():
    return load_region_results()


@pytest.fixture()
def fake_xlsx(monkeypatch):
    """Stand-ins for the xlsx writers: the orchestration is tested on its own."""
    calls = []

    def write_rollup(results, path, lang):
        calls.append(("rollup", lang))
        with open(path, "w") as handle:
            handle.write("rollup")

    def write_hospital_survey(servers, path, lang, generated=None):
        host = servers[0][0]
        calls.append((host, lang))
        if host == "intel-centos":
            raise ValueError("cell A1 is cursed\nsecond line")
        with open(path, "w") as handle:
            handle.write(host)

    monkeypatch.setattr(render, "write_rollup", write_rollup)
    monkeypatch.setattr(render, "write_hospital_survey", write_hospital_survey)
    return calls


def form_files(results):
    """The survey workbooks render_reports writes: one per hospital (one host each in the fixture)."""
    return sorted(survey_workbooks(results))


def page_files(results):
    """The HTML pages render_reports writes besides report.html: one per city (the fixture's cities are small)."""
    return ["report/" + name for key, pages in division_groups(results) for name in page_names(key, len(pages))]


def mode(path):
    return stat.S_IMODE(os.stat(str(path)).st_mode)


def test_writes_every_report_private(results, tmp_path, fake_xlsx):
    out = tmp_path / "rep"
    errors = []
    written = render_reports(results, str(out), "en", errors=errors)
    names = sorted(os.path.relpath(p, str(out)) for p in written)
    forms = ["survey/" + name for name in form_files(results) if "survey/" + name != INTEL_FORM]
    assert names == sorted(["report.html", "junit.xml", "rollup.xlsx"] + page_files(results) + forms)
    assert page_files(results) == ["report/示例省_江城市.html", "report/示例省_河阳市.html"]
    for path in written:
        assert mode(path) == 0o600, path
    assert mode(out) == 0o700 and mode(out / "survey") == 0o700 and mode(out / "report") == 0o700
    # one survey failed: reported with the host and the first line of the reason, the rest written
    assert errors == [INTEL_FORM + ": ValueError: cell A1 is cursed"]
    assert ("rollup", "en") in fake_xlsx and ("xs-unreachable", "en") in fake_xlsx
    assert "Hospitals" in (out / "report.html").read_text(encoding="utf-8")


def test_existing_files_are_made_private(results, tmp_path, fake_xlsx):
    (tmp_path / "report.html").write_text("old")
    os.chmod(str(tmp_path / "report.html"), 0o644)
    render_reports(results, str(tmp_path), errors=[])
    assert mode(tmp_path / "report.html") == 0o600
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_failing_writer_does_not_lose_the_others(results, tmp_path, fake_xlsx, monkeypatch):
    def boom(results, out_dir, lang="zh"):
        raise RuntimeError("template exploded")

    monkeypatch.setattr(render, "write_html", boom)
    with pytest.raises(ReportError) as caught:
        render_reports(results, str(tmp_path))
    assert caught.value.errors == ["report.html: RuntimeError: template exploded",
                                   INTEL_FORM + ": ValueError: cell A1 is cursed"]
    assert not (tmp_path / "report.html").exists()
    assert os.path.join(str(tmp_path), "junit.xml") in caught.value.written
    assert (tmp_path / "junit.xml").exists() and (tmp_path / "rollup.xlsx").exists()
    assert (tmp_path / "survey" / "示例省_江城市_东兴区_江城市第一人民医院.xlsx").exists()  # kunpeng-kylin-l3


def test_a_writer_that_writes_nothing_is_an_error(results, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "write_rollup", lambda *args, **kwargs: None)
    monkeypatch.setattr(render, "write_hospital_survey", lambda *args, **kwargs: None)
    errors = []
    render_reports(results, str(tmp_path), errors=errors)
    assert errors[0] == "rollup.xlsx: RuntimeError: the writer did not create rollup.xlsx"
    assert len(errors) == 1 + len(results["hosts"])


def test_real_xlsx_writers(results, tmp_path):
    written = render_reports(results, str(tmp_path))
    assert len(written) == 3 + len(page_files(results)) + len(results["hosts"])
    for path in written:
        assert mode(path) == 0o600
    for name in form_files(results):
        assert zipfile.is_zipfile(str(tmp_path / "survey" / name))
    assert zipfile.is_zipfile(str(tmp_path / "rollup.xlsx"))


def test_a_hospital_with_two_servers_gets_one_workbook_naming_both(results, tmp_path):
    """Two servers of 江城市第一人民医院: one file, named after the hospital, one sheet per server,
    each form listing both (it used to be two anonymous host-named files)."""
    second = copy.deepcopy(results["hosts"]["kunpeng-kylin-l3"])
    results["hosts"]["kunpeng-kylin-l3-db"] = second
    render_reports(results, str(tmp_path))
    name = "示例省_江城市_东兴区_江城市第一人民医院.xlsx"
    assert name in os.listdir(str(tmp_path / "survey"))
    assert len(os.listdir(str(tmp_path / "survey"))) == len(results["hosts"]) - 1
    book = openpyxl.load_workbook(str(tmp_path / "survey" / name))
    assert book.sheetnames == ["kunpeng-kylin-l3", "kunpeng-kylin-l3-db"]
    for sheet in book.worksheets:
        notes = [sheet.cell(row, 1).value or "" for row in range(1, sheet.max_row + 1)]
        assert "本院共 2 台服务器，每台一页：kunpeng-kylin-l3、kunpeng-kylin-l3-db" in notes


def named(name, province="省", city="市", county="县"):
    return {"status": "ok", "hospital": {"name": name, "division": {"province": province, "city": city,
                                                                       "county": county}}}


def test_survey_files_never_collide_and_stay_readable(tmp_path):
    """Hospitals whose names differ only in characters a file name cannot keep get distinct,
    readable files (they used to map to one file: a form lost, another hospital's form sent)."""
    hosts = {
        "h1": named("a/b"), "h2": named("a_b"), "h3": named("a%2Fb"), "h4": named("a:b"), "h5": named("a\\b"),
        "h6": named("人民医院", county="东兴区"), "h7": named("人民医院", county="西山县"),
        "h8": named("人民医院", province="", city="", county=""),
        "h9": named("../../etc/passwd"), "h10": named("x" * 300), "h11": named("x" * 299 + "y"),
        "h12": named("长" * 150), "h13": named("长" * 149 + "短"), "h14": named("医院~0123"),
        "h15": named("a\tb"), "h16": named(".hidden "),
        "plain-host": {"status": "unreachable", "hospital": {"name": None}},
        "a_b": {"status": "unreachable", "hospital": {"name": None}},
        "a/b": {"status": "unreachable", "hospital": {"name": None}},
    }
    books = survey_workbooks({"hosts": hosts})
    assert sorted(h for group in books.values() for h in group) == sorted(hosts)
    assert len(books) == len(hosts)  # every hospital its own file
    by_host = {hosts_[0]: name for name, hosts_ in books.items()}
    assert by_host["h1"] == "省_市_县_a%2Fb.xlsx"
    assert by_host["h2"] == "省_市_县_a%5Fb.xlsx"
    assert by_host["h3"] == "省_市_县_a%252Fb.xlsx"
    assert by_host["h6"] == "省_市_东兴区_人民医院.xlsx"
    assert by_host["h8"] == "___人民医院.xlsx"
    assert by_host["h9"] == "省_市_县_..%2F..%2Fetc%2Fpasswd.xlsx"
    assert by_host["h16"] == "省_市_县_.hidden%20.xlsx"
    assert by_host["plain-host"] == "plain-host.xlsx"
    assert by_host["a/b"] == "a%2Fb.xlsx" and by_host["a_b"] == "a%5Fb.xlsx"
    for name in books:
        assert "/" not in name and not name.startswith(".") and len(name.encode("utf-8")) <= 255, name
    # long names are cut, keep their beginning and end in a hash of the whole name
    assert by_host["h10"] != by_host["h11"] and by_host["h12"] != by_host["h13"]
    assert by_host["h12"].startswith("省_市_县_长长") and by_host["h12"][-22:-5].startswith("~")
    # the names are files that can be written side by side, and are the same in every run
    for name in books:
        (tmp_path / name).write_text("x")
    assert len(os.listdir(str(tmp_path))) == len(hosts)
    assert survey_workbooks({"hosts": dict(reversed(list(hosts.items())))}) == books
    assert survey_workbooks({"hosts": {"h6": hosts["h6"]}}) == {"省_市_东兴区_人民医院.xlsx": ["h6"]}


# --- tools/fep_report.py ------------------------------------------------------

def run_tool(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True, check=False)


def test_cli_regenerates_into_a_folder(tmp_path):
    out = tmp_path / "out"
    proc = run_tool(FIXTURE, "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Hospitals" in (out / "report.html").read_text(encoding="utf-8")
    assert (out / "junit.xml").exists()
    assert str(out / "report.html") in proc.stdout.splitlines()
    assert (out / "rollup.xlsx").exists() and len(os.listdir(str(out / "survey"))) == 6


def test_cli_defaults_to_the_folder_of_results(tmp_path):
    shutil.copy(FIXTURE, str(tmp_path / "results.json"))
    proc = run_tool(str(tmp_path / "results.json"))
    assert "Traceback" not in proc.stderr
    assert "各地市结论" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert mode(tmp_path / "junit.xml") == 0o600


@pytest.mark.parametrize("content, message", [
    (None, "cannot read"),
    ("{not json", "is not valid JSON"),
    ("[]", "is not a fepkit results.json"),
    ('{"schema": 99, "hosts": {}}', "schema 99"),
    ('{"schema": 1}', "no 'hosts' object"),
])
def test_cli_bad_results_file_is_one_line(tmp_path, content, message):
    path = tmp_path / "results.json"
    if content is not None:
        path.write_text(content)
    proc = run_tool(str(path), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fep_report: ") and message in lines[0], proc.stderr
    assert str(path) in lines[0]
    assert not (tmp_path / "out").exists()


# --- tools/fep_report.py with several runs (a province of city runs) ---------------------------

def write_run(folder, entries, generated):
    """A run's results.json, written as the audit writes it (results_text)."""
    region = load_region_results()
    hosts = {name: copy.deepcopy(entry) for name, entry in entries.items()}
    folder.mkdir(parents=True)
    path = folder / "results.json"
    results = build_results(judge_hospitals(hosts), generated=generated, run=region["run"])
    path.write_text(results_text(results), encoding="utf-8")
    return str(path)


def city_runs(tmp_path):
    """The sample region as the runs of its two cities, Heyang audited 40 minutes after Jiangcheng."""
    cities = {}
    for name, entry in load_region_results()["hosts"].items():
        cities.setdefault(entry["hospital"]["division"]["city"], {})[name] = entry
    return (write_run(tmp_path / "jiangcheng", cities["江城市"], "2026-11-25T17:30:00+08:00"),
            write_run(tmp_path / "heyang", cities["河阳市"], "2026-11-25T18:10:00+08:00"))


def makeup_run(tmp_path, generated):
    """东山县中医医院's server (unreachable in the Heyang run) audited again once its VPN was back."""
    region = load_region_results()
    audited = dict(region["hosts"]["intel-centos"], hospital=region["hosts"]["xs-unreachable"]["hospital"])
    return write_run(tmp_path / "makeup", {"xs-unreachable": audited}, generated)


def region_mobiles():
    found = [(e["hospital"].get("contact") or {}).get("mobile") for e in load_region_results()["hosts"].values()]
    return [mobile for mobile in found if mobile]


def test_cli_merges_city_runs_into_one_folder(tmp_path):
    jiangcheng, heyang = city_runs(tmp_path)
    out = tmp_path / "province"
    proc = run_tool(jiangcheng, heyang, "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    merged_path = out / "results.json"
    assert proc.stdout.splitlines()[0] == str(merged_path)
    assert str(out / "report.html") in proc.stdout.splitlines()
    assert mode(out) == 0o700 and mode(merged_path) == 0o600 and mode(out / "junit.xml") == 0o600
    merged = json.loads(merged_path.read_text(encoding="utf-8"))
    region = load_region_results()
    assert merged["hosts"] == region["hosts"] and merged["summary"] == region["summary"]
    assert [s["file"] for s in merged["run"]["merged_from"]] == [jiangcheng, heyang]
    assert merged["generated"] == "2026-11-25T18:10:00+08:00"
    junit = (out / "junit.xml").read_text(encoding="utf-8")
    for host in region["hosts"]:
        assert 'name="%s"' % host in junit
    assert sorted(os.listdir(str(out / "survey"))) == form_files(region)
    assert "各地市结论" in (out / "report.html").read_text(encoding="utf-8")


def test_cli_merge_notes_a_re_audited_host(tmp_path):
    jiangcheng, heyang = city_runs(tmp_path)
    makeup = makeup_run(tmp_path, "2026-11-27T09:15:00+08:00")
    out = tmp_path / "province"
    proc = run_tool(jiangcheng, heyang, makeup, "--out", str(out), "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fep_report: note: host xs-unreachable ")
    assert heyang in lines[0] and makeup in lines[0]
    merged = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert merged["hosts"]["xs-unreachable"]["status"] == "ok"
    assert merged["summary"]["host_status"] == {"ok": 6, "unreachable": 0, "failed": 0}
    assert merged["run"]["lang"] == "en"
    assert "Hospitals" in (out / "report.html").read_text(encoding="utf-8")
    for mobile in region_mobiles():
        assert mobile not in proc.stdout + proc.stderr


def test_cli_merge_of_runs_made_at_the_same_instant_is_refused(tmp_path):
    jiangcheng, heyang = city_runs(tmp_path)
    makeup = makeup_run(tmp_path, "2026-11-25T10:10:00+00:00")  # the Heyang run's instant, in UTC
    out = tmp_path / "province"
    proc = run_tool(jiangcheng, heyang, makeup, "--out", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fep_report: host xs-unreachable is in "), proc.stderr
    assert heyang in lines[0] and makeup in lines[0] and jiangcheng not in lines[0]
    assert not out.exists()


def test_cli_merge_with_a_broken_file_names_it(tmp_path):
    jiangcheng, heyang = city_runs(tmp_path)
    with open(heyang, "a", encoding="utf-8") as handle:
        handle.write("}")  # a file cut or spliced by hand
    out = tmp_path / "province"
    proc = run_tool(jiangcheng, heyang, "--out", str(out))
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("fep_report: %s is not valid JSON" % heyang), proc.stderr
    assert not out.exists()


def test_cli_merge_needs_a_new_folder(tmp_path):
    jiangcheng, heyang = city_runs(tmp_path)
    before = open(jiangcheng, encoding="utf-8").read()
    proc = run_tool(jiangcheng, heyang)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "--out DIR" in proc.stderr
    proc = run_tool(jiangcheng, heyang, "--out", os.path.dirname(jiangcheng))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["fep_report: --out %s is the folder of %s: the merge would overwrite that "
                                        "run's results and reports; choose a new folder"
                                        % (os.path.dirname(jiangcheng), jiangcheng)]
    proc = run_tool(jiangcheng, heyang, jiangcheng, "--out", str(tmp_path / "province"))
    assert proc.returncode == 2 and "is given twice" in proc.stderr
    assert os.listdir(os.path.dirname(jiangcheng)) == ["results.json"]
    assert open(jiangcheng, encoding="utf-8").read() == before
    assert not (tmp_path / "province").exists()


def test_cli_merge_with_a_report_failing_is_exit_1(tmp_path):
    jiangcheng, heyang = city_runs(tmp_path)
    out = tmp_path / "province"
    out.mkdir()
    (out / "survey").write_text("a file where the forms' folder should be")
    proc = run_tool(jiangcheng, heyang, "--out", str(out))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    failed = [line for line in proc.stderr.splitlines() if line.startswith("fep_report: not written: survey/")]
    assert len(failed) == 6
    assert (out / "results.json").exists() and (out / "report.html").exists() and (out / "rollup.xlsx").exists()


def make(*args):
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True, check=False)


def test_make_report_runs_the_tool():
    proc = make("-n", "report", "RESULTS=reports/x/results.json", "FEP_LANG=en", "REPORT_OUT=/tmp/o")
    assert proc.returncode == 0, proc.stderr
    assert '/python tools/fep_report.py "reports/x/results.json" --lang en --out "/tmp/o"' in proc.stdout


def test_make_report_merges_several_results():
    proc = make("-n", "report", "RESULTS=reports/a/results.json reports/b/results.json", "REPORT_OUT=reports/ab")
    assert proc.returncode == 0, proc.stderr
    assert ('/python tools/fep_report.py "reports/a/results.json" "reports/b/results.json" --lang zh '
            '--out "reports/ab"') in proc.stdout


def test_make_report_merging_needs_report_out():
    proc = make("report", "RESULTS=reports/a/results.json reports/b/results.json")
    assert proc.returncode != 0
    assert "several RESULTS are merged into a new folder: add REPORT_OUT=dir" in proc.stderr


def test_make_report_without_results_says_how():
    proc = make("report")  # stops while reading the makefiles: nothing is installed or run
    assert proc.returncode != 0
    assert "usage: make report RESULTS=" in proc.stderr


# --- the committed example (docs/examples) --------------------------------------

def example_mobiles():
    mobiles = []
    folder = os.path.join(REPO, "inventories", "example", "host_vars")
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or {}
        mobile = ((data.get("fep_hospital") or {}).get("contact") or {}).get("mobile")
        if mobile:
            mobiles.append(str(mobile))
    return mobiles


def test_committed_examples_hold_no_mobile_numbers():
    examples = os.path.join(REPO, "docs", "examples")
    mobiles = example_mobiles()
    assert len(mobiles) == 5
    texts = {}
    pages = sorted(os.path.relpath(os.path.join(folder, name), examples)
                   for folder, _, names in os.walk(examples) for name in names if name.endswith(".html"))
    assert "report.html" in pages and "en/report.html" in pages and len(pages) == 6  # 2 cities, zh and en
    for name in ["junit.xml"] + pages:
        with open(os.path.join(examples, name), encoding="utf-8") as handle:
            texts[name] = handle.read()
    rollup = os.path.join(examples, "rollup.xlsx")
    if os.path.exists(rollup):
        with zipfile.ZipFile(rollup) as archive:
            texts["rollup.xlsx"] = "".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    for name, text in texts.items():
        for mobile in mobiles:
            assert mobile not in text, (name, mobile)
    # the example is the example region, rendered by this code
    assert "江城市第一人民医院" in texts["report/示例省_江城市.html"] and "jc-renmin-fep" in texts["junit.xml"]


# --- several processes ----------------------------------------------------------------------

def files_of(folder):
    found = {}
    for base, _, names in os.walk(str(folder)):
        for name in names:
            path = os.path.join(base, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, str(folder))] = handle.read()
    return found


def test_several_processes_write_the_same_files(results, tmp_path):
    one = render_reports(results, str(tmp_path / "one"), processes=1)
    three = render_reports(results, str(tmp_path / "three"), processes=3)
    assert [os.path.relpath(p, str(tmp_path / "one")) for p in one] == \
        [os.path.relpath(p, str(tmp_path / "three")) for p in three]  # same order too
    assert files_of(tmp_path / "one") == files_of(tmp_path / "three")
    for path in three:
        assert mode(path) == 0o600


def test_forms_are_written_by_forked_children(results, tmp_path, monkeypatch):
    parent, real = os.getpid(), render.write_hospital_survey

    def record_writer(servers, path, lang, generated=None):
        real(servers, path, lang, generated)
        with open(path + ".pid", "w") as handle:
            handle.write(str(os.getpid()))

    monkeypatch.setattr(render, "write_hospital_survey", record_writer)
    render_reports(results, str(tmp_path), processes=3)
    pids = {(tmp_path / "survey" / name).read_text() for name in os.listdir(str(tmp_path / "survey"))
            if name.endswith(".pid")}
    assert len(pids) > 1 and pids - {str(parent)}  # shared out, and not all written here


def test_a_failing_form_in_a_child_is_reported_in_order(results, tmp_path, monkeypatch):
    parent, real = os.getpid(), render.write_hospital_survey

    def cursed(servers, path, lang, generated=None):
        host = servers[0][0]
        if host == "intel-centos":
            raise ValueError("cell A1 is cursed\nsecond line (pid %d)" % (os.getpid() != parent))
        return real(servers, path, lang, generated)

    monkeypatch.setattr(render, "write_hospital_survey", cursed)
    errors = []
    written = render_reports(results, str(tmp_path), errors=errors, processes=4)
    assert errors == [INTEL_FORM + ": ValueError: cell A1 is cursed"]
    assert len(written) == 3 + len(page_files(results)) + len(results["hosts"]) - 1


def test_a_dead_report_process_has_its_files_written_here(results, tmp_path, monkeypatch):
    parent, real = os.getpid(), render.write_hospital_survey

    def dies_in_a_child(servers, path, lang, generated=None):
        if os.getpid() != parent:
            os._exit(3)  # a child killed mid-way (OOM killer, a signal)
        return real(servers, path, lang, generated)

    monkeypatch.setattr(render, "write_hospital_survey", dies_in_a_child)
    errors = []
    written = render_reports(results, str(tmp_path), errors=errors, processes=3)
    assert errors == []
    assert sorted(os.listdir(str(tmp_path / "survey"))) == form_files(results)
    assert len(written) == 3 + len(page_files(results)) + len(results["hosts"])


def test_the_results_are_kept_from_the_cyclic_gc_while_rendering(results, tmp_path, monkeypatch):
    import gc
    seen = []
    real = render.write_html

    def watching(results, out_dir, lang):
        seen.append(gc.get_freeze_count())  # the results (and everything before) are frozen
        return real(results, out_dir, lang)

    monkeypatch.setattr(render, "write_html", watching)
    # importing plugins/action/fep_audit.py (an earlier test may have) freezes the GC for the
    # workers' sake; start from a caller who has frozen nothing
    gc.unfreeze()
    render_reports(results, str(tmp_path), processes=1)
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0  # and the caller's GC is as it was


def test_loading_leaves_the_gc_as_it_was(tmp_path):
    import gc
    path = tmp_path / "results.json"
    path.write_text(json.dumps(load_region_results(), ensure_ascii=False), encoding="utf-8")
    assert gc.isenabled()
    assert load_results(str(path))["summary"]["hosts"] == 6
    assert gc.isenabled()
    path.write_text("{", encoding="utf-8")
    with pytest.raises(ResultsError):
        load_results(str(path))
    assert gc.isenabled()


def test_work_is_shared_out_evenly():
    jobs = [("report.html", 6, None, ()), ("junit.xml", 4, None, ())] + [
        ("survey/form%d.xlsx" % i, 2 if i < 3 else 1, None, ()) for i in range(17)]
    shares = render.share_out(jobs, 3)
    loads = [sum(job[1] for _, job in share) for share in shares]
    assert sorted(loads) == [10, 10, 10]
    assert sorted(index for share in shares for index, _ in share) == list(range(len(jobs)))
    # the region-wide reports read every host: they stay together, in this process (memory: each
    # process that reads a host copies it)
    assert [job[0] for _, job in shares[0]][:2] == ["report.html", "junit.xml"]
    assert all(job[0].startswith("survey/") for share in shares[1:] for _, job in share)


def test_processes_follow_the_work_and_the_cpus(results):
    assert render.report_processes(render.report_jobs(results), cpus=16) == 1  # 6 hosts: not worth a fork
    one = next(iter(results["hosts"].values()))
    region = dict(results, hosts={"h%04d" % i: one for i in range(40)})
    assert render.report_processes(render.report_jobs(region), cpus=16) == 3  # 40 servers of one hospital
    province = dict(results, hosts={"h%04d" % i: one for i in range(1000)})
    assert render.report_processes(render.report_jobs(province), cpus=2) == 2
    assert render.report_processes(render.report_jobs(province), cpus=64) == render.MAX_REPORT_PROCESSES


@pytest.mark.parametrize("files, expected", [
    ({"/sys/fs/cgroup/cpu.max": "200000 100000\n"}, 2),  # a container limited to 2 CPUs
    ({"/sys/fs/cgroup/cpu.max": "50000 100000\n"}, 1),
    ({"/sys/fs/cgroup/cpu.max": "max 100000\n"}, None),
    ({"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "400000\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"}, 4),
    ({"/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"}, None),
    ({}, None),
])
def test_cgroup_cpu_quota(files, expected):
    assert render.cgroup_cpu_limit(files.get) == expected


@pytest.mark.parametrize("spoil, message", [
    (lambda e: e.__setitem__("status", "weird"), "status 'weird' is not one of ok, unreachable, failed"),
    (lambda e: e["checks"].__setitem__("cpu.cores", "pass"), "checks.cpu.cores is not an object"),
    (lambda e: e["checks"]["cpu.cores"].__setitem__("status", "great"), "checks.cpu.cores.status 'great'"),
    (lambda e: e["checks"]["cpu.cores"].__setitem__("message_zh", ["列表"]), "checks.cpu.cores.message_zh is not text"),
    (lambda e: e.__setitem__("hospital", []), "hospital is not an object"),
    (lambda e: e.__setitem__("facts", "x"), "facts is not an object"),
    (lambda e: e["summary"].__setitem__("pass", "x"), "summary.pass is not a whole number: 'x'"),
], ids=["status", "check", "check-status", "check-text", "hospital", "facts", "summary"])
def test_a_malformed_host_entry_is_named_by_host_and_field(tmp_path, spoil, message):
    """Before: a bare KeyError: 'weird' from inside a writer, naming neither host nor field."""
    results = load_region_results()
    spoil(results["hosts"]["intel-centos"])
    path = tmp_path / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ResultsError) as raised:
        load_results(str(path))
    assert "is not a fepkit results.json: host intel-centos: " + message in str(raised.value)
