"""Hostile files the fuzz suite (tests/fuzz) found crashing the import: each is now one clear
sentence naming the file, exit code 1, the directory untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

import importers
from helpline_tui.cli import main

NESTED = b"[" * 50_000 + b"]" * 50_000
CASES = [
    ("meeting-guide", "feed.json", b'[{"name": "Deep", "day": 1, "time": "19:00", "types": ' + NESTED + b"}]",
     "nested too deeply"),
    ("samhsa-json", "api.json", b'{"rows": [{"name1": "Big", "latitude": 1' + b"0" * 5000 + b"}]}",
     "number too long"),
    ("hsds", "services.json", b'{"id": "1", "name": "Big", "minimum_age": 1' + b"0" * 5000 + b"}",
     "number too long"),
    ("hsds", "services.json", b'{"id": "1", "name": "Deep", "phones": ' + NESTED + b"}", "nested too deeply"),
]


@pytest.mark.parametrize("fmt, name, content, expected", CASES,
                         ids=["meetings-nested", "samhsa-json-long-number", "hsds-long-number", "hsds-nested"])
def test_deeply_nested_or_huge_number_json_is_refused_in_one_sentence(tmp_path: Path, capsys, fmt, name,
                                                                       content, expected):
    source = tmp_path / name
    source.write_bytes(content)
    db = tmp_path / "services.sqlite"

    assert main(["import", fmt, str(source), "--db", str(db)]) == 1

    err = capsys.readouterr().err
    assert err.startswith(f"helpline: {source}: ") and expected in err and err.count("\n") == 1
    assert not db.exists()


def test_auto_detects_the_format_of_a_second_source_in_the_same_process(tmp_path: Path):
    feed = tmp_path / "feed.json"
    feed.write_text('[{"name": "Grupo Esperanza", "day": 2, "time": "19:00", "types": ["S"], "slug": "g"}]')
    export = tmp_path / "export.csv"
    export.write_text("name1,zip\nHope House,02150\n")

    assert importers.detect(str(feed)) == "meeting-guide"
    assert importers.detect(str(export)) == "samhsa-csv"
