"""The one display rule (core/display.py) on the command line and in slips: a directory whose stored
fields hold escapes (an older version's, another tool's) prints no control character in the
table, `info` or a slip, and its `--json` stays one line per answer for readers that split lines."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from helpline_tui.cli import main
from helpline_tui.core import referral
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.display import display_text, json_line
from tests.conftest import ROOT
from tests.hostile_terminal import STORED_ESCAPES, TERMINAL_CONTROLS, poison


@pytest.fixture
def poisoned_db(sample_db: Path) -> Path:
    poison(sample_db)
    return sample_db


def test_the_table_info_and_errors_show_stored_escapes_escaped(poisoned_db: Path, capsys):
    assert main(["search", "yonkers", "--db", str(poisoned_db)]) == 0
    table = capsys.readouterr().out
    assert not TERMINAL_CONTROLS.search(table.replace("\n", ""))
    assert "Yonkers Comprehensive Treatment Center\\x1b]0;T\\x07\\x1b[2J\\x9b2J \\u202e" in table
    assert "914-555-0102" in table

    assert main(["info", "--db", str(poisoned_db)]) == 0
    info = capsys.readouterr().out
    assert not TERMINAL_CONTROLS.search(info.replace("\n", "")) and "source test\\x1b]0;T\\x07" in info

    # refresh quotes the source's name and where it was imported from in its error
    assert main(["refresh", "--db", str(poisoned_db)]) == 0
    err = capsys.readouterr().err
    assert "source 'test\\x1b]0;T\\x07" in err and not TERMINAL_CONTROLS.search(err.replace("\n", ""))


def test_json_answers_keep_the_data_and_stay_one_line(poisoned_db: Path, capsys):
    assert main(["search", "yonkers", "--json", "--db", str(poisoned_db)]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1  # U+2028 and \x85 are line ends to str.splitlines
    assert not TERMINAL_CONTROLS.search(out.rstrip("\n"))
    names = [hit["name"] for hit in json.loads(out)["results"]]
    assert "Yonkers Comprehensive Treatment Center" + STORED_ESCAPES in names  # the data, unchanged

    assert main(["info", "--json", "--db", str(poisoned_db)]) == 0
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 and not TERMINAL_CONTROLS.search(out.rstrip("\n"))


def test_slips_carry_no_control_characters(poisoned_db: Path):
    conn = open_readonly(poisoned_db)
    records = [get_record(conn, rid) for (rid,) in conn.execute("SELECT id FROM services")]
    note = "call back\x1b[2J\u2028tomorrow"
    text = referral.slip_text(records, "en", note)
    page = referral.slip_html(records, "es", note)
    for slip in (text, page):
        assert not TERMINAL_CONTROLS.search(slip.replace("\n", ""))
    assert "Yonkers Comprehensive Treatment Center\\x1b]0;T\\x07" in text and "call back\\x1b[2J tomorrow" in text
    assert "<script" not in page and "\\x1b]0;T\\x07\\x1b[2J\\x9b2J \\u202e" in page


@pytest.mark.parametrize(("value", "multiline", "shown"), [
    ("\x1b]52;c;eA==\x07Hi", False, "\\x1b]52;c;eA==\\x07Hi"),
    ("a\u2028b\u2029c\x85d\r\ne\rf", False, "a b c d e f"),
    ("a\u2028b\u2029c\r\nd", True, "a\nb\nc\nd"),
    ("tab\there", False, "tab here"),
    ("\u202e9910-555-009", False, "\\u202e9910-555-009"),
    ("Clínica [bold]Esperanza[/] 👩‍⚕️", False, "Clínica [bold]Esperanza[/] 👩‍⚕️"),
])
def test_the_display_rule(value: str, multiline: bool, shown: str):
    assert display_text(value, multiline=multiline) == shown
    assert display_text(shown, multiline=multiline) == shown  # shown twice, the same


def test_json_lines_escape_what_json_dumps_leaves():
    line = json_line({"name": "a\u2028b\x9b31m\x7f"})
    assert line == '{"name": "a\\u2028b\\u009b31m\\u007f"}' and json.loads(line) == {"name": "a\u2028b\x9b31m\x7f"}


def test_the_cli_prints_only_through_the_display_rule():
    """Every print in the CLI is a line for a person through display_text, or JSON through json_line;
    the only exception is the progress counter, which prints a number."""
    unsafe = []
    modules = sorted((ROOT / "helpline_tui" / "cli").glob("*.py"))
    assert len(modules) > 1  # the command's modules, not an empty glob
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                first = node.args[0] if node.args else None
                through = isinstance(first, ast.Call) and getattr(first.func, "id", None) in ("display_text", "json_line")
                progress = any(k.arg == "end" for k in node.keywords)
                if not (through or progress):
                    unsafe.append(f"{module.name}:{node.lineno}")
    assert not unsafe, f"the CLI prints around the display rule at {unsafe}"
