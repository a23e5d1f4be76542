"""Faults while writing the directory end in one sentence, exit 1, the file byte-for-byte unchanged and
nothing left that makes `doctor` call the directory unhealthy: a full disk during an import or a
migrate (a real tmpfs filled to ENOSPC, and SQLite's own SQLITE_FULL through max_page_count where
mounting is not permitted), `migrate` on a read-only file system or on a folder."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from helpline_tui import cli
from helpline_tui.core.pipeline import run_import
from tests.conftest import run_cli, sample_records
from tests.mounts import fill, remount_readonly, small_tmpfs

CSV_HEADER = "name1,street1,city,state,zip,phone\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def big_csv(path: Path, rows: int = 3000) -> Path:
    path.write_text(CSV_HEADER + "".join(
        f"Harbor House Recovery Program {n},{n} Main Street,Boston,MA,02118,617-555-{n % 10000:04d}\n"
        for n in range(rows)))
    return path


def older_schema(db: Path) -> None:
    """A real version-1 directory: before one record per site across sources."""
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE record_aliases")
    conn.execute("DROP TABLE source_records")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.execute("VACUUM")
    conn.close()


def assert_one_sentence_and_unchanged(p, db: Path, before: str, *words: str) -> None:
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr
    for word in words:
        assert word in p.stderr, p.stderr
    assert digest(db) == before


def assert_doctor_finds_it_healthy(db: Path) -> None:
    beside = sorted(p.name for p in db.parent.iterdir() if not p.name.startswith("filler"))
    assert beside == [db.name, f"{db.name}.lock"], beside  # no private copy, no half-kept version
    p = run_cli("doctor", "--json", "--db", str(db))
    report = json.loads(p.stdout)
    assert p.returncode == 0 and report["healthy"], report


@pytest.fixture
def tmpfs(tmp_path, request):
    manager = small_tmpfs(tmp_path / "disk", "24m")
    disk = manager.__enter__()
    request.addfinalizer(lambda: manager.__exit__(None, None, None))
    return disk


def leave_room(disk: Path, room: int) -> None:
    """Fill the disk but for `room` bytes."""
    reserve = disk / "filler-reserve"
    reserve.write_bytes(b"\0" * room)
    fill(disk)
    reserve.unlink()


def test_an_import_on_a_full_disk_is_one_sentence_and_leaves_nothing(tmpfs, tmp_path):
    db = tmpfs / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    before = digest(db)
    csv = big_csv(tmp_path / "export.csv")
    leave_room(tmpfs, db.stat().st_size + 64 * 1024)  # the private copy fits, the new rows do not
    p = run_cli("import", "samhsa-csv", str(csv), "--db", str(db))
    assert_one_sentence_and_unchanged(p, db, before, str(db), "disk is full", "nothing was changed")
    assert_doctor_finds_it_healthy(db)


def test_an_import_that_cannot_even_copy_the_directory_is_one_sentence(tmpfs, tmp_path):
    db = tmpfs / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    before = digest(db)
    leave_room(tmpfs, 0)
    p = run_cli("import", "samhsa-csv", str(big_csv(tmp_path / "export.csv", 5)), "--db", str(db))
    assert_one_sentence_and_unchanged(p, db, before, "disk is full", "No space left on device")
    assert_doctor_finds_it_healthy(db)


def test_a_migrate_on_a_full_disk_is_one_sentence_and_leaves_nothing(tmpfs):
    db = tmpfs / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    older_schema(db)
    before = digest(db)
    leave_room(tmpfs, db.stat().st_size + 4096)
    p = run_cli("migrate", "--db", str(db))
    assert_one_sentence_and_unchanged(p, db, before, str(db), "disk is full", "nothing was changed")
    beside = sorted(p.name for p in tmpfs.iterdir() if not p.name.startswith("filler"))
    assert beside == [db.name, f"{db.name}.lock"], beside


def test_sqlite_full_from_sqlite_itself_is_one_sentence(sample_db, tmp_path, monkeypatch, capsys):
    """Without mounting: SQLite's max_page_count caps the private copy at a few pages more than
    the directory, and SQLite itself says "database or disk is full"."""
    from helpline_tui.core import safe_write

    real_connect = sqlite3.connect

    def capped(database, *args, **kwargs):
        conn = real_connect(database, *args, **kwargs)
        if safe_write.TEMP_MARK in str(database):  # the private copy only
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages + 4}")
        return conn

    monkeypatch.setattr(safe_write.sqlite3, "connect", capped)
    before = digest(sample_db)
    code = cli.main(["import", "samhsa-csv", str(big_csv(tmp_path / "export.csv")), "--db", str(sample_db)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1, err
    assert "database or disk is full" in err and "nothing was changed" in err
    assert digest(sample_db) == before
    assert sorted(p.name for p in sample_db.parent.iterdir()) == ["export.csv", "services.sqlite",
                                                                   "services.sqlite.lock"]


def test_migrate_on_a_read_only_file_system_is_one_sentence(tmpfs):
    db = tmpfs / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    older_schema(db)
    os.remove(f"{db}.lock")
    before = digest(db)
    remount_readonly(tmpfs)
    p = run_cli("migrate", "--db", str(db))
    assert_one_sentence_and_unchanged(p, db, before, str(db), "Read-only file system", "nothing was changed")


def test_migrate_on_a_folder_is_one_sentence(tmp_path):
    folder = tmp_path / "directory"
    folder.mkdir()
    p = run_cli("migrate", "--db", str(folder))
    assert p.returncode == 1 and "Traceback" not in p.stderr, p.stderr
    assert p.stderr.strip() == f"helpline: {folder} is a folder, not a directory file; give --db the .sqlite file"
    assert list(folder.iterdir()) == []


def test_hostile_batch_lines_are_error_objects_and_the_others_are_answered(sample_db, tmp_path):
    batch = tmp_path / "queries.jsonl"
    batch.write_text("\n".join([
        '{"query": "methadone"}',
        "[" * 100_000 + "]" * 100_000,
        '{"query": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}",
        '{"query": "methadone", "limit": 1e400}',
        '{"query": "methadone", "needs": [["housing"]]}',
        '{"query": "\\ud800"}',
        '{"query": "housing", "limit": 1}',
    ]) + "\n")
    p = run_cli("search", "--batch", str(batch), "--json", "--db", str(sample_db))
    assert "Traceback" not in p.stderr and p.returncode == 1, p.stderr
    out = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(out) == 7 and out[0]["total"] > 0 and len(out[6]["results"]) == 1
    errors = [o.get("error", "") for o in out[1:6]]
    assert errors[0].endswith("line 2: the line is nested too deeply to be a query")
    assert errors[1].endswith("line 3: the line is nested too deeply to be a query")
    assert errors[2].endswith('line 4: "limit" must be a whole number 0 or more, not Infinity')
    assert errors[3].endswith('line 5: "needs" must be a string or a list of strings, not [["housing"]]')
    assert "line 6:" in errors[4] and '"query"' in errors[4]
    assert p.stderr.strip() == f"helpline: {batch}: 5 line(s) could not be searched; see the error objects"


def test_a_demo_build_and_a_rollback_on_a_full_disk_name_the_directory_and_leave_nothing(tmpfs):
    from helpline_tui.core.demo_build import build_demo

    db = tmpfs / "services.sqlite"
    build_demo(db, size=10)
    build_demo(db, size=11)  # a version to roll back to
    before = digest(db)
    kept_before = sorted(p.name for p in (tmpfs / "services.sqlite.versions").iterdir())
    leave_room(tmpfs, 0)
    p = run_cli("demo", "build", "--size", "50", "--db", str(db))
    assert_one_sentence_and_unchanged(p, db, before, f"helpline: {db}: the disk is full")
    p = run_cli("import", "--rollback", "--db", str(db))
    assert_one_sentence_and_unchanged(p, db, before, str(db), "No space left on device")
    assert sorted(p.name for p in (tmpfs / "services.sqlite.versions").iterdir()) == kept_before
    beside = sorted(p.name for p in tmpfs.iterdir() if not p.name.startswith("filler"))
    assert beside == [db.name, f"{db.name}.lock", f"{db.name}.versions"], beside


def test_a_migrate_with_nothing_to_do_needs_no_room(tmpfs):
    db = tmpfs / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    leave_room(tmpfs, 0)
    p = run_cli("migrate", "--db", str(db))
    assert p.returncode == 0 and p.stdout.strip() == f"{db}: already current", (p.stdout, p.stderr)
