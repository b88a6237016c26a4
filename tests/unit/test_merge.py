# -*- coding: utf-8 -*-
"""Merging the results.json of several runs (plugins/module_utils/fep/report/merge.py).

The sample region (tests/fixtures/results/region.json, one run over two
cities) is split into the runs a province would really collect: one per
city, plus make-up runs that re-audit a server after its hospital fixed
something.  What a merge must give back is what one run over the same hosts
gives: the hospital stage and build_results() over them.
"""
import copy
import json

import pytest

from fep.checks.hospital import judge_hospitals
from fep.report.merge import MergeError, merge_results, parse_generated
from fep.report.results import build_results, results_text
from tests.builders.region_fixture import load_region_results

JIANGCHENG, HEYANG = "江城市", "河阳市"
RENMIN = "kunpeng-kylin-l3"  # the one server of 江城市第一人民医院 in the region
# 17:30 in Beijing is 09:30 UTC: the Heyang run (10:00 UTC) is the later one, though its text sorts first
T_JIANGCHENG, T_HEYANG = "2026-11-25T17:30:00+08:00", "2026-11-25T10:00:00+00:00"
T_MAKEUP = "2026-11-27T09:15:00+08:00"  # two days later: the servers that were down, re-audited


@pytest.fixture(scope="module")
def region():
    return load_region_results()


def run_of(entries, generated, **run):
    """What one audit run over ``entries`` writes, read back from its file."""
    hosts = {name: copy.deepcopy(entry) for name, entry in entries.items()}
    meta = {"fepkit": "0.1.0", "ansible_core": "2.19.14", "check_mode": False, "lang": "zh"}
    meta.update(run)
    return json.loads(results_text(build_results(judge_hospitals(hosts), generated=generated, run=meta)))


def city_run(region, city, generated, **run):
    return run_of({name: entry for name, entry in region["hosts"].items()
                   if entry["hospital"]["division"]["city"] == city}, generated, **run)


def second_server(region, kernel=None, lang=None):
    """Another server of 江城市第一人民医院: the Kunpeng with some facts changed."""
    entry = copy.deepcopy(region["hosts"][RENMIN])
    if kernel:
        entry["facts"]["os"]["kernel"] = kernel
    if lang:
        entry["facts"]["security"]["lang"] = lang
    return entry


def mobiles(region):
    found = [(e["hospital"].get("contact") or {}).get("mobile") for e in region["hosts"].values()]
    return [mobile for mobile in found if mobile]


# --- the union ---------------------------------------------------------------------------------

def test_city_runs_merge_into_what_one_run_over_the_region_gives(region):
    jiangcheng, heyang = city_run(region, JIANGCHENG, T_JIANGCHENG), city_run(region, HEYANG, T_HEYANG)
    merged, notes = merge_results([("jiangcheng.json", jiangcheng), ("heyang.json", heyang)])
    assert notes == []
    assert sorted(merged["hosts"]) == sorted(region["hosts"])
    assert merged["hosts"] == region["hosts"]
    assert merged["summary"] == region["summary"]
    assert list(merged["hosts"]) == sorted(merged["hosts"])  # as build_results orders them


def test_generated_is_the_latest_instant_not_the_largest_text(region):
    jiangcheng, heyang = city_run(region, JIANGCHENG, T_JIANGCHENG), city_run(region, HEYANG, T_HEYANG)
    merged, _ = merge_results([("jiangcheng.json", jiangcheng), ("heyang.json", heyang)])
    assert merged["generated"] == T_HEYANG
    assert parse_generated(T_HEYANG) > parse_generated(T_JIANGCHENG)


def test_the_sources_are_left_unchanged(region):
    jiangcheng = city_run(region, JIANGCHENG, T_JIANGCHENG)
    makeup = run_of({"jc-renmin-db": second_server(region, lang="zh_CN.UTF-8")}, T_MAKEUP)
    before = copy.deepcopy((jiangcheng, makeup))
    merged, _ = merge_results([("jiangcheng.json", jiangcheng), ("makeup.json", makeup)])
    assert merged["hosts"][RENMIN]["checks"]["db.opengauss.locale"]["status"] == "fail"
    assert (jiangcheng, makeup) == before


# --- a host in several runs --------------------------------------------------------------------

def makeup_run(region, generated=T_MAKEUP):
    """The make-up run: 东山县中医医院's server, unreachable in the city run, audited once its VPN was back."""
    audited = copy.deepcopy(region["hosts"]["intel-centos"])
    audited["hospital"] = copy.deepcopy(region["hosts"]["xs-unreachable"]["hospital"])
    return run_of({"xs-unreachable": audited}, generated)


