"""A dry run says what the real run would do: what it would refuse, it refuses the same way (exit 1,
the same sentence, nothing changed), and its summary speaks of the directory it would leave."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import run_cli

HEADER = "name1,name2,street1,street2,city,state,zip,phone,latitude,longitude,sp\n"


def write_csv(path: Path, count: int) -> Path:
    rows = [f"Clinic {n},,{n} Main St,,Boston,MA,02118,617-555-{n:04d},42.34,-71.07,\n" for n in range(count)]
    path.write_text(HEADER + "".join(rows))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def thirty(tmp_path) -> tuple[Path, Path]:
    """A directory whose source 'boston' holds 30 records; its export then shrinks to 2."""
    db, export = tmp_path / "services.sqlite", tmp_path / "boston.csv"
    write_csv(export, 30)
    p = run_cli("import", "samhsa-csv", str(export), "--db", str(db), "--source-name", "boston")
    assert p.returncode == 0, p.stderr
    write_csv(export, 2)
    return db, export


def test_import_dry_run_refuses_a_mass_removal_as_the_real_run_does(thirty):
    db, export = thirty
    before = sha(db)
    args = ("import", "samhsa-csv", str(export), "--db", str(db), "--source-name", "boston", "--replace-source")
    real = run_cli(*args)
    dry = run_cli(*args, "--dry-run")
    assert real.returncode == dry.returncode == 1, dry.stdout
    assert dry.stdout == ""
    assert "would remove 28 of the 30 records of source 'boston'" in dry.stderr
    assert dry.stderr == real.stderr and len(dry.stderr.strip().splitlines()) == 1
    assert sha(db) == before
    confirmed = run_cli(*args, "--dry-run", "--allow-mass-removal", "--json")
    assert confirmed.returncode == 0, confirmed.stderr
    assert json.loads(confirmed.stdout)["removed"] == 28
    assert sha(db) == before


def test_refresh_dry_run_refuses_a_mass_removal_as_the_real_run_does(thirty):
    db, _ = thirty
    before = sha(db)
    dry = run_cli("refresh", "--db", str(db), "--replace-source", "--dry-run")
    assert dry.returncode == 1 and dry.stdout == ""
    assert "refreshing 'boston'" in dry.stderr and "add --allow-mass-removal" in dry.stderr
    assert sha(db) == before


def test_dry_run_summary_says_would_hold(thirty):
    db, export = thirty
    dry = run_cli("import", "samhsa-csv", str(export), "--db", str(db), "--source-name", "boston",
                  "--replace-source", "--allow-mass-removal", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "directory would hold 2 services" in dry.stdout and "now holds" not in dry.stdout
    real = run_cli("import", "samhsa-csv", str(export), "--db", str(db), "--source-name", "boston",
                   "--replace-source", "--allow-mass-removal")
    assert "directory now holds 2 services" in real.stdout
