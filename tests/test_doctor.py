"""`helpline doctor`: each finding on a real damaged file, and the fix it names actually works."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from pathlib import Path

from helpline_tui.core import doctor, schema, versions
from helpline_tui.core.pipeline import run_import
from tests.conftest import run_cli, sample_records


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_doctor(db: Path, *extra: str):
    p = run_cli("doctor", "--db", str(db), "--json", *extra)
    assert "Traceback" not in p.stderr
    return p.returncode, json.loads(p.stdout)


def problems(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["status"] == "problem"]


def damage(db: Path, *statements: str, params: tuple = ()) -> None:
    """Change the file in place, as a tool other than helpline (or a bad disk) might."""
    conn = sqlite3.connect(db)
    for sql in statements:
        conn.execute(sql, params if "?" in sql else ())
    conn.commit()
    conn.close()


def test_a_healthy_directory_passes_every_check(sample_db):
    code, report = run_doctor(sample_db)
    assert code == 0 and report["healthy"] is True and problems(report) == []
    checks = {f["check"] for f in report["findings"] if f["status"] == "ok"}
    assert checks >= {"file", "integrity", "schema", "index", "sources", "files"}
    text = run_cli("doctor", "--db", str(sample_db))
    assert text.returncode == 0 and text.stdout.rstrip().endswith("needs nothing")
    assert "PRAGMA integrity_check: ok" in text.stdout and "PRAGMA quick_check: ok" in text.stdout


def test_a_missing_file(tmp_path):
    code, report = run_doctor(tmp_path / "nowhere.sqlite")
    assert code == 1
    [found] = problems(report)
    assert found["check"] == "file" and "does not exist" in found["message"] and "helpline import" in found["fix"]


def test_a_truncated_file(sample_db):
    os.truncate(sample_db, sample_db.stat().st_size // 2)
    code, report = run_doctor(sample_db)
    assert code == 1
    assert problems(report)[0]["check"] in ("file", "integrity")
    assert "re-import" in report["fixes"][0]  # nothing kept to roll back to


def test_a_file_that_is_not_a_database(sample_db):
    sample_db.write_bytes(b"<html>404</html>" * 500)
    code, report = run_doctor(sample_db)
    assert code == 1 and "not a database" in problems(report)[0]["message"]


def test_corrupt_bytes_in_a_page(sample_db):
    conn = sqlite3.connect(sample_db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'services'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with open(sample_db, "r+b") as handle:  # overwrite the cell pointers of the services table's page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xff" * 64)
    code, report = run_doctor(sample_db)
    assert code == 1
    found = problems(report)[0]
    assert found["check"] == "integrity" and "quick_check reports damage" in found["message"]


def test_a_service_missing_from_the_full_text_index(sample_db):
    # Delete one row's full-text entry (contentless FTS5 is told the text it indexed).
    damage(sample_db, "INSERT INTO services_fts (services_fts, rowid, name, place, keywords) "
                      "SELECT 'delete', rid, match_fold, place_fold, '' FROM services LIMIT 1")
    code, report = run_doctor(sample_db)
    assert code == 1
    [found] = problems(report)
    assert found["check"] == "index" and "7 services but 6 full-text rows" in found["message"]
    assert "helpline doctor --repair" in found["fix"]


def test_a_deleted_facet_row(sample_db):
    damage(sample_db, "DELETE FROM service_facets WHERE value = 'housing'")
    code, report = run_doctor(sample_db)
    assert code == 1
    [found] = problems(report)
    assert found["check"] == "index" and "need, population and payment filters" in found["message"]
    assert "2 row(s) missing" in found["message"]


def test_a_phone_lookup_of_no_record(sample_db):
    damage(sample_db, "INSERT INTO service_phones (digits, rid) VALUES ('5550000', 1)")
    code, report = run_doctor(sample_db)
    assert code == 1 and "phone lookups" in problems(report)[0]["message"]


def test_a_wrong_count_in_the_sources_table(sample_db):
    damage(sample_db, "UPDATE sources SET records = 99 WHERE name = 'test'")
    code, report = run_doctor(sample_db)
    assert code == 1
    [found] = problems(report)
    assert found["check"] == "sources" and "listed with 99 records" in found["message"]
    assert "holds 7" in found["message"]


def test_a_missing_index_id(sample_db):
    damage(sample_db, "DELETE FROM meta WHERE key = 'index_id'")
    code, report = run_doctor(sample_db)
    assert code == 1 and "index_id" in problems(report)[0]["message"]


def test_a_v0_schema_with_no_migration_says_rebuild(sample_db):
    damage(sample_db, "PRAGMA user_version = 0")
    code, report = run_doctor(sample_db)
    assert code == 1
    [found] = problems(report)
    assert found["check"] == "schema" and "schema version 0" in found["message"]
    assert "re-import" in found["fix"]


def test_an_older_schema_with_a_migration_says_migrate(sample_db, monkeypatch):
    damage(sample_db, "PRAGMA user_version = 0")
    monkeypatch.setitem(schema.MIGRATIONS, 0, lambda db: None)
    report = doctor.examine(sample_db)
    [found] = report.problems
    assert found.fix == f"run `helpline migrate --db {sample_db}`"


def test_a_newer_schema_says_upgrade(sample_db):
    damage(sample_db, f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    code, report = run_doctor(sample_db)
    assert code == 1 and "upgrade helpline" in problems(report)[0]["fix"]


def test_stale_temporary_files_are_reported_and_repaired(sample_db):
    stale = sample_db.with_name(f".{sample_db.name}.import-999-1")
    stale.write_bytes(b"x" * 4096)
    code, report = run_doctor(sample_db)
    assert code == 1 and problems(report)[0]["check"] == "files" and stale.name in problems(report)[0]["message"]
    before = digest(sample_db)
    code, report = run_doctor(sample_db, "--repair")
    assert code == 0 and not stale.exists()
    assert digest(sample_db) == before  # only files were wrong: the directory was not rewritten


def test_a_held_lock_is_an_import_at_work_not_a_problem(sample_db):
    in_progress = sample_db.with_name(f".{sample_db.name}.import-999-1")
    in_progress.write_bytes(b"x")
    with open(sample_db.with_name(sample_db.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        code, report = run_doctor(sample_db)
        repaired = run_cli("doctor", "--repair", "--db", str(sample_db))
    assert code == 0
    [note] = [f for f in report["findings"] if f["check"] == "files"]
    assert note["status"] == "note" and "import is running" in note["message"]
    assert repaired.returncode == 1 and "another import into this directory is running" in repaired.stderr
    assert in_progress.exists()  # another process's work is never deleted


def test_repair_rebuilds_the_index_and_counts_and_keeps_the_damaged_file(sample_db):
    damage(sample_db, "DELETE FROM service_languages WHERE lang = 'es'",
           "UPDATE sources SET records = 3",
           "INSERT INTO services_fts (services_fts, rowid, name, place, keywords) "
           "SELECT 'delete', rid, match_fold, place_fold, '' FROM services LIMIT 1")
    damaged = digest(sample_db)
    p = run_cli("doctor", "--repair", "--db", str(sample_db))
    assert p.returncode == 0, p.stdout + p.stderr
    assert "rebuilt the full-text index" in p.stdout and p.stdout.rstrip().endswith("needs nothing")
    hits = json.loads(run_cli("search", "", "--lang", "es", "--db", str(sample_db), "--json").stdout)
    assert hits["total"] == 5  # the Spanish-speaking services are findable again
    [kept] = versions.list_versions(sample_db)
    assert digest(kept.path) == damaged and kept.info["replaced_by"] == "doctor --repair"


def test_repair_refuses_a_damaged_file_and_leaves_it_as_it_is(sample_db):
    os.truncate(sample_db, sample_db.stat().st_size // 2)
    before = digest(sample_db)
    p = run_cli("doctor", "--repair", "--db", str(sample_db))
    assert p.returncode == 1 and "the file itself must be replaced" in p.stderr and "Traceback" not in p.stderr
    assert digest(sample_db) == before


def test_a_damaged_file_with_a_kept_version_names_the_rollback_and_it_works(sample_db):
    run_import(sample_db, sample_records()[:3], source="test", format="test", origin="tests", replace_source=True)
    with open(sample_db, "r+b") as handle:
        handle.seek(0)
        handle.write(b"garbage" * 20)
    code, report = run_doctor(sample_db)
    assert code == 1
    assert report["fixes"] == [f"run `helpline import --rollback --db {sample_db}` (restores the version kept at "
                               f"{versions.list_versions(sample_db)[-1].info['kept_at']}, 7 services)"]
    assert run_cli("import", "--rollback", "--db", str(sample_db)).returncode == 0
    code, report = run_doctor(sample_db)
    assert code == 0, problems(report)
    # The garbage file it replaced is kept (a rollback can be undone), and doctor warns about it.
    [kept] = [f for f in report["findings"] if f["check"] == "versions"]
    assert kept["status"] == "note" and "a rollback would restore a damaged file" in kept["message"]


def test_a_demo_directory_is_healthy(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert run_cli("demo", "build", "--size", "300", "--db", str(db)).returncode == 0
    code, report = run_doctor(db)
    assert code == 0, problems(report)


def test_sites_merged_across_sources_are_counted_for_each_source(sample_db):
    """A second source describing the same site merges into one record; doctor still counts it
    for both sources, as the sources table does, and stays healthy."""
    same_site = [r for r in sample_records("county211") if r.name.startswith("Yonkers")]
    run_import(sample_db, same_site, source="county211", format="test", origin="tests")
    conn = sqlite3.connect(sample_db)
    assert conn.execute("SELECT count(*) FROM record_aliases").fetchone()[0] == 2  # merged, really
    conn.close()
    code, report = run_doctor(sample_db)
    assert code == 0 and problems(report) == []