def test_a_re_audited_host_keeps_the_later_entry_and_says_so(region):
    heyang, makeup = city_run(region, HEYANG, T_HEYANG), makeup_run(region)
    for order in ([("heyang.json", heyang), ("makeup.json", makeup)],
                  [("makeup.json", makeup), ("heyang.json", heyang)]):
        merged, notes = merge_results(order)
        assert merged["hosts"]["xs-unreachable"]["status"] == "ok"
        assert merged["hosts"]["xs-unreachable"] == makeup["hosts"]["xs-unreachable"]
        assert merged["summary"]["host_status"] == {"ok": 3, "unreachable": 0, "failed": 0}
        assert merged["generated"] == T_MAKEUP
        assert len(notes) == 1
        assert "xs-unreachable" in notes[0] and "heyang.json" in notes[0] and "makeup.json" in notes[0]
        assert notes[0].index("kept makeup.json") < notes[0].index("dropped heyang.json")


def test_a_later_run_that_could_not_reach_the_host_wins_with_a_louder_note(region):
    heyang = city_run(region, HEYANG, T_HEYANG)
    makeup = makeup_run(region, generated="2026-11-24T09:00:00+08:00")  # audited the day before the city run
    merged, notes = merge_results([("makeup.json", makeup), ("heyang.json", heyang)])
    assert merged["hosts"]["xs-unreachable"]["status"] == "unreachable"
    assert any("xs-unreachable was unreachable in the later run" in note for note in notes), notes


def test_the_same_instant_in_two_runs_is_an_error_naming_host_and_files(region):
    heyang = city_run(region, HEYANG, T_HEYANG)
    makeup = makeup_run(region, generated="2026-11-25T18:00:00+08:00")  # = 10:00 UTC, written another way
    with pytest.raises(MergeError) as caught:
        merge_results([("heyang.json", heyang), ("makeup.json", makeup)])
    assert len(caught.value.messages) == 1
    message = caught.value.messages[0]
    assert "xs-unreachable" in message and "heyang.json" in message and "makeup.json" in message
    assert "intel-centos" not in message  # only the host both runs hold


def test_only_hosts_whose_latest_entries_tie_are_errors(region):
    heyang = city_run(region, HEYANG, T_HEYANG)
    archived = city_run(region, HEYANG, T_HEYANG)  # the same run, archived under another name
    with pytest.raises(MergeError) as caught:
        merge_results([("heyang.json", heyang), ("archive.json", archived), ("makeup.json", makeup_run(region))])
    # one line for the pair of files; xs-unreachable is settled by the later make-up run
    assert len(caught.value.messages) == 1
    message = caught.value.messages[0]
    assert message.startswith("hosts intel-centos, phytium-openeuler-8884 are in heyang.json (generated %s) "
                              "and archive.json (generated %s), the same instant" % (T_HEYANG, T_HEYANG))
    assert "xs-unreachable" not in message


def test_one_inventory_name_for_two_hospitals_is_a_warning(region):
    """Intranet IPs as inventory names repeat from one city to the next: the earlier hospital is lost."""
    jiangcheng = run_of({"192.168.10.10": region["hosts"]["loongson-kylin"]}, T_JIANGCHENG)
    heyang = run_of({"192.168.10.10": region["hosts"]["phytium-openeuler-8884"]}, T_HEYANG)
    _, notes = merge_results([("jiangcheng.json", jiangcheng), ("heyang.json", heyang)])
    warnings = [n for n in notes if n.startswith("warning:")]
    assert len(warnings) == 1
    assert "192.168.10.10" in warnings[0] and "jiangcheng.json" in warnings[0] and "heyang.json" in warnings[0]
    # a re-audit of the same hospital is no such warning
    _, notes = merge_results([("heyang.json", city_run(region, HEYANG, T_HEYANG)), ("makeup.json", makeup_run(region))])
    assert not [n for n in notes if n.startswith("warning:")]


def test_the_same_hospital_name_in_another_county_is_another_hospital(region):
    # the identity the consistency pass uses (hospital_key): 县人民医院 repeats across counties,
    # and a division field left empty in one run and absent in the other is the same division
    entry = region["hosts"]["loongson-kylin"]
    moved = copy.deepcopy(entry)
    moved["hospital"]["division"]["county"] = "另一县"
    _, notes = merge_results([("a.json", run_of({"10.0.0.1": entry}, T_JIANGCHENG)),
                              ("b.json", run_of({"10.0.0.1": moved}, T_HEYANG))])
    assert [n for n in notes if n.startswith("warning:")]
    blank, absent = copy.deepcopy(entry), copy.deepcopy(entry)
    blank["hospital"]["division"]["county"] = ""
    absent["hospital"]["division"].pop("county", None)
    _, notes = merge_results([("a.json", run_of({"10.0.0.1": blank}, T_JIANGCHENG)),
                              ("b.json", run_of({"10.0.0.1": absent}, T_HEYANG))])
    assert not [n for n in notes if n.startswith("warning:")]


