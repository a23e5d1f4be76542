"""HELPLINE_* environment variables (helpline_tui/core/settings.py): each read when needed, under one
rule. A value a setting does not take ends a writing command in one sentence naming the variable,
exit 1, the directory byte-for-byte unchanged; before, most were silently replaced by the default
(an admin's HELPLINE_HTTP_DEADLINE=5s waited 35 s)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from helpline_tui.core import settings
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parents[1]

# (variable, a value it does not take): not a number, and just past its bound.
BAD_VALUES = [
    ("HELPLINE_KEEP_VERSIONS", "lots"), ("HELPLINE_KEEP_VERSIONS", "-1"),
    ("HELPLINE_IMPORT_WORKERS", "two"), ("HELPLINE_IMPORT_WORKERS", "-1"),
    ("HELPLINE_IMPORT_PART_BYTES", "1MB"), ("HELPLINE_IMPORT_PART_BYTES", "0"),
    ("HELPLINE_HTTP_TIMEOUT", "30s"), ("HELPLINE_HTTP_TIMEOUT", "0"),
    ("HELPLINE_HTTP_BACKOFF", "soon"), ("HELPLINE_HTTP_BACKOFF", "-1"),
    ("HELPLINE_HTTP_DEADLINE", "5s"), ("HELPLINE_HTTP_DEADLINE", "0"),
    ("HELPLINE_HTTP_DOWNLOAD_DEADLINE", "nan"), ("HELPLINE_HTTP_DOWNLOAD_DEADLINE", "-5"),
    ("HELPLINE_HTTP_MAX_BYTES", "200MB"), ("HELPLINE_HTTP_MAX_BYTES", "0"),
    ("HELPLINE_HTTP_MAX_RATIO", "lots"), ("HELPLINE_HTTP_MAX_RATIO", "0.5"),
    ("HELPLINE_HTTP_MAX_PAGES", "1e3"), ("HELPLINE_HTTP_MAX_PAGES", "0"),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_setting_that_can_be_wrong_is_tried():
    can_be_wrong = {s.name for s in settings.ALL if s not in (settings.DB, settings.CONFIG, settings.HSDS_RESOURCE_HOSTS)}
    assert {name for name, _ in BAD_VALUES} == can_be_wrong


@pytest.mark.parametrize("name, value", BAD_VALUES)
def test_a_bad_value_ends_an_import_in_one_sentence_naming_it(sample_db: Path, tmp_path: Path, monkeypatch, name, value):
    export = tmp_path / "export.csv"
    export.write_text("name1,city,state,zip\nBay Cove,Boston,MA,02114\n")
    monkeypatch.setenv(name, value)
    before = digest(sample_db)
    p = run_cli("import", "samhsa-csv", str(export), "--db", str(sample_db))
    assert p.returncode == 1, p.stderr
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr
    assert p.stderr.startswith(f"helpline: {name}='{value}' is not "), p.stderr
    assert digest(sample_db) == before


def test_unset_or_blank_is_the_default_and_a_good_value_is_read_when_needed(monkeypatch):
    monkeypatch.setenv("HELPLINE_HTTP_MAX_PAGES", " ")
    assert settings.HTTP_MAX_PAGES.read() == 10_000
    from importers.http import Downloader, PageBounds

    monkeypatch.setenv("HELPLINE_HTTP_MAX_PAGES", "7")
    monkeypatch.setenv("HELPLINE_HTTP_TIMEOUT", "2.5")
    with Downloader(progress=False) as downloader:
        assert downloader.read_timeout == 2.5 and downloader.connect_timeout == 2.5
    assert PageBounds().limit == 7


def test_the_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = re.findall(r"^\| `(HELPLINE_[A-Z_]+)", readme, re.M)
    assert {s.name for s in settings.ALL} <= set(table)
