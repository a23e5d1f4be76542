"""`helpline import auto`: the format named from the content of the source."""

from __future__ import annotations

import json

import pytest

from helpline_tui.core.records import SourceError
import importers
from importers.detect import detect_format, sample
from tests.conftest import run_cli, shared_file


@pytest.mark.parametrize("name, expected", [
    ("findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv", "samhsa-csv"),
    ("findtreatment_api_listing_sample_2019.json", "samhsa-json"),
    ("National_Directory_SA_Facilities_2022.xlsx", "samhsa-directory"),
])
def test_real_samhsa_files(name, expected):
    assert detect_format(str(shared_file("samhsa", name))) == expected


def test_content_decides_not_the_file_name(tmp_path):
    csv_named_json = tmp_path / "export.json"
    csv_named_json.write_text("\ufeff    name1,name2,street1,city,state,zip,sp \nA,,1 St,Boston,MA,02118,1\n")
    assert detect_format(str(csv_named_json)) == "samhsa-csv"
    json_named_txt = tmp_path / "page.txt"
    json_named_txt.write_text(json.dumps({"page": 1, "totalPages": 3, "rows": [{"name1": "A"}]}))
    assert detect_format(str(json_named_txt)) == "samhsa-json"
    bare_list = tmp_path / "rows.json"
    bare_list.write_text(json.dumps([{"name1": "A", "city": "Boston"}]))
    assert detect_format(str(bare_list)) == "samhsa-json"


def test_excel_locator_export_versus_national_directory(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Export"
    book.active.append(["name1", "name2", "city", "state", "zip", "sp"])
    book.save(tmp_path / "locator.xlsx")
    assert detect_format(str(tmp_path / "locator.xlsx")) == "samhsa-csv"
    book = openpyxl.Workbook()
    book.active.title = "Sheet1"
    book.active.append(["name1", "city", "state", "zip", "service_code_info"])
    book.save(tmp_path / "directory.xlsx")
    assert detect_format(str(tmp_path / "directory.xlsx")) == "samhsa-directory"


def test_urls():
    assert detect_format("https://findtreatment.gov/locator/exportsAsJson/v2?limitType=0") == "samhsa-json"
    assert detect_format("https://findtreatment.samhsa.gov/locator/listing") == "samhsa-json"
    with pytest.raises(SourceError, match="cannot tell the format"):
        detect_format("https://example.org/services.json")
    with pytest.raises(SourceError):
        detect_format("https://notfindtreatment.gov.example.org/x")


@pytest.mark.parametrize("content", [b"just some words\nand more\n", b'{"meetings": []}', b"", b"\x00\x01\x02"])
def test_unknown_content_asks_for_the_format(tmp_path, content):
    path = tmp_path / "mystery.dat"
    path.write_bytes(content)
    with pytest.raises(SourceError) as err:
        detect_format(str(path))
    assert "cannot tell the format; name it, e.g. helpline import samhsa-csv" in str(err.value)


def test_damaged_workbook_says_so(tmp_path):
    data = shared_file("samhsa", "National_Directory_SA_Facilities_2022.xlsx").read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) // 2])
    with pytest.raises(SourceError, match="damaged or incomplete"):
        detect_format(str(tmp_path / "cut.xlsx"))


def test_every_format_declares_itself_under_its_registered_name():
    assert [importers.declared(name).name for name in importers.FORMATS] == list(importers.FORMATS)
    assert {f.name for f in importers.all_declared() if f.reads_urls} == \
        {"samhsa-json", "hsds", "meeting-guide", "airs-xml"}


@pytest.mark.parametrize("parts, expected", [
    (("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv"), "samhsa-csv"),
    (("samhsa", "findtreatment_api_listing_sample_2019.json"), "samhsa-json"),
    (("samhsa", "National_Directory_SA_Facilities_2022.xlsx"), "samhsa-directory"),
    (("hsds", "open211-miami-2019"), "hsds"),
    (("hsds", "hsds-3.0-spec-examples", "json", "service_full.json"), "hsds"),
    (("meetings", "meetingguide_aasepia_2024.json"), "meeting-guide"),
    (("airs", "BC211_data_excerpt.xml"), "airs-xml"),
])
def test_one_sniff_alone_claims_each_real_export(parts, expected):
    """Sniffs claim only their own format, so the order they are tried in never decides."""
    sampled = sample(str(shared_file(*parts)))
    assert [f.name for f in importers.all_declared() if f.sniff(sampled)] == [expected]


def test_cli_import_auto(tmp_path):
    db = tmp_path / "services.sqlite"
    source = str(shared_file("samhsa", "findtreatment_api_listing_sample_2019.json"))
    p = run_cli("import", "auto", source, "--db", str(db), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["format"] == "samhsa-json"
    (tmp_path / "x.txt").write_text("hello\n")
    p = run_cli("import", "auto", str(tmp_path / "x.txt"), "--db", str(db))
    assert p.returncode == 1 and "cannot tell the format" in p.stderr


def test_auto_names_community_and_meeting_formats(tmp_path):
    from importers.detect import detect_format
    from tests.conftest import shared_file

    assert detect_format(str(shared_file("hsds", "open211-miami-2019"))) == "hsds"
    assert detect_format(str(shared_file("meetings", "meetingguide_aasepia_2024.json"))) == "meeting-guide"
    assert detect_format(str(shared_file("airs", "BC211_data_excerpt.xml"))) == "airs-xml"
    assert detect_format(str(shared_file("hsds", "hsds-3.0-spec-examples", "json", "service_full.json"))) == "hsds"
