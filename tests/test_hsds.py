"""Open Referral HSDS importer: the real Miami 1.1 package and the 3.0 spec examples, small
packages for each version's edge cases, bad inputs through the real CLI, and a URL import."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from helpline_tui.core.search import Filters, search
from importers.detect import sample
from importers import hsds
from tests.conftest import run_cli, sample_records, shared_file

MIAMI = ("hsds", "open211-miami-2019")
EXAMPLES = ("hsds", "hsds-3.0-spec-examples")
EXAMPLE_SAL = "e94c9f38-1e8f-4564-91d4-d53501ab1765"


def split(items):
    items = list(items)
    return ([i for i in items if isinstance(i, ServiceRecord)], [i for i in items if isinstance(i, SkippedRow)])


def by_key(records, key):
    return next(r for r in records if r.source_key == key)


# A small HSDS 1.1 package: every table the mapper reads, and the problems real data has.
PACKAGE_11 = {
    "services.csv": "id,organization_id,name,description,url,email,status\n"
                    "s1,o1,Recovery Housing Program,Sober housing for adults.\\n\\n###MON###,,,active\n"
                    "s2,o1,Statewide Legal Line,Free legal advice by phone,,,\n"
                    "s3,o1,Closed Program,,,,defunct\n"
                    "s4,o1,Drop-in Centre,The programGÇÖs drop-in,,,temporarily closed\n",
    "services_at_location.csv": "id,service_id,location_id,description\nsal1,s1,l1,\nsal9,missing,l1,\nsal4,s4,l1,\n",
    "locations.csv": "id,organization_id,name,latitude,longitude\nl1,o1,Main Office,40.9390,-73.8990\n",
    "physical_addresses.csv": "id,location_id,address_1,city,state_province,postal_code,country\n"
                              "a1,l1,1200 Main Street,Yonkers,NY ,10701,   \n",
    "organizations.csv": "id,name,url\no1,Hope Alliance,hope.example.org\n",
    "phones.csv": "id,service_id,location_id,service_at_location_id,number,extension,type\n"
                  "p2,s1,,,914-555-0199,,fax\np1,s1,,,914-555-0102,12,voice\n",
    "languages.csv": "id,service_id,location_id,language\n1,s1,l1,English\n2,s1,l1,Español\n"
                     "3,s4,l1,other languages available upon request\n",
    "regular_schedules.csv": "id,service_id,location_id,service_at_location_id,weekday,opens_at,closes_at,original_text\n"
                             ",s1,,,Monday,9:00am,12:00pm,\n,s1,,,Monday,1:00pm,5:00pm,\n,s1,,,Friday,9am,5:00,\n",
    "service_areas.csv": "id,service_id,service_area,description\n1,s2,New York,\n",
    "services_taxonomy.csv": "id,service_id,taxonomy_id,taxonomy_detail\n1,s1,BH-8600,\n2,s2,FT-4800,\n3,s1,YS-2000.9500,\n",
    "taxonomy.csv": "id,name,parent_id,parent_name,vocabulary\nBH-8600,Housing term,BH,Basic,AIRS\n",
    "eligibility.csv": "id,service_id,eligibility\n1,s1,female\n",
    "payments_accepted.csv": "id,service_id,payment\n1,s1,Medicaid\n",
}


def write_package(folder: Path, files: dict[str, str], subdir: str = "") -> Path:
    (folder / subdir).mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / subdir / name).write_text(text, encoding="utf-8")
    return folder


def zip_package(files: dict[str, str], prefix: str = "") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            # A fixed date: the same bytes in every test worker (xdist compares parameter ids).
            info = zipfile.ZipInfo(prefix + name, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ real packages

@pytest.fixture(scope="module")
def miami():
    return split(hsds.read(str(shared_file(*MIAMI))))


def test_miami_every_service_at_location_is_one_record(miami):
    records, skipped = miami
    assert (len(records), len(skipped)) == (4089, 0)
    assert len({r.source_key for r in records}) == 4089
    assert all(r.source == "hsds" and r.raw["hsds_version"] == "1.1" for r in records)


def test_miami_named_records(miami):
    records, _ = miami
    salvation = by_key(records, "149")
    assert salvation.name == "SALVATION ARMY" and salvation.state == "FL" and salvation.zip == "33142"
    assert salvation.languages == ["en", "es", "ht"]
    assert {"housing", "employment", "substance-use-treatment", "case-management"} <= set(salvation.needs)
    assert salvation.kind == "treatment"
    assert salvation.hours == {d: [["08:30", "16:30"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    assert salvation.hours_text == "Mon–Fri 8:30am–4:30pm"
    assert "Salvation Army’s Red Shield" in salvation.description  # cp437 mojibake repaired
    assert salvation.last_verified is None  # 1.1 states no verification date
    detox = by_key(records, "210")
    assert (detox.name, detox.kind) == ("DETOX UNIT", "treatment") and "detox" in detox.needs
    kiva = by_key(records, "798")
    assert kiva.languages == ["en", "es", "ht"]  # "Creole (limited)" is still Creole
    ocd = by_key(records, "8092")  # "9:00pm-7:00pm, Mon-Fri": a typo, kept as text only
    assert ocd.kind == "support-group" and ocd.hours == {} and ocd.hours_text == "9:00pm-7:00pm, Mon-Fri"
    cancercare = by_key(records, "3189")  # one row, "Friday 9-7", made of "9:00am-7:00pm, Mon-Thur; 9:00am-5:00pm, Fri"
    assert cancercare.hours_text == "Mon–Thu 9am–7pm; Fri 9am–5pm" and cancercare.hours["mon"] == [["09:00", "19:00"]]
    police = by_key(records, "1503")
    assert police.languages == []  # no language rows: unknown, not English


def test_miami_imports_cleanly_through_the_cli(tmp_path):
    db = tmp_path / "m.sqlite"
    result = run_cli("import", "hsds", str(shared_file(*MIAMI)), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["added"], summary["skipped_count"]) == (4089, 4089, 0)
    conn = open_readonly(db)
    spanish = search(conn, "", Filters(lang="es"), limit=0).total
    assert spanish == conn.execute(
        "SELECT count(*) FROM services WHERE languages LIKE '%\"es\"%' AND status = 'active'").fetchone()[0] > 3000
    assert search(conn, "detox", Filters(kind="treatment"), limit=5).total >= 1


def test_spec_30_csv_example():
    records, skipped = split(hsds.read(str(shared_file(*EXAMPLES, "csv"))))
    assert skipped == [] and len(records) == 1
    r = records[0]
    assert (r.source_key, r.name, r.organization, r.site_name) == (
        EXAMPLE_SAL, "Community Counselling", "Example Organization Inc.", "MyCity Civic Center")
    assert r.languages == ["ur"]
    assert r.hours == {"thu": [["10:00", "18:00"]], "fri": [["10:00", "18:00"]]}
    assert "not available on public holidays" in r.hours_text
    assert r.last_verified == "2005-01-01"  # assured_date, not last_modified
    assert r.state == "" and r.raw["address"]["state_province"] == "MyState"  # kept, not rejected
    assert "mental-health" in r.needs and r.kind == "treatment"
    assert r.raw["hsds_version"] == "3.0"


@pytest.mark.parametrize("name", ["service_full.json", "service_at_location_full.json", "organization_full.json",
                                  "tabular.json"])
def test_spec_30_json_shapes_give_the_same_record(name):
    records, skipped = split(hsds.read(str(shared_file(*EXAMPLES, "json", name))))
    assert len(records) == 1 and skipped == []
    r = records[0]
    assert (r.source_key, r.name, r.languages) == (EXAMPLE_SAL, "Community Counselling", ["ur"])
    assert r.hours == {"thu": [["10:00", "18:00"]], "fri": [["10:00", "18:00"]]}


def test_spec_30_page_of_service_at_locations():
    # A list page carries the service and location but not their languages or schedules.
    records, _ = split(hsds.read(str(shared_file(*EXAMPLES, "json", "service_at_location_list.json"))))
    assert [(r.source_key, r.name, r.site_name) for r in records] == [
        (EXAMPLE_SAL, "Community Counselling", "MyCity Civic Center")]


def test_spec_30_page_of_services_without_locations():
    records, _ = split(hsds.read(str(shared_file(*EXAMPLES, "json", "service_list.json"))))
    assert [r.source_key for r in records] == ["service:ac148810-d857-441c-9679-408f346de14b"]
    assert records[0].street == "" and records[0].service_area == ""


@pytest.mark.parametrize("name, message", [
    ("base.json", "API root"), ("location.json", "no HSDS services"), ("organization_list.json", "no HSDS services"),
])
def test_spec_30_json_that_holds_no_services(name, message):
    with pytest.raises(SourceError, match=message):
        list(hsds.read(str(shared_file(*EXAMPLES, "json", name))))


def test_spec_30_examples_import_through_the_pipeline(tmp_path):
    for part in ("csv", "json/service_full.json"):
        summary = run_import(tmp_path / "h.sqlite", hsds.read(str(shared_file(*EXAMPLES, *part.split("/")))),
                             source="hsds", format="hsds", origin=part)
        assert summary.read == 1 and summary.skipped == []
    # Latitude 100 / longitude 101 are out of range: dropped, and no ZIP to fall back on.
    row = sqlite3.connect(tmp_path / "h.sqlite").execute("SELECT latitude, geo_precision FROM services").fetchone()
    assert row == (None, "none")


# ------------------------------------------------------------------------------ HSDS 1.1 edge cases

@pytest.fixture
def package_11(tmp_path):
    return write_package(tmp_path / "pkg", PACKAGE_11, "data")


def test_11_package_edge_cases(package_11):
    records, skipped = split(hsds.read(str(package_11)))
    assert [(s.row, s.field) for s in skipped] == [(3, "service_id")]
    assert "services_at_location.csv: service_id 'missing' is not in services.csv" in skipped[0].reason
    housing = by_key(records, "sal1")
    assert (housing.organization, housing.site_name, housing.street, housing.state, housing.zip) == (
        "Hope Alliance", "Main Office", "1200 Main Street", "NY", "10701")
    assert housing.phone == "914-555-0102 x12"  # the fax is not the number to call
    assert housing.languages == ["en", "es"]
    assert housing.hours == {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "fri": [["09:00", "17:00"]]}
    assert (housing.needs, housing.populations, housing.payment) == (["housing"], ["women"], ["medicaid"])
    assert housing.description == "Sober housing for adults."  # literal \n and ###MON### tag handled
    assert housing.website == "hope.example.org" and housing.kind == "community"
    assert (housing.latitude, housing.longitude) == (40.939, -73.899)
    legal = by_key(records, "service:s2")  # no location: one record, no address, area kept
    assert (legal.street, legal.service_area, legal.service_area_list, legal.needs) == ("", "New York", ["NY"], ["legal"])
    assert by_key(records, "service:s3").status == "inactive"  # defunct
    drop_in = by_key(records, "sal4")
    assert drop_in.status == "temporarily-closed"
    assert drop_in.languages == []  # "other languages available upon request" names none
    assert drop_in.description == "The program’s drop-in"


def test_11_zip_with_a_folder_inside(tmp_path, package_11):
    archive = tmp_path / "export.zip"
    archive.write_bytes(zip_package(PACKAGE_11, prefix="export/data/"))
    from_zip, _ = split(hsds.read(str(archive)))
    from_folder, _ = split(hsds.read(str(package_11)))
    assert [(r.source_key, r.hours, r.languages) for r in from_zip] == \
        [(r.source_key, r.hours, r.languages) for r in from_folder]


# ------------------------------------------------------------------------------ HSDS 2.0.1

PACKAGE_20 = {
    "datapackage.json": json.dumps({"title": "Human Services Data Specification 2.0.1", "resources": []}),
    "services.csv": "id,organization_id,name,status\nv1,o1,Outpatient Clinic,active\nv2,o1,Food Pantry,inactive\n",
    "services_at_location.csv": "id,service_id,location_id\nx1,v1,l1\nx2,v2,l1\n",
    "locations.csv": "id,name\nl1,Clinic Building\n",
    "schedules.csv": "id,service_id,location_id,service_at_location_id,freq,byday,opens_at,closes_at,description\n"
                     "1,,,x1,WEEKLY,\"MO,WE\",08:00,16:00,\n2,v2,,,WEEKLY,SA,22:00,02:00,Overnight distribution\n",
    "service_attributes.csv": "id,service_id,taxonomy_term_id\n1,v1,RX-8450.1150\n2,v2,t-food\n",
    "taxonomy_terms.csv": "id,term,description,taxonomy\nRX-8450.1150,Outpatient,d,AIRS\nt-food,Food Pantry,d,Open Eligibility\n",
    "languages.csv": "id,service_id,location_id,language\n1,v1,,es\n2,v1,,spa\n",
}


def test_20_rrule_schedules_attributes_and_status(tmp_path):
    records, skipped = split(hsds.read(str(write_package(tmp_path / "p20", PACKAGE_20))))
    assert skipped == []
    clinic, pantry = by_key(records, "x1"), by_key(records, "x2")
    assert clinic.raw["hsds_version"] == "2.0"
    assert clinic.hours == {"mon": [["08:00", "16:00"]], "wed": [["08:00", "16:00"]]}
    assert (clinic.kind, clinic.needs, clinic.languages) == ("treatment", ["substance-use-treatment", "outpatient"], ["es"])
    assert pantry.hours == {"sat": [["22:00", "24:00"]], "sun": [["00:00", "02:00"]]}
    assert pantry.hours_text == "Sat 10pm–midnight; Sun midnight–2am\nOvernight distribution"
    assert (pantry.needs, pantry.status, pantry.site_name) == (["food"], "inactive", "Clinic Building")


# ------------------------------------------------------------------------------ HSDS 3.0 JSON

def service_json(sid: str, name: str, **extra) -> dict:
    return {"id": sid, "name": name, "status": "active", "last_modified": "2024-03-01T10:00:00Z",
            "languages": [{"id": "l", "name": "Spanish", "code": "spa"}],
            "service_at_locations": [{"id": f"sal-{sid}", "location": {
                "id": f"loc-{sid}", "location_type": "physical", "name": "Site", "latitude": 40.94, "longitude": -73.9,
                "addresses": [{"id": "a", "address_1": "1 Main St", "city": "Yonkers", "state_province": "New York",
                               "postal_code": "10701", "country": "US", "address_type": "physical"}]}}],
            **extra}


def test_ndjson_services(tmp_path):
    path = tmp_path / "services.ndjson"
    path.write_text("\n".join(json.dumps(service_json(f"s{i}", f"Service {i}")) for i in (1, 2)) + "\n")
    records, skipped = split(hsds.read(str(path)))
    assert [r.source_key for r in records] == ["sal-s1", "sal-s2"] and skipped == []
    assert records[1].row == 2 and records[1].state == "NY" and records[1].languages == ["es"]
    assert records[0].last_verified == "2024-03-01"  # last_modified when no assured_date


def test_json_list_with_a_non_service_item(tmp_path):
    path = tmp_path / "list.json"
    path.write_text(json.dumps([service_json("a", "A"), {"hello": "world"}]))
    records, skipped = split(hsds.read(str(path)))
    assert len(records) == 1 and [(s.row, "not an HSDS" in s.reason) for s in skipped] == [(2, True)]


# ------------------------------------------------------------------------------ bad inputs

BAD_INPUTS = {
    "no services.csv": ({"locations.csv": "id\nl1\n"}, "has no services.csv"),
    "services.csv without name": ({"services.csv": "id,title\n1,x\n"}, "services.csv, field 'name': the column is missing"),
    "unterminated quote": ({"services.csv": 'id,name\n1,"Open quote\n2,b\n'}, "services.csv, row 3: is not a well-formed CSV"),
    "binary csv": ({"services.csv": "id,name\n1,\x00\x01\n"}, "services.csv: is binary data"),
    "broken descriptor": ({"datapackage.json": "{not json", "services.csv": "id,name\n1,a\n"}, "datapackage.json, row 1: is not valid JSON"),
    "empty services": ({"services.csv": ""}, "services.csv: is empty"),
}


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_packages_name_the_file(tmp_path, case):
    files, message = BAD_INPUTS[case]
    with pytest.raises(SourceError) as info:
        list(hsds.read(str(write_package(tmp_path / "bad", files))))
    assert message in str(info.value)


BAD_FILES = [
    ("broken.zip", zip_package(PACKAGE_11)[:200], "is not a readable zip file"),
    ("odd.json", b'{"hello": "world"}', "is JSON but not HSDS"),
    ("bad.json", b'[{"id": 1,', "is not valid JSON"),
    ("bad.ndjson", b'{"id": "1", "name": "a"}\n{"id": oops}\n', "line 2 is not valid JSON"),
    ("services.csv", b"id,name\n1,a\n", "is one CSV file"),
    ("meetings.json", b'[{"name": "Group", "day": 1, "time": "19:00"}]', "holds no HSDS services"),
]


@pytest.mark.parametrize("name, content, message", [pytest.param(*case, id=case[0]) for case in BAD_FILES])
def test_bad_files(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        list(hsds.read(str(path)))


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", ["no services.csv", "services.csv without name", "unterminated quote", "broken descriptor"])
def test_bad_input_through_the_cli_exits_1_and_changes_nothing(tmp_path, case):
    db = tmp_path / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    before = digest(db)
    files, message = BAD_INPUTS[case]
    result = run_cli("import", "hsds", str(write_package(tmp_path / "bad", files)), "--db", str(db))
    assert result.returncode == 1
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert digest(db) == before


def test_bad_zip_through_the_cli_changes_nothing(tmp_path):
    db = tmp_path / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    before = digest(db)
    bad = tmp_path / "bad.zip"
    bad.write_bytes(zip_package({"services.csv": "id,title\n1,x\n"}))
    result = run_cli("import", "hsds", str(bad), "--db", str(db))
    assert result.returncode == 1 and "bad.zip/services.csv, field 'name': the column is missing" in result.stderr
    assert digest(db) == before


# ------------------------------------------------------------------------------ sniff

def test_sniff(tmp_path, package_11):
    assert hsds.sniff(sample(str(package_11)))
    assert hsds.sniff(sample(str(shared_file(*MIAMI))))
    assert hsds.sniff(sample(str(shared_file(*EXAMPLES, "csv"))))
    assert hsds.sniff(sample(str(shared_file(*EXAMPLES, "json", "service_full.json"))))
    archive = tmp_path / "p.zip"
    archive.write_bytes(zip_package(PACKAGE_11, prefix="x/"))
    assert hsds.sniff(sample(str(archive)))
    assert not hsds.sniff(sample(str(shared_file("meetings", "meetingguide_aasepia_2024.json"))))
    assert not hsds.sniff(sample(str(shared_file("airs", "BC211_data_excerpt.xml"))))
    assert not hsds.sniff(sample("https://example.org/hsds.zip"))


# ------------------------------------------------------------------------------ URLs

def test_url_zip_import_through_the_cli(httpserver, tmp_path):
    httpserver.expect_request("/export.zip").respond_with_data(zip_package(PACKAGE_11), content_type="application/zip")
    db = tmp_path / "u.sqlite"
    result = run_cli("import", "hsds", httpserver.url_for("/export.zip"), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["added"], summary["skipped_count"]) == (5, 4, 1)


def test_url_of_a_datapackage_fetches_its_csvs_and_tolerates_absent_optional_tables(httpserver):
    files = dict(PACKAGE_20)
    descriptor = {"title": "Human Services Data Specification 2.0.1", "resources": [
        {"name": n.removesuffix(".csv"), "path": f"data/{n}"} for n in [*files, "funding.csv", "phones.csv"]
        if n.endswith(".csv")]}
    httpserver.expect_request("/pkg/datapackage.json").respond_with_json(descriptor)
    for absent in ("funding.csv", "phones.csv"):
        httpserver.expect_request(f"/pkg/data/{absent}").respond_with_data("Not Found", status=404)
    for name, text in files.items():
        if name.endswith(".csv"):
            httpserver.expect_request(f"/pkg/data/{name}").respond_with_data(text, content_type="text/csv")
    records, skipped = split(hsds.read(httpserver.url_for("/pkg/datapackage.json")))
    assert sorted(r.source_key for r in records) == ["x1", "x2"] and skipped == []


def test_url_pages_are_followed(httpserver):
    def page(number: int, total: int, sid: str) -> dict:
        return {"total_items": total, "total_pages": total, "page_number": number, "size": 1,
                "first_page": number == 1, "last_page": number == total, "empty": False,
                "contents": [service_json(sid, f"Service {sid}")]}
    httpserver.expect_request("/services", query_string="full=true&page=2").respond_with_json(page(2, 2, "b"))
    httpserver.expect_request("/services", query_string="full=true").respond_with_json(page(1, 2, "a"))
    records, _ = split(hsds.read(httpserver.url_for("/services") + "?full=true"))
    assert [(r.source_key, r.row) for r in records] == [("sal-a", 1), ("sal-b", 2)]


def test_url_that_is_a_web_page(httpserver):
    httpserver.expect_request("/").respond_with_data("<!doctype html><html>Not here</html>", content_type="text/html")
    with pytest.raises(SourceError, match="web page"):
        list(hsds.read(httpserver.url_for("/")))
