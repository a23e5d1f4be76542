"""Crash safety of real imports: `kill -9` at many moments, and two imports at once.

The import runs as `python -m helpline_tui import ...` in a subprocess on a synthetic SAMHSA export
big enough to take a second or so; bench/crash_import.py does the same with more rows and more
kill points and prints the figures.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.support.crash_harness import (check_directory, finish_cleanly, import_argv, kill_during_staging, kill_once,
                                         kill_points, prepare, restore_base, sha256, temp_files)

KILL_POINTS = 8


@pytest.fixture(scope="module")
def crash_fixture(tmp_path_factory):
    return prepare(tmp_path_factory.mktemp("crash"), rows=1200)


def test_sigkill_at_any_moment_leaves_the_directory_whole_and_the_next_import_cleans_up(crash_fixture):
    fixture = crash_fixture
    restore_base(fixture)
    before = fixture.before_hash
    results = [kill_once(fixture, point) for point in kill_points(fixture.run_seconds, KILL_POINTS)]
    # kill_once checked after every kill that the directory was byte-for-byte the old one, or (a kill
    # that came after the swap) the complete new one, and that it opened and answered a search.
    assert sum(r.killed and r.outcome == "unchanged" for r in results) >= KILL_POINTS // 2, results
    assert any(r.killed and r.temp_bytes for r in results), "no kill landed while the private copy was written"
    base_size = fixture.base_copy.stat().st_size
    assert any(r.killed and r.temp_bytes > base_size for r in results), "no kill landed after the copy grew"
    assert sha256(fixture.db) == before
    kill_during_staging(fixture.source, fixture.db)
    assert sha256(fixture.db) == before
    leftovers, remaining = finish_cleanly(fixture)
    assert leftovers >= 1 and remaining == 0, "temporary files of killed imports were left behind"
    assert check_directory(fixture) == "replaced"


def test_a_killed_first_import_leaves_no_directory_file(crash_fixture, tmp_path):
    db = tmp_path / "fresh.sqlite"
    kill_during_staging(crash_fixture.source, db)
    assert temp_files(db), "the kill left no private copy: it did not land during the import"
    # Readers see no directory rather than half of one (the next import cleaning the copy up is
    # the first test's last step).
    assert not db.exists(), "a killed first import left a directory file"


def test_a_second_import_while_one_runs_is_refused_in_one_sentence_and_corrupts_nothing(crash_fixture):
    fixture = crash_fixture
    restore_base(fixture)
    db: Path = fixture.db
    first = subprocess.Popen(import_argv(fixture.source, db), cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not temp_files(db, first.pid) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # the private copy exists only while the first import holds the lock
        assert first.poll() is None, "the first import finished before the second could start"
        # Paused while it holds the lock, so the second meets it however busy the machine is.
        first.send_signal(signal.SIGSTOP)
        try:
            second = subprocess.run(import_argv(fixture.source, db), cwd=ROOT, capture_output=True, text=True,
                                    timeout=120)
        finally:
            first.send_signal(signal.SIGCONT)
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert second.returncode == 1
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "another import into this directory is running" in lines[0], lines
    assert str(db) in lines[0] and "Traceback" not in second.stderr
    assert first.returncode == 0, err
    conn_total = check_directory_total(db)
    assert conn_total == fixture.after_total


def check_directory_total(db: Path) -> int:
    from helpline_tui.core.directory import open_readonly

    conn = open_readonly(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT count(*) FROM services").fetchone()[0]
    finally:
        conn.close()
