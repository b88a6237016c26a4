# -*- coding: utf-8 -*-
"""One place decides "domestic" (fep.domestic): the target's classification, the checks'
verdicts and the survey form's boxes all follow it."""
import pytest

from fep import domestic
from fep.checks import CHECKS, Context, run_checks
from fep.cpu_origin import judge_domestic
from fep.osinfo import classify_os, parse_os_release
from fep.report.survey_form import FORM
from tests.unit.test_osinfo import EXPECTED, FIXTURES


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_target_classification_and_the_list_agree_on_real_os_release_files(name):
    fields = parse_os_release((FIXTURES / name).read_text(encoding="utf-8"))
    assert classify_os(fields)["category"] == domestic.os_category(fields["ID"])


@pytest.mark.parametrize("os_id, category, server", [
    ("anolis", "other_domestic", True), ("deepin", "other_domestic", False),
    ("Kylin", "kylin", None), ("rhel", "non_domestic", None), ("opensuse-microos", "non_domestic", None),
    ("nixos", "unknown", None), ("", "unknown", None),
])
def test_os_category_of_an_id(os_id, category, server):
    assert domestic.os_category(os_id) == category
    if category == "other_domestic":
        # the server-or-desktop answer comes from the same table
        assert classify_os({"ID": os_id})["server_edition"] is server


def test_every_os_category_has_a_survey_box_and_a_name_in_both_languages():
    for lang in ("zh", "en"):
        assert [key for key, _ in FORM[lang]["os"]] == list(domestic.OS_CATEGORIES)
        assert set(domestic.OS_CATEGORY_NAMES[lang]) == set(domestic.OS_CATEGORIES) | {"unknown"}
    assert FORM["zh"]["os"][0] == ("kylin", "麒麟") and FORM["en"]["os"][-1] == ("non_domestic", "Non-domestic OS")


def test_os_domestic_check_fails_exactly_the_non_domestic_category():
    ctx = Context(level=2)
    for category in domestic.OS_CATEGORIES:
        facts = {"os": {"category": category, "server_edition": True, "pretty_name": "X"}}
        status = run_checks(facts, ctx, select=["os.domestic"])["os.domestic"]["status"]
        assert (status == "fail") == (category not in domestic.DOMESTIC_OS_CATEGORIES), category


@pytest.mark.parametrize("family", sorted(domestic.CPU_FAMILY_NAMES["en"]))
def test_cpu_judgement_follows_the_list(family):
    verdict, _ = judge_domestic({"vendor_family": family, "model": "", "hypervisor": False})
    assert verdict is (None if family == "unknown" else family in domestic.DOMESTIC_CPU_FAMILIES)


def test_cpu_check_names_every_domestic_maker_in_its_remedy():
    facts = {"cpu": {"vendor_family": "intel", "model": "Intel(R) Xeon(R) Gold 6230", "arch": "x86_64",
                     "hypervisor": False}}
    outcome = run_checks(facts, Context(level=2), select=["cpu.domestic"])["cpu.domestic"]
    assert outcome["status"] == "fail"
    assert outcome["remedy_zh"] == "更换为鲲鹏、飞腾、海光、兆芯、龙芯或申威等国产 CPU 的服务器。"
    assert outcome["remedy_en"] == ("Replace with a server on a domestic CPU (Kunpeng, Phytium, Hygon, "
                                    "Zhaoxin, Loongson, Sunway).")
    assert outcome["expected"] == "Kunpeng/Phytium/Hygon/Zhaoxin/Loongson/Sunway"
    assert "cpu.domestic" in CHECKS
