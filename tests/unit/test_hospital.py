# -*- coding: utf-8 -*-
"""Hospital metadata for the survey form: validated, normalised, never leaking mobiles."""
import pytest

from fep.report.hospital import mask_mobile, validate_hospital

GOOD = {
    "name": "江城市第一人民医院", "ownership": "公立",
    "division": {"province": "示例省", "city": "江城市", "county": "东兴区"},
    "contact": {"name": "李明", "mobile": "13800000011"},
    "volumes": {"outpatient_2023": 2450000, "outpatient_peak_month_2023": "260000",
                "report_cards_yearly": 5200, "reporting_staff": 4},
}


def test_complete_metadata_is_normalised():
    hospital, errors = validate_hospital(GOOD, 3)
    assert errors == []
    assert hospital["volumes"]["outpatient_peak_month_2023"] == 260000
    assert hospital["contact"]["mobile"] == "13800000011"


def test_missing_optional_fields_stay_blank():
    hospital, errors = validate_hospital({"name": "西山县人民医院"}, 2)
    assert errors == []
    assert hospital["ownership"] is None
    assert hospital["volumes"]["report_cards_yearly"] is None
    assert hospital["contact"]["mobile"] is None


@pytest.mark.parametrize("meta,level,needle", [
    (GOOD, 4, "fep_hospital_level: must be 2 or 3"),
    (GOOD, None, "fep_hospital_level: missing"),
    (dict(GOOD, name=""), 3, "fep_hospital.name: missing"),
    (None, 3, "fep_hospital: missing"),
    (dict(GOOD, ownership="国有"), 3, "fep_hospital.ownership: must be 公立 or 民营"),
    (dict(GOOD, contact={"name": "李明", "mobile": "1380000001"}), 3, "fep_hospital.contact.mobile"),
    (dict(GOOD, contact={"mobile": "23800000011"}), 3, "fep_hospital.contact.mobile"),
    (dict(GOOD, volumes={"outpatient_2023": -5}), 3, "fep_hospital.volumes.outpatient_2023"),
    (dict(GOOD, volumes={"reporting_staff": 2.5}), 3, "fep_hospital.volumes.reporting_staff"),
    (dict(GOOD, volumes={"outpatients": 1}), 3, "fep_hospital.volumes.outpatients: unknown field"),
    (dict(GOOD, beds=800), 3, "fep_hospital.beds: unknown field"),
])
def test_bad_values_name_the_field(meta, level, needle):
    _, errors = validate_hospital(meta, level)
    assert any(needle in e for e in errors), errors


def test_mobile_value_never_in_messages():
    _, errors = validate_hospital(dict(GOOD, contact={"mobile": "1380013800"}), 3)
    assert errors and all("1380013800" not in e for e in errors)


def test_english_ownership_words_are_accepted():
    hospital, errors = validate_hospital(dict(GOOD, ownership="private"), 2)
    assert errors == [] and hospital["ownership"] == "民营"


def test_mask_mobile():
    assert mask_mobile("13800000011") == "138****0011"