# --- one hospital, servers in different runs ------------------------------------------------------

def test_servers_of_one_hospital_from_two_runs_are_compared(region):
    jiangcheng = city_run(region, JIANGCHENG, T_JIANGCHENG)
    newer = "4.19.90-89.11.v2401.ky10.aarch64"
    makeup = run_of({"jc-renmin-db": second_server(region, kernel=newer)}, T_MAKEUP)
    # each run alone saw one server of the hospital
    assert "本院仅此一台服务器" in jiangcheng["hosts"][RENMIN]["checks"]["db.opengauss.kernel"]["message_zh"]
    assert makeup["hosts"]["jc-renmin-db"]["checks"]["db.opengauss.kernel"]["status"] == "pass"
    merged, _ = merge_results([("jiangcheng.json", jiangcheng), ("makeup.json", makeup)])
    old = region["hosts"][RENMIN]["facts"]["os"]["kernel"]
    for name in (RENMIN, "jc-renmin-db"):
        outcome = merged["hosts"][name]["checks"]["db.opengauss.kernel"]
        assert outcome["status"] == "warn"
        assert outcome["compared_with"] == ["jc-renmin-db", RENMIN]
        assert set(outcome["observed"].split("; ")) == {"%s: %s" % (old, RENMIN), "%s: jc-renmin-db" % newer}
        # the single-server note of the earlier runs is replaced, not stacked
        assert "本院仅此一台服务器" not in outcome["message_zh"]
        assert outcome["message_zh"].count("本院服务器之间不一致") == 1
    one_run = build_results(judge_hospitals({name: copy.deepcopy(entry) for name, entry in
                                             list(jiangcheng["hosts"].items()) + list(makeup["hosts"].items())}))
    assert merged["hosts"] == one_run["hosts"]
    assert merged["summary"] == one_run["summary"]


def test_a_failing_comparison_reaches_the_summaries(region):
    jiangcheng = city_run(region, JIANGCHENG, T_JIANGCHENG)
    makeup = run_of({"jc-renmin-db": second_server(region, lang="zh_CN.UTF-8")}, T_MAKEUP)
    merged, _ = merge_results([("jiangcheng.json", jiangcheng), ("makeup.json", makeup)])
    entry = merged["hosts"][RENMIN]
    assert entry["checks"]["db.opengauss.locale"]["status"] == "fail"
    assert "db.opengauss.locale" in entry["checks"]["db.opengauss"]["parts"]["fail"]
    assert "db.opengauss.locale" in entry["checks"]["db.opengauss"]["readiness"]["to_fix"]
    # the merge re-judged the summary: supported (warn), LANG to fix before installing
    assert entry["checks"]["db.opengauss"]["status"] == "warn"
    assert jiangcheng["hosts"][RENMIN]["checks"]["db.opengauss"]["readiness"]["to_fix"] == []


# --- idempotence: merged results merged again ------------------------------------------------------

def province(region):
    jiangcheng = city_run(region, JIANGCHENG, T_JIANGCHENG)
    heyang = city_run(region, HEYANG, T_HEYANG)
    makeup = run_of({"jc-renmin-db": second_server(region, kernel="5.10.0-60.18.0.50.oe2203.aarch64")}, T_MAKEUP)
    return [("jiangcheng.json", jiangcheng), ("heyang.json", heyang), ("makeup.json", makeup)]


def test_judging_a_merged_document_again_changes_nothing(region):
    merged, _ = merge_results(province(region))
    again = copy.deepcopy(merged["hosts"])
    judge_hospitals(again)
    assert again == merged["hosts"]
    alone, notes = merge_results([("province.json", json.loads(results_text(merged)))])
    assert notes == []
    assert alone["hosts"] == merged["hosts"] and alone["summary"] == merged["summary"]


def test_a_merge_of_merges_equals_one_merge(region):
    jiangcheng, heyang, makeup = province(region)
    cities, _ = merge_results([jiangcheng, heyang])
    cities = json.loads(results_text(cities))  # as written to the province's folder
    nested, _ = merge_results([("cities.json", cities), makeup])
    flat, _ = merge_results([jiangcheng, heyang, makeup])
    assert nested["hosts"] == flat["hosts"]
    assert nested["summary"] == flat["summary"]
    assert nested["hosts"]["jc-renmin-db"]["checks"]["db.opengauss.kernel"]["status"] == "warn"
    assert [s["file"] for s in nested["run"]["merged_from"][0]["merged_from"]] == ["jiangcheng.json", "heyang.json"]


# --- run -----------------------------------------------------------------------------------------

