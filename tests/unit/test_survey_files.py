# -*- coding: utf-8 -*-
"""Survey workbook names on the file systems where hospitals open them: Windows (NTFS) and macOS
(APFS/HFS+) do not tell names apart by letter case (nor, on macOS, by Unicode composition), so
two hospitals whose names differ only so must still get two files (one used to overwrite the
other when the mailed folder was unzipped there)."""
import re
import unicodedata

from fep.report.survey_files import survey_workbooks


def as_ntfs_or_apfs_see_it(name):
    """A superset of what NTFS (case) and APFS/HFS+ (case, Unicode composition) treat as one name."""
    return unicodedata.normalize("NFD", name).casefold()


def named(name, county="县"):
    return {"status": "ok", "hospital": {"name": name, "division": {"province": "省", "city": "市",
                                                                       "county": county}}}


HOSTS = {
    "h1": named("ABC医院"), "h2": named("abc医院"), "h3": named("Abc医院"),
    "h4": named("Café医院"), "h5": named("Cafe\u0301医院"),   # composed and decomposed é: one name on macOS
    "h6": named("人民医院"), "h7": named("ABC医院", county="别县"),
    "h8": named("长" * 150 + "X"), "h9": named("长" * 150 + "x"),   # cut names: the hash of each tells them apart
    # hosts of their own (no hospital name), named after the host
    "Srv-01": {"status": "unreachable", "hospital": {"name": None}},
    "srv-01": {"status": "unreachable", "hospital": {"name": None}},
}


def test_names_equal_but_for_case_get_distinct_files_on_case_insensitive_file_systems():
    books = survey_workbooks({"hosts": HOSTS})
    assert sorted(h for hosts in books.values() for h in hosts) == sorted(HOSTS)
    assert len(books) == len(HOSTS)
    # what NTFS/APFS compare: every name still its own file there
    assert len({as_ntfs_or_apfs_see_it(name) for name in books}) == len(books)
    by_host = {hosts[0]: name for name, hosts in books.items()}
    twin = re.compile(r"^(.*)~[0-9a-f]{8}\.xlsx$")
    for host, stem in (("h1", "省_市_县_ABC医院"), ("h2", "省_市_县_abc医院"), ("h3", "省_市_县_Abc医院"),
                       ("h4", "省_市_县_Café医院"), ("h5", "省_市_县_Cafe\u0301医院"),
                       ("Srv-01", "Srv-01"), ("srv-01", "srv-01")):
        match = twin.match(by_host[host])
        assert match and match.group(1) == stem, by_host[host]
    assert not twin.match(by_host["h8"]) and by_host["h8"][-22] == "~" and by_host["h8"] != by_host["h9"]
    # without a twin, the name is today's: readable, no hash
    assert by_host["h6"] == "省_市_县_人民医院.xlsx"
    assert by_host["h7"] == "省_市_别县_ABC医院.xlsx"


def test_twin_names_are_stable():
    books = survey_workbooks({"hosts": HOSTS})
    assert survey_workbooks({"hosts": dict(reversed(list(HOSTS.items())))}) == books
    # a twin's name depends on its exact name, not on which twin sorts first
    pair = survey_workbooks({"hosts": {"h1": HOSTS["h1"], "h2": HOSTS["h2"]}})
    assert {hosts[0]: name for name, hosts in pair.items()}["h1"] == \
        {hosts[0]: name for name, hosts in books.items()}["h1"]
    # alone, a hospital keeps its plain name
    assert survey_workbooks({"hosts": {"h1": HOSTS["h1"]}}) == {"省_市_县_ABC医院.xlsx": ["h1"]}
