"""samhsa-directory: the annual National Directory workbook, on the real SA 2022 file (12,176
facilities) and on small made-up workbooks."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

import importers
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SourceError
from tests.conftest import run_cli, shared_file

openpyxl = pytest.importorskip("openpyxl")

NATDIR = ("samhsa", "National_Directory_SA_Facilities_2022.xlsx")
HEADER = ["name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1", "intake2",
          "intake1a", "intake2a", "service_code_info"]


def norm(text: object) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text or "").lower()).split())


def natdir_rows() -> list[dict]:
    book = openpyxl.load_workbook(shared_file(*NATDIR), read_only=True)
    rows = book["Facilities List"].iter_rows(values_only=True)
    header = [str(h).strip() for h in next(rows)]
    out = [dict(zip(header, r, strict=True)) for r in rows]
    book.close()
    return out


def site_key(r: dict) -> tuple:
    return (norm(r["name1"]), norm(r["name2"]), norm(f"{r['street1'] or ''} {r['street2'] or ''}"),
            norm(r["city"]), str(r["state"] or "").upper(), str(r["zip"] or "")[:5])


def import_file(db: Path, path: Path, fmt: str = "samhsa-directory"):
    return run_import(db, importers.load(fmt)(str(path)), source=fmt, format=fmt, origin=str(path))


@pytest.fixture(scope="module")
def natdir_db(national_directory_import):
    """(directory, summary) of the session's import of the workbook: import_file(db, NATDIR) exactly."""
    return national_directory_import


def test_national_directory_imports_every_facility(natdir_db):
    db, summary = natdir_db
    rows = natdir_rows()
    sites = {site_key(r) for r in rows}
    assert len(rows) == 12176 and summary.read == 12176
    assert not summary.skipped
    assert summary.total_after == len(sites)
    assert summary.merged_duplicates == len(rows) - len(sites)


def test_spanish_and_other_code_counts_match_the_workbook(natdir_db):
    db, _ = natdir_db
    rows = natdir_rows()

    def sites_with(code: str) -> int:
        return len({site_key(r) for r in rows if code in (r["service_code_info"] or "").split()})

    conn = open_readonly(db)

    def count(sql: str) -> int:
        return conn.execute(sql).fetchone()[0]

    assert count("SELECT count(*) FROM service_languages WHERE lang = 'es'") == sites_with("SP")
    assert count("SELECT count(*) FROM service_languages WHERE lang = 'sgn'") == sites_with("AH")
    otp = count("SELECT count(*) FROM services WHERE source_codes LIKE '%\"OTP\"%'")
    assert otp == sites_with("OTP")
    assert count("SELECT count(*) FROM service_facets WHERE value = 'mat'") >= otp


def test_positions_come_from_zip_centroids_and_are_marked_approximate(natdir_db):
    db, summary = natdir_db
    conn = open_readonly(db)
    precisions = dict(conn.execute("SELECT geo_precision, count(*) FROM services GROUP BY 1").fetchall())
    assert "exact" not in precisions  # the directory has no coordinates
    assert precisions["zip-centroid"] >= 0.99 * summary.total_after
    assert summary.positions_from_zip >= precisions["zip-centroid"]  # merged rows were placed too


def test_a_named_facility_is_read_field_by_field(natdir_db):
    db, _ = natdir_db
    conn = open_readonly(db)
    rid = conn.execute("SELECT id FROM services WHERE name = 'Shelby County Treatment Center' AND city = "
                       "'Alabaster'").fetchone()[0]
    rec = get_record(conn, rid)
    assert rec["state"] == "AL" and rec["zip"] == "35007" and rec["phone"] == "205-216-0200"
    assert {"methadone", "buprenorphine", "detox"} <= set(rec["needs"])
    assert "sgn" in rec["languages"] and "es" not in rec["languages"]
    assert {"SA", "OTP", "MM", "AH"} <= set(rec["source_codes"])
    assert "SMPD" in rec["unmapped_codes"]  # smoking policy: kept, mapped to nothing
    assert rec["raw"]["codes"][:3] == ["SA", "DT", "SUMH"] and rec["raw"]["name1"] == rec["name"]
    assert rec["last_verified"] is None


