"""The test harness itself (tests/support/): the command run in-process answers exactly as the real
process does, and a copied directory is the directory its build made, each copy its own."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.search import search
from tests.support.cli import run_cli, run_cli_process


@pytest.mark.parametrize("args", [
    ("search", "metadona", "--json"),                       # an answer
    ("search", "methadone", "--near", "Atlantis, ZZ"),      # a failure: one sentence, exit 1
    ("search", "methadone", "--radius", "far"),             # a usage error: argparse, exit 2
    ("info",),
], ids=["answer", "failure", "usage-error", "info"])
def test_the_command_in_process_answers_as_the_real_process(sample_db: Path, args):
    argv = (*args, "--db", str(sample_db))
    in_process, real = run_cli(*argv), run_cli_process(*argv)
    assert (in_process.returncode, untimed(in_process.stdout), in_process.stderr) == \
           (real.returncode, untimed(real.stdout), real.stderr)


def untimed(text: str) -> str:
    return re.sub(r'"elapsed_ms": [0-9.]+', '"elapsed_ms": _', text)


def test_http_settings_given_in_env_apply_in_process_and_are_put_back(sample_db: Path):
    from helpline_tui.core import settings

    before = settings.HTTP_TIMEOUT.read()
    seen = []
    real_main = __import__("helpline_tui.cli", fromlist=["main"]).main

    def spy(argv):
        seen.append(settings.HTTP_TIMEOUT.read())
        return real_main(argv)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("helpline_tui.cli.main", spy)
        run_cli("info", "--db", str(sample_db), env={"HELPLINE_HTTP_TIMEOUT": "0.25"})
    assert seen == [0.25] and settings.HTTP_TIMEOUT.read() == before


def test_each_copy_of_a_built_directory_is_a_whole_directory_of_its_own(sample_db: Path, tmp_path, built_directories):
    other = built_directories.copy("sample", lambda path: pytest.fail("built twice"), tmp_path / "other.sqlite")
    ids = []
    for path in (sample_db, other):
        conn = open_readonly(path)
        assert search(conn, "yonkers").total > 0
        assert conn.execute("SELECT count(*) FROM zip_centroids").fetchone()[0] > 40_000
        ids.append(conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()[0])
        conn.close()
    assert ids[0] != ids[1]  # caches keyed by the index id never mix two tests' files
    with sqlite3.connect(other) as conn:
        conn.execute("DELETE FROM services")
    conn.close()
    assert search(open_readonly(sample_db), "yonkers").total > 0


def test_a_new_directory_gets_the_same_zip_tables_as_the_real_fill(tmp_path):
    from helpline_tui.core import geo, zones
    from helpline_tui.core.pipeline import run_import
    from tests.conftest import sample_records

    db = tmp_path / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    conn = open_readonly(db)
    centroids = conn.execute("SELECT * FROM zip_centroids ORDER BY zip").fetchall()
    zip_zones = conn.execute("SELECT * FROM zip_zones ORDER BY zip").fetchall()
    conn.close()
    assert centroids == sorted(geo.centroid_rows())
    assert zip_zones == sorted(zones.zip_zone_rows())
