"""The one import pipeline: all-or-nothing, idempotent, honest counts, clean text."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import sqlite3
import time
from pathlib import Path

import pytest

from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from helpline_tui.core.safe_write import ImportLocked, import_lock
from tests.conftest import sample_records


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def by_name(path: Path, name: str) -> dict:
    conn = open_readonly(path)
    rid = conn.execute("SELECT id FROM services WHERE name = ?", (name,)).fetchone()[0]
    return get_record(conn, rid)


def test_first_import_adds_every_record(db_path):
    summary = run_import(db_path, sample_records(), source="test", format="test", origin="tests")
    assert (summary.read, summary.added, summary.updated, summary.unchanged, summary.removed) == (7, 7, 0, 0, 0)
    assert summary.total_after == 7
    conn = open_readonly(db_path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM services_fts").fetchone()[0] == 7


def test_same_import_twice_changes_nothing_the_second_time(sample_db):
    before = digest(sample_db)
    summary = run_import(sample_db, sample_records(), source="test", format="test", origin="tests")
    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (0, 0, 7, 0)
    assert not summary.changed
    assert digest(sample_db) == before


def test_reimport_counts_updates_and_removals(sample_db):
    records = sample_records()
    records[0].phone = "787-555-0199"  # changed
    del records[2]  # gone from the export
    records.append(ServiceRecord(name="New Detox Unit", source="test", source_key="8", row=8,
                                 city="Boston", state="MA", zip="02118", needs=["detox"]))
    summary = run_import(sample_db, records, source="test", format="test", origin="tests", replace_source=True)
    assert (summary.added, summary.updated, summary.unchanged, summary.removed) == (1, 1, 5, 1)
    conn = open_readonly(sample_db)
    names = {r[0] for r in conn.execute("SELECT name FROM services")}
    assert "Hope House Sober Living" not in names and "New Detox Unit" in names
    assert by_name(sample_db, "Clínica de Metadona San Juan")["phone"] == "787-555-0199"


def test_without_replace_source_nothing_is_removed(sample_db):
    summary = run_import(sample_db, sample_records()[:2], source="test", format="test", origin="tests")
    assert summary.removed == 0 and summary.total_after == 7


def test_dry_run_reports_but_writes_nothing(sample_db):
    before = digest(sample_db)
    records = sample_records() + [ServiceRecord(name="Another", source="test", source_key="9", row=9)]
    summary = run_import(sample_db, records, source="test", format="test", origin="tests", dry_run=True)
    assert summary.added == 1 and summary.dry_run
    assert digest(sample_db) == before


def test_importer_failing_half_way_leaves_the_file_byte_for_byte_unchanged(sample_db):
    before = digest(sample_db)

    def broken():
        yield ServiceRecord(name="Would Be Added", source="test", source_key="10", row=1)
        raise SourceError("broken.csv", "the file ends in the middle of a row", row=2, field="zip")

    with pytest.raises(SourceError, match=r"broken\.csv, row 2, field 'zip'"):
        run_import(sample_db, broken(), source="test", format="test", origin="broken.csv")
    assert digest(sample_db) == before
    assert not list(sample_db.parent.glob(".services.sqlite.import-*")), "temporary file left behind"


def test_failed_first_import_creates_no_file(db_path):
    def broken():
        raise SourceError("x.csv", "unreadable")
        yield  # pragma: no cover

    with pytest.raises(SourceError):
        run_import(db_path, broken(), source="t", format="t", origin="x.csv")
    assert not db_path.exists()


def test_bad_rows_are_skipped_with_row_field_and_reason(db_path):
    items = [
        ServiceRecord(name="Good Place", source="t", row=1, city="Boston", state="MA", zip="02118"),
        ServiceRecord(name="   ", source="t", row=2),
        ServiceRecord(name="Bad Need", source="t", row=3, needs=["not-a-need"]),
        SkippedRow(row=4, field="latitude", reason="'abc' is not a number"),
        ServiceRecord(name="Bad Hours", source="t", row=5, hours={"mon": [["9am", "5pm"]]}),
    ]
    summary = run_import(db_path, items, source="t", format="t", origin="x")
    assert summary.added == 1
    assert [(s["row"], s["field"]) for s in summary.skipped] == [(2, "name"), (3, "needs"), (4, "latitude"), (5, "hours")]


def test_a_source_with_only_bad_rows_is_an_error_and_changes_nothing(sample_db):
    before = digest(sample_db)
    with pytest.raises(SourceError, match="no usable rows"):
        run_import(sample_db, [ServiceRecord(name="", source="t", row=1)], source="t", format="t", origin="x.csv")
    assert digest(sample_db) == before


def test_text_is_cleaned_of_escapes_entities_and_controls(db_path):
    rec = ServiceRecord(name="  Caf&amp;eacute; \x1b[31mRed\x1b[0m\x07 Clinic  ", source="t", row=1,
                        description="<p>Line one</p><p>Line&nbsp;two</p>", website="example.org/x",
                        phone="(617) 555-0100", city="Boston", state="Massachusetts", zip="2118")
    run_import(db_path, [rec], source="t", format="t", origin="x")
    got = by_name(db_path, "Café Red Clinic")
    assert got["description"] == "Line one\n\nLine two"  # paragraphs stay apart
    assert got["website"] == "https://example.org/x"
    assert got["phone"] == "617-555-0100"
    assert (got["state"], got["zip"]) == ("MA", "02118")


def test_placeholder_phones_dropped_and_counted_coordinates_checked(db_path):
    items = [
        ServiceRecord(name="A", source="t", row=1, phone="(999) 999-9999", zip="10701", state="NY",
                      latitude=-73.8669, longitude=40.9461),  # swapped
        ServiceRecord(name="B", source="t", row=2, phone="000-000-0000", zip="02150", state="MA",
                      latitude=0, longitude=0),
    ]
    summary = run_import(db_path, items, source="t", format="t", origin="x")
    assert summary.placeholder_phones_dropped == 2
    assert summary.coordinates_repaired == 1 and summary.coordinates_dropped == 1
    a, b = by_name(db_path, "A"), by_name(db_path, "B")
    assert a["phone"] == "" and (a["latitude"], a["geo_precision"]) == (40.9461, "exact")
    # 0,0 is no position: the ZIP centroid stands in, marked approximate.
    assert b["geo_precision"] == "zip-centroid" and 42.3 < b["latitude"] < 42.5


def test_same_site_twice_in_one_source_becomes_one_record_with_the_union(db_path):
    su = ServiceRecord(name="Bay Cove", source="t", row=1, street="66 Canal St", city="Boston", state="MA",
                       zip="02114", needs=["detox"], languages=["en"], source_codes=["SU", "DT"])
    mh = ServiceRecord(name="Bay Cove", source="t", row=2, street="66 Canal St", city="Boston", state="MA",
                       zip="02114", needs=["mental-health"], languages=["es"], source_codes=["MH"])
    summary = run_import(db_path, [su, mh], source="t", format="t", origin="x")
    assert summary.added == 1 and summary.merged_duplicates == 1
    got = by_name(db_path, "Bay Cove")
    assert got["needs"] == ["detox", "mental-health"] and got["languages"] == ["en", "es"]


def test_ids_are_stable_across_reimports_and_each_source_keeps_its_own(db_path):
    rec = lambda: ServiceRecord(name="Bay Cove", source="t", row=1, street="66 Canal St", city="Boston",
                                state="MA", zip="02114", phone="617-555-0100")
    run_import(db_path, [rec()], source="t", format="t", origin="x")
    first = by_name(db_path, "Bay Cove")["id"]
    assert run_import(db_path, [rec()], source="t", format="t", origin="x").unchanged == 1
    assert by_name(db_path, "Bay Cove")["id"] == first
    # Another export describing the same site (SAMHSA's have no keys): shown once, owned by both,
    # and replacing that other source leaves the first one's record where it was.
    assert run_import(db_path, [rec()], source="other", format="t", origin="y").merged == 1
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM services").fetchone()[0] == 1
    assert dict(conn.execute("SELECT name, records FROM sources")) == {"t": 1, "other": 1}
    conn.close()
    elsewhere = ServiceRecord(name="Elsewhere House", source="other", row=1, city="Salem", state="MA", zip="01970")
    run_import(db_path, [elsewhere], source="other", format="t", origin="y", replace_source=True)
    assert by_name(db_path, "Bay Cove")["id"] == first and by_name(db_path, "Bay Cove")["source"] == "t"


def test_sources_table_and_history_record_the_import(sample_db):
    conn = sqlite3.connect(sample_db)
    name, fmt, origin, records, added = conn.execute(
        "SELECT name, format, origin, records, added FROM sources").fetchone()
    assert (name, fmt, origin, records, added) == ("test", "test", "tests", 7, 7)
    summary = json.loads(conn.execute("SELECT summary_json FROM import_history").fetchone()[0])
    assert summary["added"] == 7


def _hold_lock(path: str, ready, release) -> None:
    with import_lock(Path(path)):
        ready.set()
        release.wait(10)


def test_a_second_import_at_the_same_time_is_refused_clearly(sample_db):
    ctx = multiprocessing.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=_hold_lock, args=(str(sample_db), ready, release))
    holder.start()
    try:
        assert ready.wait(20)
        before = digest(sample_db)
        with pytest.raises(ImportLocked, match="another import"):
            run_import(sample_db, sample_records(), source="test", format="t", origin="x")
        assert digest(sample_db) == before
    finally:
        release.set()
        holder.join(10)


def test_leftover_temporary_files_from_a_killed_import_are_cleaned_up(sample_db):
    stale = sample_db.with_name(".services.sqlite.import-99999-1")
    stale.write_bytes(b"half-written")
    run_import(sample_db, sample_records()[:1], source="test", format="t", origin="x", dry_run=True)
    assert not stale.exists()


def test_a_reader_open_during_an_import_keeps_a_consistent_view(sample_db):
    reader = open_readonly(sample_db)
    before = reader.execute("SELECT count(*) FROM services").fetchone()[0]
    extra = [ServiceRecord(name=f"Extra {i}", source="test", source_key=f"x{i}", row=i) for i in range(50)]
    run_import(sample_db, sample_records() + extra, source="test", format="t", origin="x")
    assert reader.execute("SELECT count(*) FROM services").fetchone()[0] == before  # old file, still whole
    assert open_readonly(sample_db).execute("SELECT count(*) FROM services").fetchone()[0] == before + 50
    time.sleep(0)


def test_records_are_filed_under_the_imports_source_name(db_path):
    recs = [ServiceRecord(name="A Place", source="samhsa-csv", row=1, city="Boston", state="MA", zip="02118")]
    run_import(db_path, recs, source="boston-2025", format="samhsa-csv", origin="x")
    conn = open_readonly(db_path)
    assert conn.execute("SELECT source FROM services").fetchone()[0] == "boston-2025"
