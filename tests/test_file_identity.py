"""Every writer that swaps the directory file in (import, refresh, rollback, migrate, doctor --repair,
demo build) keeps who may read it: its mode whatever the umask, its owner where permitted (as root),
and a symlinked `--db` stays a symlink with the new data in the file it names. Kept versions are no
more readable than the directory."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from helpline_tui import cli
from helpline_tui.core import schema, versions
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from tests.conftest import run_cli, sample_records

CSV_HEADER = "name1,street1,city,state,zip\n"
AS_ROOT = os.geteuid() == 0
NOBODY = 65534  # another user's file, which root imports into


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@contextlib.contextmanager
def umask(value: int):
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def total(db: Path) -> int:
    conn = open_readonly(db)
    try:
        return conn.execute("SELECT count(*) FROM services").fetchone()[0]
    finally:
        conn.close()


def write_csv(path: Path, *names: str) -> Path:
    path.write_text(CSV_HEADER + "".join(f"{n},{i} Main St,Boston,MA,02118\n" for i, n in enumerate(names, 1)))
    return path


def _import(real: Path, tmp: Path) -> None:
    run_import(real, sample_records(), source="test", format="test", origin="tests")


def _with_csv_source(real: Path, tmp: Path) -> None:
    assert cli.main(["import", "samhsa-csv", str(write_csv(tmp / "export.csv", "Harbor House")), "--db", str(real)]) == 0
    write_csv(tmp / "export.csv", "Harbor House", "Bay Cove Detox")  # refresh will find one more


def _older_schema(real: Path, tmp: Path) -> None:
    _import(real, tmp)
    conn = sqlite3.connect(real)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()


def _wrong_counts(real: Path, tmp: Path) -> None:
    _import(real, tmp)
    conn = sqlite3.connect(real)
    conn.execute("UPDATE sources SET records = 99")
    conn.commit()
    conn.close()


# writer: (how the directory is prepared, the command run through the symlink)
WRITERS = {
    "import": (_import, lambda tmp: ["import", "samhsa-csv", str(write_csv(tmp / "more.csv", "Harbor House"))]),
    "refresh": (_with_csv_source, lambda tmp: ["refresh"]),
    "rollback": (_with_csv_source, lambda tmp: ["import", "--rollback"]),
    "migrate": (_older_schema, lambda tmp: ["migrate"]),
    "doctor --repair": (_wrong_counts, lambda tmp: ["doctor", "--repair"]),
    "demo build": (_import, lambda tmp: ["demo", "build", "--size", "5", "--force"]),
}


@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_swap_keeps_mode_owner_and_symlink(writer, tmp_path, monkeypatch):
    prepare, command = WRITERS[writer]
    real = tmp_path / "real" / "services.sqlite"
    real.parent.mkdir()
    if writer == "migrate":  # the file has the tables already: the step only moves the version on
        monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, lambda db: None)
    if writer == "rollback":
        prepare(real, tmp_path)
        assert cli.main(["refresh", "--db", str(real)]) == 0  # a version to roll back to
    else:
        prepare(real, tmp_path)
    link = tmp_path / "services.sqlite"
    link.symlink_to(real)
    os.chmod(real, 0o640)
    if AS_ROOT:
        os.chown(real, NOBODY, NOBODY)
    before = os.stat(real)

    with umask(0o022):  # the default umask would make a new file 0644
        assert cli.main([*command(tmp_path), "--db", str(link)]) == 0

    assert link.is_symlink() and os.readlink(link) == str(real), "the symlink was replaced by a file"
    after = os.stat(real)
    assert after.st_ino != before.st_ino, "the real file was not swapped"
    assert mode(real) == 0o640
    if AS_ROOT:
        assert (after.st_uid, after.st_gid) == (NOBODY, NOBODY)
    kept_folder = versions.versions_dir(real)
    assert not versions.versions_dir(link).exists()  # versions are kept beside the real file
    assert mode(kept_folder) & 0o007 == 0, oct(mode(kept_folder))  # others cannot list the kept files
    assert {mode(p) for p in kept_folder.glob("*.json")} == {0o640}


def test_an_import_under_umask_077_keeps_a_0644_directory_readable_by_its_readers(sample_db, tmp_path):
    os.chmod(sample_db, 0o644)
    with umask(0o077):
        p = run_cli("import", "samhsa-csv", str(write_csv(tmp_path / "e.csv", "Harbor House")), "--db", str(sample_db))
    assert p.returncode == 0, p.stderr
    assert mode(sample_db) == 0o644 and total(sample_db) == 8


def test_an_import_into_a_0600_directory_keeps_it_and_its_versions_private(sample_db, tmp_path):
    os.chmod(sample_db, 0o600)
    p = run_cli("import", "samhsa-csv", str(write_csv(tmp_path / "e.csv", "Harbor House")), "--db", str(sample_db),
                "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["added"] == 1
    assert mode(sample_db) == 0o600
    folder = versions.versions_dir(sample_db)
    assert mode(folder) == 0o700
    assert {mode(p) for p in folder.iterdir()} == {0o600}


def test_a_dangling_symlink_is_followed_to_the_file_it_names(tmp_path):
    real = tmp_path / "real" / "services.sqlite"
    real.parent.mkdir()
    link = tmp_path / "services.sqlite"
    link.symlink_to(real)
    run_import(link, sample_records(), source="test", format="test", origin="tests")
    assert link.is_symlink() and total(real) == 7


async def test_an_interface_open_on_the_real_file_reloads_after_an_import_through_the_symlink(tmp_path, monkeypatch):
    from helpline_tui.config import Config
    from helpline_tui.core.records import ServiceRecord
    from helpline_tui.ui.app import HelplineApp
    from tests.ui.conftest import reloaded, settle

    monkeypatch.setenv("HELPLINE_CONFIG", str(tmp_path / "no-config.toml"))
    real = tmp_path / "real" / "services.sqlite"
    real.parent.mkdir()
    run_import(real, sample_records(), source="test", format="test", origin="tests")
    link = tmp_path / "services.sqlite"
    link.symlink_to(real)
    app = HelplineApp(real, config=Config(referral_folder=tmp_path / "slips"), blink_cursor=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        active = app.directory.summary.total
        generation = app.directory.generation
        run_import(link, [ServiceRecord(name="Harbor House", source="more", source_key="h", row=1, city="Boston",
                                        state="MA", zip="02118", needs=["housing"], languages=["en"])],
                   source="more", format="test", origin="tests")
        assert await reloaded(pilot, app, generation), "the handler's screen kept the old directory"
        assert app.directory.summary.total == active + 1