def test_search_by_state_and_language_on_the_directory(natdir_db):
    db, _ = natdir_db
    expected = {site_key(r) for r in natdir_rows()
                if r["state"] == "AL" and "SP" in (r["service_code_info"] or "").split()}
    p = run_cli("search", "", "--state", "AL", "--lang", "es", "--json", "--limit", "0", "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["total"] == len(expected)


# ---------------------------------------------------------------------------------- made-up workbooks

def make_book(path: Path, rows: list[list], *, sheet: str = "Facilities List",
              reference: list[list] | None = None) -> Path:
    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    if reference is not None:
        ref = book.create_sheet("Service Code Reference")
        ref.append(["category_code", "category_name", "service_code", "service_name", "service_description"])
        for r in reference:
            ref.append(r)
    book.save(path)
    return path


def row(name: str, codes: str, **kw) -> list:
    base = dict(name1=name, street1="1 Main St", city="Boston", state="MA", zip="02118", phone="617-555-0100",
                service_code_info=codes)
    base.update(kw)
    return [base.get(h) for h in HEADER]


def test_unknown_codes_keep_their_reference_sheet_name(tmp_path):
    path = make_book(tmp_path / "dir.xlsx", [row("A", "SA * ZZQ * SP")],
                     reference=[["SL", "Language Services", "SP", "Spanish", ""],
                                ["XX", "New Things", "ZZQ", "Brand new service", ""]])
    items = list(importers.load("samhsa-directory")(str(path)))
    assert len(items) == 1 and isinstance(items[0], ServiceRecord)
    rec = items[0]
    assert rec.languages == ["en", "es"] and "ZZQ" in rec.unmapped_codes
    assert rec.raw["code_names"] == {"ZZQ": "Brand new service"}
    assert rec.latitude is None and rec.row == 2


def test_sheet_found_by_header_when_not_named_facilities_list(tmp_path):
    path = make_book(tmp_path / "dir.xlsx", [row("A", "SA"), row("", "SA"), row("C", "MH", zip=2118)],
                     sheet="Sheet1")
    items = list(importers.load("samhsa-directory")(str(path)))
    assert [type(i).__name__ for i in items] == ["ServiceRecord", "SkippedRow", "ServiceRecord"]
    assert items[1].row == 3 and items[1].field == "name1"
    assert items[2].zip == "2118"  # Excel's number; the pipeline restores 02118
    summary = import_file(tmp_path / "s.sqlite", path)
    assert summary.total_after == 2
    zips = {r[0] for r in open_readonly(tmp_path / "s.sqlite").execute("SELECT zip FROM services")}
    assert zips == {"02118"}


def test_a_workbook_without_a_code_reference_is_named_by_the_codes_of_its_rows(tmp_path):
    """Its default source name says SA or MH from the facilities' codes when no reference sheet
    lists them and the file name says neither (the rows were read as (number, cells) pairs, so
    their codes were never seen and such a workbook was named by its year alone)."""
    mental_health = make_book(tmp_path / "directory-2024.xlsx", [row(f"Clinic {n}", "MH * PSY * SP") for n in range(3)])
    substance_use = make_book(tmp_path / "listing-2024.xlsx", [row(f"Clinic {n}", "SA * DT * HH") for n in range(3)])
    assert importers.default_source_name("samhsa-directory", str(mental_health), str(mental_health)) == \
        "samhsa-directory:mh-2024"
    assert importers.default_source_name("samhsa-directory", str(substance_use), str(substance_use)) == \
        "samhsa-directory:sa-2024"


def test_intake_lines_fall_back_in_order(tmp_path):
    path = make_book(tmp_path / "dir.xlsx", [row("A", "SA", intake2="617-555-0199"),
                                             row("B", "SA", intake1a="888-PARNEXT")])
    a, b = importers.load("samhsa-directory")(str(path))
    assert a.intake_phone == "617-555-0199" and b.intake_phone == "888-PARNEXT"


def test_a_csv_is_refused_with_a_pointer_to_samhsa_csv(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("name1,city,state\nA,Boston,MA\n")
    with pytest.raises(SourceError, match="samhsa-csv"):
        list(importers.load("samhsa-directory")(str(path)))


def test_workbook_without_facilities_is_an_error_and_changes_nothing(tmp_path, sample_db):
    book = openpyxl.Workbook()
    book.active.append(["something", "else"])
    book.save(tmp_path / "other.xlsx")
    before = hashlib.sha256(sample_db.read_bytes()).hexdigest()
    p = run_cli("import", "samhsa-directory", str(tmp_path / "other.xlsx"), "--db", str(sample_db))
    assert p.returncode == 1 and "name1" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    assert hashlib.sha256(sample_db.read_bytes()).hexdigest() == before


def test_cut_workbook_is_an_error_and_changes_nothing(tmp_path, sample_db):
    data = shared_file(*NATDIR).read_bytes()
    (tmp_path / "cut.xlsx").write_bytes(data[: len(data) * 2 // 3])
    before = hashlib.sha256(sample_db.read_bytes()).hexdigest()
    p = run_cli("import", "samhsa-directory", str(tmp_path / "cut.xlsx"), "--db", str(sample_db))
    assert p.returncode == 1 and "damaged or incomplete" in p.stderr and "Traceback" not in p.stderr
    assert hashlib.sha256(sample_db.read_bytes()).hexdigest() == before