def test_run_records_every_source(region):
    jiangcheng = city_run(region, JIANGCHENG, T_JIANGCHENG)
    heyang = city_run(region, HEYANG, T_HEYANG, lang="en", ansible_core="2.16.19")
    makeup = makeup_run(region)
    merged, _ = merge_results([("jiangcheng.json", jiangcheng), ("heyang.json", heyang), ("makeup.json", makeup)],
                              lang="en", merged_at="2026-11-27T10:00:00+08:00")
    run = merged["run"]
    assert run["lang"] == "en"
    assert run["merged_at"] == "2026-11-27T10:00:00+08:00"
    assert run["fepkit"] == "0.1.0"
    assert run["ansible_core"] == "2.16.19, 2.19.14"  # what the report header shows: both
    assert run["check_mode"] is False
    sources = run["merged_from"]
    assert [s["file"] for s in sources] == ["jiangcheng.json", "heyang.json", "makeup.json"]
    for source, (_, results) in zip(sources, [("", jiangcheng), ("", heyang), ("", makeup)]):
        assert source["generated"] == results["generated"]
        assert source["fepkit"] == results["run"]["fepkit"]
        assert source["ansible_core"] == results["run"]["ansible_core"]
        assert source["lang"] == results["run"]["lang"]
        assert source["hosts"] == len(results["hosts"])
    # xs-unreachable comes from the make-up run
    assert [s["hosts_kept"] for s in sources] == [3, 2, 1]
    assert sum(s["hosts_kept"] for s in sources) == merged["summary"]["hosts"]


def test_a_check_mode_run_or_another_fepkit_shows(region):
    jiangcheng = city_run(region, JIANGCHENG, T_JIANGCHENG, fepkit="0.1.0")
    heyang = city_run(region, HEYANG, T_HEYANG, fepkit="0.2.0", check_mode=True)
    merged, notes = merge_results([("jiangcheng.json", jiangcheng), ("heyang.json", heyang)])
    assert merged["run"]["fepkit"] == "0.1.0, 0.2.0"
    assert merged["run"]["check_mode"] is True
    assert notes == ["note: the runs were audited by different fepkit versions "
                     "(0.1.0: jiangcheng.json; 0.2.0: heyang.json): their checks may differ"]
    # the province's merge merged again with a later run: each version once
    later, _ = merge_results([("province.json", merged), ("makeup.json", makeup_run(region))])
    assert later["run"]["fepkit"] == "0.1.0, 0.2.0"


# --- what cannot be merged --------------------------------------------------------------------------

@pytest.mark.parametrize("spoil, problem", [
    (lambda r: r.pop("generated"), "'generated' is missing or not an ISO 8601 time"),
    (lambda r: r.update(generated="yesterday"), "'generated' is missing or not an ISO 8601 time"),
    (lambda r: r["hosts"]["intel-centos"].update(status="done"), "host intel-centos: 'status' is not one of"),
    (lambda r: r["hosts"]["intel-centos"].pop("summary"), "host intel-centos: no 'summary' object"),
    (lambda r: r["hosts"]["intel-centos"].pop("facts"), "host intel-centos: audited but its 'facts' are missing"),
    (lambda r: r["hosts"]["intel-centos"].update(facts={}), "host intel-centos: audited but its 'facts' are missing"),
])
def test_a_broken_source_is_named(region, spoil, problem):
    jiangcheng, heyang = city_run(region, JIANGCHENG, T_JIANGCHENG), city_run(region, HEYANG, T_HEYANG)
    spoil(heyang)
    with pytest.raises(MergeError) as caught:
        merge_results([("jiangcheng.json", jiangcheng), ("heyang.json", heyang)])
    assert len(caught.value.messages) == 1
    assert caught.value.messages[0].startswith("heyang.json cannot be merged: ")
    assert problem in caught.value.messages[0]


def test_messages_name_hosts_and_files_never_mobiles(region):
    heyang = city_run(region, HEYANG, T_HEYANG)
    texts = []
    _, notes = merge_results([("heyang.json", heyang), ("makeup.json", makeup_run(region))])
    texts += notes
    with pytest.raises(MergeError) as caught:
        merge_results([("heyang.json", heyang), ("copy.json", copy.deepcopy(heyang))])
    texts += caught.value.messages
    _, notes = merge_results([("jiangcheng.json", run_of({"fep01": region["hosts"]["loongson-kylin"]}, T_JIANGCHENG)),
                              ("heyang.json", run_of({"fep01": region["hosts"]["intel-centos"]}, T_HEYANG))])
    texts += notes
    assert len(mobiles(region)) >= 4 and len(texts) >= 4
    for text in texts:
        for mobile in mobiles(region):
            assert mobile not in text
