"""`helpline demo build` never replaces a real directory by accident, and cleans up after a
build that was killed. Real files, real processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from helpline_tui.core.safe_write import import_lock
from tests.conftest import ROOT, run_cli


def test_a_directory_with_imported_sources_is_not_replaced_without_force(sample_db):
    before = sample_db.read_bytes()
    p = run_cli("demo", "build", "--size", "5", "--db", str(sample_db))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert p.stderr.strip() == (f"helpline: {sample_db} holds imported sources (test) that a demo build would "
                                f"replace with fictional services; give --force to replace it anyway")
    assert sample_db.read_bytes() == before
    assert json.loads(run_cli("info", "--json", "--db", str(sample_db)).stdout)["demo"] is False

    p = run_cli("demo", "build", "--size", "5", "--db", str(sample_db), "--force")
    assert p.returncode == 0, p.stderr
    assert json.loads(run_cli("info", "--json", "--db", str(sample_db)).stdout)["demo"] is True


def test_a_demo_directory_is_rebuilt_without_force(tmp_path):
    db = tmp_path / "demo.sqlite"
    assert run_cli("demo", "build", "--size", "5", "--db", str(db)).returncode == 0
    p = run_cli("demo", "build", "--size", "9", "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert json.loads(run_cli("info", "--json", "--db", str(db)).stdout)["total"] == 9 + 3  # + national lines


def test_a_file_that_is_not_a_directory_is_not_replaced_without_force(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("call notes\n")
    p = run_cli("demo", "build", "--size", "5", "--db", str(notes))
    assert p.returncode == 1 and len(p.stderr.strip().splitlines()) == 1
    assert f"{notes} exists and is not a helpline directory; give --force" in p.stderr
    assert notes.read_text() == "call notes\n"


def test_a_running_import_makes_demo_build_fail_in_one_sentence(tmp_path):
    db = tmp_path / "demo.sqlite"
    with import_lock(db):
        p = run_cli("demo", "build", "--size", "5", "--db", str(db))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "another import into this directory is running" in p.stderr and not db.exists()


def test_the_next_build_removes_what_a_killed_build_left(tmp_path):
    db = tmp_path / "demo.sqlite"
    build = subprocess.Popen([sys.executable, "-m", "helpline_tui", "demo", "build", "--size", "300000",
                              "--db", str(db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Wait (without a time limit on the test's answer) until the build is writing its scratch copy.
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("..demo.sqlite.demo-build-*")) and build.poll() is None:
            assert time.monotonic() < deadline, "the demo build never started writing"
            time.sleep(0.05)
    finally:
        build.send_signal(signal.SIGKILL)
        build.wait()
    left = sorted(p.name for p in tmp_path.glob("*demo.sqlite.demo-build-*"))
    assert left and not db.exists(), left  # the killed build's scratch copy and lock

    p = run_cli("demo", "build", "--size", "5", "--db", str(db))
    assert p.returncode == 0, p.stderr
    assert not list(tmp_path.glob("*demo.sqlite.demo-build-*"))
    assert json.loads(run_cli("doctor", "--json", "--db", str(db)).stdout)["healthy"] is True
