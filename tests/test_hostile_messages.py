"""Source text quoted in errors and skip reasons cannot drive the terminal (found by the fuzz
suite, tests/fuzz): ESC and other control characters are shown escaped, and the sentence stays one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline_tui.cli import main
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import SkippedRow, SourceError


def test_an_error_quoting_an_escape_sequence_shows_it_escaped(tmp_path: Path, capsys):
    source = tmp_path / "export.csv"
    name = "North Suffolk Community Services Chelsea Counseling Center at 301 Broadway"  # a file, not binary
    source.write_text(f"name1,zip,latitude\n{name},02150,\x1b[2J\n{name},02150,north\n",
                      encoding="utf-8")
    db = tmp_path / "services.sqlite"

    assert main(["import", "samhsa-csv", str(source), "--db", str(db)]) == 1

    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\\x1b[2J" in err and "export.csv, row 2, field 'latitude'" in err
    assert err.count("\n") == 1
    assert not db.exists()


def test_a_skip_reason_with_control_characters_is_printed_escaped(tmp_path: Path, capsys):
    source = tmp_path / "export.csv"
    source.write_text("name1,zip,latitude\nHope House,02150,42.1\nOther,02150,\x9b31m\n", encoding="utf-8")
    db = tmp_path / "services.sqlite"

    assert main(["import", "samhsa-csv", str(source), "--db", str(db)]) == 0

    out = capsys.readouterr().out
    assert "skipped row 3, field 'latitude': '\\x9b31m' is not a number" in out
    assert "\x9b" not in out


def test_source_errors_and_skips_escape_controls_and_line_breaks(tmp_path: Path):
    error = SourceError("feed.json", "the API said 'bad\nline\x1b[0m'", row=4, field="name")
    assert str(error) == "feed.json, row 4, field 'name': the API said 'bad line\\x1b[0m'"
    assert SkippedRow(row=1, reason="'\x1b]8;;x' is odd").reason == "'\\x1b]8;;x' is odd"
    with pytest.raises(SourceError, match=r"^feed\\x1b\.json: the source holds no records$"):
        run_import(tmp_path / "services.sqlite", [], source="s", format="f", origin="feed\x1b.json")


def test_a_place_with_an_escape_sequence_is_quoted_back_escaped(sample_db: Path):
    from helpline_tui.core.directory import open_readonly
    from helpline_tui.core.search import Filters, FilterError, search

    with pytest.raises(FilterError) as caught:
        search(open_readonly(sample_db), "", Filters(near="\x1b]0;owned\x07"))
    assert "\x1b" not in str(caught.value) and "\\x1b]0;owned\\x07" in str(caught.value)
