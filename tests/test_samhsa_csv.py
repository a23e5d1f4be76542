"""samhsa-csv: the locator's CSV/Excel export, on the real Boston export (662 rows) and on made-up
files for the quirks and the ways a file can be broken."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

import importers
from importers import samhsa_codes
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from tests.conftest import run_cli, shared_file

BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
FACILITY_HEADER = ("name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,"
                   "intake2,website,latitude,longitude,type_facility").split(",")


def frow(**fields: str) -> list[str]:
    """A row of the 17 facility columns, blank except `fields`."""
    return [fields.get(h, "") for h in FACILITY_HEADER]


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text.lower()).split())


def site_key(row: dict[str, str]) -> tuple[str, ...]:
    """A site as the directory identifies it: name, site name and address (street1 + street2)."""
    return (norm(row["name1"]), norm(row["name2"]), norm(row["street1"] + " " + row["street2"]),
            norm(row["city"]), row["state"].strip().upper(), row["zip"].strip()[:5])


def boston_rows() -> list[dict[str, str]]:
    with open(shared_file(*BOSTON), newline="", encoding="utf-8-sig") as handle:
        return [{k.strip(): v for k, v in row.items()} for row in csv.DictReader(handle)]


def import_file(db: Path, path: Path | str, fmt: str = "samhsa-csv", **kw):
    return run_import(db, importers.load(fmt)(str(path)), source=fmt, format=fmt, origin=str(path), **kw)


def all_records(db: Path) -> list[dict]:
    conn = open_readonly(db)
    return [get_record(conn, rid) for (rid,) in conn.execute("SELECT id FROM services")]


def find(db: Path, name: str, street: str) -> dict:
    conn = open_readonly(db)
    rows = conn.execute("SELECT id FROM services WHERE name = ? AND street LIKE ?", (name, street + "%")).fetchall()
    assert len(rows) == 1, (name, street, rows)
    return get_record(conn, rows[0][0])


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def boston_db(tmp_path_factory) -> tuple[Path, object]:
    db = tmp_path_factory.mktemp("boston") / "services.sqlite"
    summary = import_file(db, shared_file(*BOSTON))
    return db, summary


# ---------------------------------------------------------------------------------- the real export

def test_boston_rows_become_one_record_per_site(boston_db):
    db, summary = boston_db
    rows = boston_rows()
    sites = {site_key(r) for r in rows}
    assert len(rows) == 662 and summary.read == 662
    assert not summary.skipped
    assert summary.total_after == len(sites)
    assert summary.merged_duplicates == 662 - len(sites)
    assert open_readonly(db).execute("SELECT count(*) FROM services").fetchone()[0] == len(sites)


def test_su_and_mh_rows_of_one_site_merge_with_the_union_of_their_codes(boston_db):
    db, _ = boston_db
    rec = find(db, "North Suffolk Community Services", "301 Broadway")  # one SU row, one MH row
    assert rec["site_name"] == "Chelsea Counseling Center"
    assert {"SU", "MH"} <= set(rec["source_codes"])
    # shg=1 only on the SU row, mh=1 only on the MH row: the merged site has both.
    assert {"support-group", "mental-health", "substance-use-treatment"} <= set(rec["needs"])
    # Meridian House: ah=1 on the SU row only.
    meridian = find(db, "North Suffolk Community Services", "408 Meridian Street")
    assert {"es", "sgn"} <= set(meridian["languages"])


def test_languages_and_needs_of_named_facilities(boston_db):
    db, _ = boston_db
    chelsea_otp = find(db, "Healthcare Resource Centers", "175 Crescent Avenue")  # otp=1, ah=1, sp empty
    assert {"methadone", "mat"} <= set(chelsea_otp["needs"])
    assert "sgn" in chelsea_otp["languages"] and "es" not in chelsea_otp["languages"]
    bctc = find(db, "Boston Comprehensive Treatment Center", "99 Topeka Street")  # otp, sp, ah
    assert "methadone" in bctc["needs"] and {"es", "sgn"} <= set(bctc["languages"])
    assert bctc["site_name"] == "Habit Opco LLC"
    assert bctc["phone"] and bctc["geo_precision"] == "exact"
    assert bctc["kind"] == "treatment" and bctc["last_verified"] is None and bctc["source_record_id"] == ""
    # Codes with no need/population/payment/language stay on the record for the detail view.
    assert bctc["unmapped_codes"] and set(bctc["unmapped_codes"]) <= set(bctc["source_codes"])
    assert all(samhsa_codes.map_codes([c])[:4] == ([], [], [], []) for c in bctc["unmapped_codes"])
    assert bctc["raw"]["codes"] and bctc["raw"]["name1"] == "Boston Comprehensive Treatment Center"


def test_spanish_and_sign_language_counts_match_the_export(boston_db):
    db, _ = boston_db
    spanish = {site_key(r) for r in boston_rows() if r["sp"] == "1"}
    records = all_records(db)
    assert sum("es" in r["languages"] for r in records) == len(spanish)
    assert sum("sgn" in r["languages"] for r in records) == len({site_key(r) for r in boston_rows() if r["ah"] == "1"})


def test_search_for_spanish_in_ma_lists_only_spanish_speaking_sites(boston_db):
    db, _ = boston_db
    expected = {site_key(r) for r in boston_rows() if r["sp"] == "1" and r["state"] == "MA"}
    p = run_cli("search", "", "--state", "MA", "--lang", "es", "--json", "--limit", "2000", "--db", str(db))
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["total"] == len(expected)
    assert len(out["results"]) == len(expected)
    assert all("es" in r["languages"] and r["state"] == "MA" for r in out["results"])


def test_every_site_serves_in_english(boston_db):
    # SAMHSA lists only languages other than English: a volunteer who picks English for an
    # English-speaking caller must not lose the sites (it kept 3 of 148 near Roxbury).
    db, _ = boston_db
    every = json.loads(run_cli("search", "", "--state", "MA", "--json", "--db", str(db)).stdout)["total"]
    english = json.loads(run_cli("search", "", "--state", "MA", "--lang", "en", "--json", "--db", str(db)).stdout)
    assert english["total"] == every > 400


def test_reimport_is_unchanged_and_replace_source_removes_vanished_sites(boston_db, tmp_path):
    db, first = boston_db
    copy = tmp_path / "services.sqlite"
    copy.write_bytes(db.read_bytes())
    again = import_file(copy, shared_file(*BOSTON))
    assert (again.added, again.updated, again.unchanged) == (0, 0, first.total_after)
    # A smaller export of the same source: with --replace-source, the sites not in it are removed.
    first_keys = {site_key(r) for r in boston_rows()[:40]}
    rows = [r for r in boston_rows() if site_key(r) in first_keys]  # whole sites: both SU and MH rows
    small = write_csv(tmp_path / "small.csv", list(rows[0]), [list(r.values()) for r in rows])
    # Most of the source would go: refused until confirmed, the directory as it was.
    before = copy.read_bytes()
    with pytest.raises(SourceError, match=r"would remove 4\d\d of the 466 records of source 'samhsa-csv'"):
        import_file(copy, small, replace_source=True)
    assert copy.read_bytes() == before
    summary = import_file(copy, small, replace_source=True, allow_mass_removal=True)
    kept = {site_key(r) for r in rows}
    assert summary.unchanged == len(kept) and summary.removed == first.total_after - len(kept)
    assert summary.total_after == len(kept)


def test_cli_refuses_to_empty_a_source_without_confirmation(boston_db, tmp_path):
    db, _ = boston_db
    copy = tmp_path / "services.sqlite"
    copy.write_bytes(db.read_bytes())
    rows = boston_rows()[:10]
    small = write_csv(tmp_path / "small.csv", list(rows[0]), [list(r.values()) for r in rows])
    p = run_cli("import", "samhsa-csv", str(small), "--replace-source", "--db", str(copy))
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1
    assert "--allow-mass-removal" in p.stderr and "samhsa-csv" in p.stderr
    assert copy.read_bytes() == db.read_bytes()
    p = run_cli("import", "samhsa-csv", str(small), "--replace-source", "--allow-mass-removal", "--db", str(copy),
                "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["removed"] > 400


def test_cli_import_json_summary_and_dry_run(tmp_path):
    db = tmp_path / "services.sqlite"
    source = str(shared_file(*BOSTON))
    p = run_cli("import", "samhsa-csv", source, "--db", str(db), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["read"] == 662 and out["added"] == out["total_after"] and out["skipped_count"] == 0
    before = sha(db)
    p = run_cli("import", "samhsa-csv", source, "--db", str(db), "--dry-run", "--json")
    assert p.returncode == 0 and json.loads(p.stdout)["unchanged"] == out["added"]
    assert sha(db) == before


# ---------------------------------------------------------------------------------- other layouts

def test_partial_export_without_codes(tmp_path):
    """Older exports: 11 locator columns, no service codes."""
    header = ["name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "latitude",
              "longitude"]
    rows = [[r[h] for h in header] for r in boston_rows()[:25]]
    path = write_csv(tmp_path / "partial.csv", header, rows)
    db = tmp_path / "services.sqlite"
    summary = import_file(db, path)
    assert summary.total_after == len({site_key({**dict(zip(header, r, strict=True))}) for r in rows})
    rec = all_records(db)[0]
    assert rec["needs"] == [] and rec["languages"] == ["en"] and rec["latitude"] is not None


def test_excel_export_reads_like_the_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    rows = boston_rows()[:60]
    header = list(rows[0])
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Facilities")
    sheet.append(["    " + header[0], *header[1:-1], header[-1] + " "])  # the stray spaces of the real file
    for r in rows:
        # Excel turns ZIP codes into numbers and drops their leading zero: 02150 -> 2150.
        sheet.append([int(v) if k == "zip" else (float(v) if k in ("latitude", "longitude") else v)
                      for k, v in r.items()])
    book.save(tmp_path / "export.xlsx")
    csv_path = write_csv(tmp_path / "export.csv", header, [list(r.values()) for r in rows])
    a = import_file(tmp_path / "a.sqlite", tmp_path / "export.xlsx")
    b = import_file(tmp_path / "b.sqlite", csv_path)
    assert a.total_after == b.total_after == len({site_key(r) for r in rows})
    recs_a = {r["id"]: r for r in all_records(tmp_path / "a.sqlite")}
    recs_b = {r["id"]: r for r in all_records(tmp_path / "b.sqlite")}
    assert recs_a.keys() == recs_b.keys()
    some = next(iter(recs_a))
    for key in ("zip", "needs", "languages", "latitude", "phone", "street"):
        assert recs_a[some][key] == recs_b[some][key]


def test_header_spaces_cp1252_and_code_case(tmp_path):
    header = ["  name1 ", "city", " state", "zip ", "phone", "SP ", " ah", "mm", "otp"]
    path = write_csv(tmp_path / "win.csv", header, [
        ["Clínica Hispana de Recuperación", "Lawrence", "MA", "01841", "978-555-0100", "1", "", "1", "1"],
    ], encoding="cp1252")
    items = list(importers.load("samhsa-csv")(str(path)))
    assert len(items) == 1 and isinstance(items[0], ServiceRecord)
    rec = items[0]
    assert rec.name == "Clínica Hispana de Recuperación"
    assert rec.languages == ["en", "es"] and "methadone" in rec.needs
    assert rec.source_codes == ["SP", "MM", "OTP"] and rec.row == 2


def test_malformed_rows_are_skipped_with_row_field_and_reason(tmp_path):
    place = dict(street1="1 Main St", city="Boston", state="MA", zip="02118")
    rows = [frow(name1="Good Place", latitude="42.33", longitude="-71.07", type_facility="SU", **place),
            frow(type_facility="SU", **place),
            frow(name1="Bad Latitude", latitude="north", longitude="-71.07", type_facility="MH", **place)]
    path = write_csv(tmp_path / "rows.csv", FACILITY_HEADER, rows)
    summary = import_file(tmp_path / "services.sqlite", path)
    assert summary.total_after == 1
    assert {(s["row"], s["field"]) for s in summary.skipped} == {(3, "name1"), (4, "latitude")}
    assert all(s["reason"] for s in summary.skipped)


def test_data_hygiene_placeholder_phones_coordinates_websites(tmp_path):
    place = dict(city="Boston", state="MA", zip="02118", county="Suffolk")
    rows = [frow(name1="Placeholder Phone", street1="1 A St", phone="999-999-9999", intake1="(000) 000-0000",
                 website="http://", latitude="42.33", longitude="-71.07", **place),
            frow(name1="Zero Zero", street1="2 A St", phone="617-555-0101", latitude="0", longitude="0", **place),
            frow(name1="Swapped", street1="3 A St", phone="617 555 0102", website="www.example.org",
                 latitude="-71.07", longitude="42.33", **place)]
    path = write_csv(tmp_path / "hygiene.csv", FACILITY_HEADER, rows)
    db = tmp_path / "services.sqlite"
    summary = import_file(db, path)
    assert summary.placeholder_phones_dropped == 2
    assert summary.coordinates_repaired == 1 and summary.coordinates_dropped == 1
    recs = {r["name"]: r for r in all_records(db)}
    assert recs["Placeholder Phone"]["phone"] == "" and recs["Placeholder Phone"]["intake_phone"] == ""
    assert recs["Placeholder Phone"]["website"] == ""
    assert recs["Zero Zero"]["geo_precision"] == "zip-centroid"
    assert (recs["Swapped"]["latitude"], recs["Swapped"]["longitude"]) == (42.33, -71.07)
    assert recs["Swapped"]["website"] == "https://www.example.org"
    assert recs["Swapped"]["phone"] == "617-555-0102"
    assert all(r["last_verified"] is None for r in recs.values())


# ---------------------------------------------------------------------------------- broken files

def _truncated_csv(tmp: Path) -> Path:
    data = shared_file(*BOSTON).read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 400  # part-way through a row
    (tmp / "cut.csv").write_bytes(data[:cut])
    return tmp / "cut.csv"


def _half_xlsx(tmp: Path) -> Path:
    data = shared_file("samhsa", "National_Directory_SA_Facilities_2022.xlsx").read_bytes()
    (tmp / "half.xlsx").write_bytes(data[: len(data) // 2])
    return tmp / "half.xlsx"


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


BROKEN = {
    "random bytes": (lambda t: _write(t / "noise.csv", os.urandom(40000)), "binary data"),
    "truncated csv": (_truncated_csv, "truncated"),
    "xlsx cut in half": (_half_xlsx, "damaged or incomplete"),
    "empty file": (lambda t: _write(t / "empty.csv", b""), "is empty"),
    "csv without name1": (lambda t: write_csv(t / "noname.csv", ["facility", "city", "state"],
                                              [["A", "Boston", "MA"]]), "no 'name1' column"),
    "html saved as csv": (lambda t: _write(t / "page.csv", "<!DOCTYPE html><html><head><title>Access Denied"
                                                          "</title></head><body>Error</body></html>"), "web page"),
    "header only": (lambda t: write_csv(t / "header.csv", FACILITY_HEADER, []), "no data rows"),
    "no address columns": (lambda t: write_csv(t / "noaddr.csv", ["name1", "phone"], [["A", "1"]]), "address"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_files_exit_1_with_one_sentence_and_change_nothing(case, sample_db, tmp_path):
    make, expected = BROKEN[case]
    path = make(tmp_path)
    before = sha(sample_db)
    p = run_cli("import", "samhsa-csv", str(path), "--db", str(sample_db))
    assert p.returncode == 1, (case, p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and expected in lines[0], lines
    assert "Traceback" not in p.stderr
    assert sha(sample_db) == before
    assert not list(sample_db.parent.glob(".services.sqlite.import-*"))


def test_a_short_row_in_the_middle_is_padded_but_a_cut_last_row_is_an_error(tmp_path):
    full = frow(name1="A", street1="1 St", city="Boston", state="MA", zip="02118")
    path = write_csv(tmp_path / "ragged.csv", FACILITY_HEADER, [full, ["B", "", "2 St", "", "Boston", "MA"], full])
    items = list(importers.load("samhsa-csv")(str(path)))
    assert [type(i) for i in items] == [ServiceRecord] * 3
    path.write_text(path.read_text().rstrip("\n") + "\nC,,3 St,,Bost")
    with pytest.raises(SourceError, match="truncated"):
        list(importers.load("samhsa-csv")(str(path)))


def test_row_with_extra_cells_is_skipped(tmp_path):
    path = write_csv(tmp_path / "extra.csv", ["name1", "city", "state"],
                     [["A", "Boston", "MA"], ["B", "Boston", "MA", "oops", "more"]])
    items = list(importers.load("samhsa-csv")(str(path)))
    assert isinstance(items[1], SkippedRow) and items[1].row == 3 and "header has 3" in items[1].reason


def test_imported_directory_is_sound_with_every_site_indexed(boston_db):
    db, summary = boston_db
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM services_fts").fetchone()[0] == summary.total_after
