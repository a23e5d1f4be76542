"""The directory's schema: versioned, migrated all-or-nothing, refused clearly when foreign."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from helpline_tui.core import schema
from helpline_tui.core.directory import DirectoryError, open_readonly
from helpline_tui.core.pipeline import migrate_file, run_import
from tests.conftest import sample_records


def test_new_directory_has_current_version_and_every_table(sample_db):
    conn = sqlite3.connect(sample_db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"services", "service_facets", "service_languages", "service_phones", "sources", "import_history",
            "zip_centroids", "meta", "services_fts"} <= tables
    # ZIP centroids are in the file itself, so --near works offline.
    assert conn.execute("SELECT count(*) FROM zip_centroids").fetchone()[0] > 40000
    cols = {r[1] for r in conn.execute("PRAGMA table_info(services)")}
    assert {"id", "kind", "geo_precision", "hours", "hours_text", "last_verified", "imported_at", "raw_json",
            "service_area", "service_area_list", "intake_phone", "hotline_phone", "county"} <= cols


def test_migration_runs_in_order_and_atomically(sample_db, monkeypatch):
    conn = sqlite3.connect(sample_db)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")  # pretend the file is one version older
    conn.commit()
    conn.close()
    with pytest.raises(DirectoryError, match="migrate"):
        open_readonly(sample_db)

    calls = []

    def add_column(db):
        calls.append("ran")
        db.execute("ALTER TABLE meta ADD COLUMN note TEXT")

    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, add_column)
    assert migrate_file(sample_db) == [schema.SCHEMA_VERSION]
    assert calls == ["ran"]
    conn = open_readonly(sample_db)
    assert "note" in {r[1] for r in conn.execute("PRAGMA table_info(meta)")}


def test_failing_migration_changes_nothing(sample_db, monkeypatch):
    conn = sqlite3.connect(sample_db)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    before = hashlib.sha256(sample_db.read_bytes()).hexdigest()

    def broken(db):
        db.execute("ALTER TABLE meta ADD COLUMN note TEXT")
        raise schema.SchemaError("migration 0 -> 1 failed half-way")

    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, broken)
    with pytest.raises(schema.SchemaError):
        migrate_file(sample_db)
    assert hashlib.sha256(sample_db.read_bytes()).hexdigest() == before


def test_newer_directory_is_refused_with_a_clear_sentence(sample_db):
    conn = sqlite3.connect(sample_db)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    with pytest.raises(schema.SchemaError, match="newer than this helpline"):
        run_import(sample_db, sample_records(), source="t", format="t", origin="x")


def test_a_file_that_is_not_a_directory_is_refused(tmp_path):
    bogus = tmp_path / "notes.sqlite"
    bogus.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DirectoryError, match="notes.sqlite"):
        open_readonly(bogus)
