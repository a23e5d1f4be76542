"""Kept versions and `helpline import --rollback`: the admin's undo after a bad refresh."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import sqlite3
from pathlib import Path

from helpline_tui.core import versions
from helpline_tui.core.directory import FileIdentity, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.conftest import run_cli

HEADER = "name1,name2,street1,street2,city,state,zip,phone,latitude,longitude,sp\n"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_csv(path: Path, *names: str) -> Path:
    path.write_text(HEADER + "".join(
        f"{name},,{n} Canal St,,Boston,MA,02114,617-555-01{n:02d},42.36,-71.06,\n" for n, name in enumerate(names, 1)))
    return path


def services(db: Path) -> list[tuple]:
    conn = open_readonly(db)
    try:
        return conn.execute("SELECT id, name, content_hash FROM services ORDER BY id").fetchall()
    finally:
        conn.close()


def cli(*args: str, keep: int | str | None = None):
    env = dict(os.environ)
    env.pop("HELPLINE_KEEP_VERSIONS", None)
    if keep is not None:
        env["HELPLINE_KEEP_VERSIONS"] = str(keep)
    return run_cli(*args, env=env)


def import_csv(db: Path, csv: Path, keep: int | str | None = None):
    p = cli("import", "samhsa-csv", str(csv), "--db", str(db), "--replace-source", keep=keep)
    assert p.returncode == 0, p.stderr
    return p


def test_rollback_after_a_bad_import_restores_the_previous_file_byte_for_byte(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove", "Hope Street Clinic"))
    rows_a, hash_a = services(db), digest(db)
    import_csv(db, write_csv(tmp_path / "b.csv", "Only Clinic Left"))
    rows_b, hash_b = services(db), digest(db)
    assert rows_b != rows_a

    p = cli("import", "--rollback", "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert services(db) == rows_a and digest(db) == hash_a
    assert "2 services" in p.stdout and "samhsa-csv 2" in p.stdout  # what was restored, with counts
    assert "again to undo" in p.stdout

    # The file the rollback replaced was kept: a second rollback undoes the first.
    p = cli("import", "--rollback", "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert services(db) == rows_b and digest(db) == hash_b


def test_every_import_keeps_the_file_it_replaced_with_a_summary(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    assert versions.list_versions(db) == []  # the first import replaced nothing
    hash_a = digest(db)
    import_csv(db, write_csv(tmp_path / "b.csv", "Bay Cove", "Casa Latina"))
    [kept] = versions.list_versions(db)
    assert digest(kept.path) == hash_a
    assert kept.info["services"] == 1 and kept.info["sources"][0]["name"] == "samhsa-csv"
    assert "import of samhsa-csv" in kept.info["replaced_by"]
    assert sorted(p.name for p in versions.versions_dir(db).iterdir()) == sorted([kept.path.name, kept.meta_path.name])


def test_versions_are_pruned_oldest_first_to_the_configured_number(tmp_path):
    db = tmp_path / "services.sqlite"
    for n in range(1, 6):  # the directory holds n services after import n
        import_csv(db, write_csv(tmp_path / f"{n}.csv", *[f"Clinic {i}" for i in range(n)]), keep=2)
    kept = versions.list_versions(db)
    assert [v.info["services"] for v in kept] == [3, 4]  # the two newest replaced files
    assert len(list(versions.versions_dir(db).iterdir())) == 4  # .sqlite + .json each, nothing else


def test_keep_zero_keeps_nothing_and_a_bad_setting_is_one_sentence(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"), keep=0)
    import_csv(db, write_csv(tmp_path / "b.csv", "Casa Latina"), keep=0)
    assert not versions.versions_dir(db).exists()
    before = digest(db)
    p = cli("import", "samhsa-csv", str(write_csv(tmp_path / "c.csv", "Nueva")), "--db", str(db), keep="lots")
    assert p.returncode == 1 and "HELPLINE_KEEP_VERSIONS='lots'" in p.stderr and "Traceback" not in p.stderr
    assert digest(db) == before


def test_rollback_with_nothing_kept_is_one_sentence_and_changes_nothing(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    before = digest(db)
    p = cli("import", "--rollback", "--db", str(db))
    assert p.returncode == 1
    assert p.stderr.strip().count("\n") == 0 and "no kept version to roll back to" in p.stderr
    assert str(db) in p.stderr and "Traceback" not in p.stderr
    assert digest(db) == before


def test_rollback_waits_for_no_one_while_an_import_holds_the_lock(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    import_csv(db, write_csv(tmp_path / "b.csv", "Casa Latina"))
    before, kept_before = digest(db), versions.list_versions(db)
    with open(db.with_name(db.name + ".lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a running import holds it
        p = cli("import", "--rollback", "--db", str(db))
    assert p.returncode == 1 and "another import into this directory is running" in p.stderr
    assert digest(db) == before and versions.list_versions(db) == kept_before


def test_rollback_usage_errors(tmp_path):
    db = tmp_path / "services.sqlite"
    p = cli("import", "samhsa-csv", "x.csv", "--rollback", "--db", str(db))
    assert p.returncode == 2 and "give it no FORMAT or SOURCE" in p.stderr
    p = cli("import", "--db", str(db))
    assert p.returncode == 2 and "needs a FORMAT and a SOURCE" in p.stderr


def test_a_failed_or_dry_run_import_keeps_no_version(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01 not an export")
    assert cli("import", "samhsa-csv", str(bad), "--db", str(db)).returncode == 1
    p = cli("import", "samhsa-csv", str(write_csv(tmp_path / "b.csv", "Casa")), "--db", str(db), "--dry-run")
    assert p.returncode == 0, p.stderr
    assert versions.list_versions(db) == []


def test_a_reader_with_the_old_file_open_keeps_reading_it_after_the_swap(db_path):
    first = [ServiceRecord(name="Bay Cove", source="t", source_key="1", row=1, city="Boston", state="MA")]
    second = [ServiceRecord(name="Casa Latina", source="t", source_key="2", row=1, city="Chelsea", state="MA")]
    run_import(db_path, first, source="t", format="test", origin="tests")
    reader = open_readonly(db_path)
    inode_read = os.stat(db_path).st_ino
    run_import(db_path, second, source="t", format="test", origin="tests", replace_source=True)
    assert reader.execute("SELECT name FROM services").fetchall() == [("Bay Cove",)]
    [kept] = versions.list_versions(db_path)
    # The reader's file is the kept version itself (a hard link to the same inode), not a copy.
    assert os.stat(kept.path).st_ino == inode_read != os.stat(db_path).st_ino
    assert sqlite3.connect(f"file:{kept.path}?mode=ro", uri=True).execute(
        "SELECT name FROM services").fetchall() == [("Bay Cove",)]
    reader.close()


def test_the_file_identity_changes_on_rollback_so_open_tuis_reload(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    import_csv(db, write_csv(tmp_path / "b.csv", "Casa Latina"))
    before = FileIdentity.of(db)
    assert cli("import", "--rollback", "--db", str(db)).returncode == 0
    assert FileIdentity.of(db) != before


def test_leftovers_of_a_killed_swap_are_not_versions_and_are_cleaned_by_the_next_import(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    import_csv(db, write_csv(tmp_path / "b.csv", "Casa Latina"))
    folder = versions.versions_dir(db)
    half = folder / "29991231T000000000000Z.sqlite"  # linked, killed before its summary was written
    half.write_bytes(b"half")
    (folder / ".tmp-29991231T000000000000Z.json").write_text("{")
    assert len(versions.list_versions(db)) == 1
    p = cli("import", "--rollback", "--db", str(db))  # must not pick the half-kept file
    assert p.returncode == 0, p.stderr
    assert [r[1] for r in services(db)] == ["Bay Cove"]
    assert not half.exists() and not (folder / ".tmp-29991231T000000000000Z.json").exists()


def test_rollback_json_reports_the_restored_version(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove", "Casa"))
    import_csv(db, write_csv(tmp_path / "b.csv", "Nueva"))
    p = cli("import", "--rollback", "--json", "--db", str(db))
    out = json.loads(p.stdout)
    assert out["rolled_back"] is True and out["services"] == 2 and out["kept_at"]


def test_migrate_with_nothing_to_do_keeps_no_version(tmp_path):
    db = tmp_path / "services.sqlite"
    import_csv(db, write_csv(tmp_path / "a.csv", "Bay Cove"))
    assert cli("migrate", "--db", str(db)).returncode == 0
    assert versions.list_versions(db) == []


def test_a_migration_keeps_the_file_it_upgraded(sample_db, monkeypatch):
    from helpline_tui.core import schema
    from helpline_tui.core.pipeline import migrate_file

    previous = schema.SCHEMA_VERSION - 1
    conn = sqlite3.connect(sample_db)
    conn.execute(f"PRAGMA user_version = {previous}")
    conn.commit()
    conn.close()
    old = digest(sample_db)
    monkeypatch.setitem(schema.MIGRATIONS, previous, lambda db: None)  # the file has the tables already
    assert migrate_file(sample_db) == [schema.SCHEMA_VERSION]
    [kept] = versions.list_versions(sample_db)
    assert digest(kept.path) == old and kept.info["replaced_by"] == "migrate" and kept.info["schema_version"] == previous


def test_rebuilding_the_demo_keeps_the_previous_directory(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert cli("demo", "build", "--size", "5", "--db", str(db)).returncode == 0
    first = digest(db)
    assert cli("demo", "build", "--size", "8", "--seed", "7", "--db", str(db)).returncode == 0
    [kept] = versions.list_versions(db)
    assert digest(kept.path) == first and kept.info["replaced_by"] == "demo build --size 8 --seed 7"
    assert not list(tmp_path.glob(".demo.sqlite.demo-build-*"))  # the scratch file and its lock are gone
