"""Text from sources at import (issues 13 and 14): HTML is reduced to what a browser shows by a real
parser (style, script and comments dropped, line breaks at br, p, div and li), and U+2028/U+2029
line separators become line breaks, so no name carries one into a reader that splits lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpline_tui.cli import main
from helpline_tui.core.cleaning import clean_text
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.hostile_terminal import write_hostile_export


@pytest.mark.parametrize(("source", "text"), [
    ("<style>p{color:red}</style>Hello", "Hello"),
    ("<script>alert('x')</script>Open daily", "Open daily"),
    ("<!-- a > b -->Hi", "Hi"),
    ("<<script>script>alert(1)</script>Walk-ins", "<Walk-ins"),
    ("<STYLE type='text/css'>.x{}</STYLE><b>Intake</b> &amp; <i>detox</i>", "Intake & detox"),
    ("&lt;script&gt;alert(1)&lt;/script&gt;Call first", "Call first"),  # escaped markup, unescaped first
    ("Ages <18 welcome, x<y", "Ages <18 welcome, x<y"),  # a "<" that begins no tag is text
])
def test_html_becomes_the_text_a_browser_shows(source: str, text: str):
    assert clean_text(source) == text


def test_line_breaks_of_markup_are_kept_in_multiline_text():
    assert clean_text("<p>Mon<br>Tue<br/>Wed</p><div>Notes</div><ul><li>one</li><li>two</li></ul>",
                      multiline=True) == "Mon\nTue\nWed\n\nNotes\n\none\n\ntwo"


def test_line_separators_are_line_breaks_or_spaces():
    assert clean_text("Tidewater\u2028Counseling\u2029Center") == "Tidewater Counseling Center"
    assert clean_text("Mon 9-5\u2028Tue 9-5", multiline=True) == "Mon 9-5\nTue 9-5"


def test_a_description_full_of_markup_is_stored_as_its_text(db_path: Path):
    rec = ServiceRecord(name="Harbor House", source="t", row=1, city="Boston", state="MA", zip="02118",
                        description="<style>p{color:red}</style><!-- a > b --><p>Walk-ins<script>steal()</script>"
                                    " welcome</p><<script>script>x</script>")
    run_import(db_path, [rec], source="t", format="t", origin="x")
    conn = open_readonly(db_path)
    (rid,) = conn.execute("SELECT id FROM services").fetchone()
    assert get_record(conn, rid)["description"] == "Walk-ins welcome\n<"


def test_a_name_with_line_separators_is_one_line_everywhere(tmp_path: Path, capsys):
    db = tmp_path / "services.sqlite"
    assert main(["import", "samhsa-csv", str(write_hostile_export(tmp_path / "locator.csv")), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["search", "tidewater", "--db", str(db)]) == 0
    assert "  1. Tidewater Counseling Center\n" in capsys.readouterr().out
    assert main(["search", "tidewater", "--json", "--db", str(db)]) == 0
    hit = json.loads(capsys.readouterr().out)["results"][0]
    assert (hit["name"], hit["street"]) == ("Tidewater Counseling Center", "3 Dock Sq, Suite 5")
