"""A damaged directory file: every reader (search, info, the TUI's launch) refuses it in one sentence
that ends with the command saying what to do, and that command does."""

from __future__ import annotations

import os
import re
import shlex
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli


@pytest.fixture
def truncated(sample_db, tmp_path) -> Path:
    damaged = tmp_path / "dmg.sqlite"
    shutil.copyfile(sample_db, damaged)
    os.truncate(damaged, damaged.stat().st_size // 2)
    return damaged


@pytest.mark.parametrize("command", [("search", "methadone"), ("info",), ("info", "--json"), ()],
                         ids=["search", "info", "info-json", "tui-launch"])
def test_readers_point_to_doctor(truncated, command):
    before = truncated.read_bytes()
    p = run_cli(*command, "--db", str(truncated))
    assert p.returncode == 1 and p.stdout == "" and "Traceback" not in p.stderr
    assert p.stderr.strip() == (f"helpline: {truncated} is not a helpline directory (database disk image is "
                                f"malformed); `helpline doctor --db {truncated}` says what to do")
    assert truncated.read_bytes() == before


def test_the_pointer_names_a_command_that_says_what_to_do(truncated):
    p = run_cli("search", "x", "--db", str(truncated))
    pointed = shlex.split(re.search(r"`helpline (doctor [^`]+)`", p.stderr)[1])
    doctor = run_cli(*pointed)
    assert doctor.returncode == 1 and "UNHEALTHY" in doctor.stdout and "re-import" in doctor.stdout


def test_a_file_that_is_not_a_database_points_to_doctor_too(tmp_path):
    notes = tmp_path / "notes.sqlite"
    notes.write_text("shopping list\n" * 200)
    p = run_cli("info", "--db", str(notes))
    assert p.returncode == 1
    assert p.stderr.strip().endswith(f"(file is not a database); `helpline doctor --db {notes}` says what to do")
