"""Nothing a source brings reaches the handler's terminal as a control character: the
real app, driven by the keyboard, on a record imported from a hostile locator export, and on a
directory whose stored fields hold escapes (an older version's, or another tool's), through every
screen a handler visits during a call."""

from __future__ import annotations

from pathlib import Path

from helpline_tui.cli import main
from helpline_tui.config import Config
from tests.hostile_terminal import FAKE_PHONE, REAL_PHONE, TERMINAL_CONTROLS, poison, write_hostile_export
from tests.ui.conftest import build_directory, open_service, settle, type_text

SIZE = (100, 50)


def rendered(app) -> str:
    """Everything on the terminal, every character of it, notices included (rows joined by newlines)."""
    return "\n".join("".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips())


def assert_no_controls(app, where: str) -> str:
    text = rendered(app)
    found = sorted({repr(ch) for ch in TERMINAL_CONTROLS.findall(text)})
    assert not found, f"{where}: control characters reach the terminal: {', '.join(found)}"
    return text


async def test_a_hostile_locator_record_is_shown_with_its_escapes_made_visible(make_app, tmp_path: Path):
    db = tmp_path / "services.sqlite"
    export = write_hostile_export(tmp_path / "locator.csv")
    assert main(["import", "samhsa-csv", str(export), "--db", str(db)]) == 0
    app = make_app(db=db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_service(pilot, "harbor light")
        top = assert_no_controls(app, "detail page")
        main_line = next(line for line in top.splitlines() if line.strip().startswith("Main"))
        assert REAL_PHONE in main_line
        assert top.count(FAKE_PHONE) == top.count("\\x1b[8;18H" + FAKE_PHONE)  # only as the source's text
        await pilot.press("end")  # the source record, as imported, is at the page's end
        await settle(pilot)
        bottom = " ".join(assert_no_controls(app, "source record").split())  # wrapped lines joined
        assert "intake_prompt: \\x1b]52;c;" in bottom and "\\x1b]0;HACKED TITLE\\x07" in bottom
        assert "\\x1b7\\x1b[8;18H" + FAKE_PHONE + "\\x1b8Press 1 for intake" in bottom


async def test_every_screen_of_a_call_keeps_stored_escapes_off_the_terminal(make_app, tmp_path: Path):
    db = build_directory(tmp_path / "dir\x1b]0;T\x07.sqlite")  # a file name is shown in the header
    poison(db)
    app = make_app(db=db, config=Config(referral_folder=tmp_path / "slips\x1b[2J"))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        assert_no_controls(app, "start")
        await type_text(pilot, "yonkers")
        await settle(pilot)
        assert_no_controls(app, "results and status line")
        await pilot.press("down", "a")  # add the highlighted service: a notice quotes its name
        await settle(pilot)
        assert "Added to the referral list: Yonkers" in assert_no_controls(app, "added notice")
        await pilot.press("enter")
        await settle(pilot)
        text = assert_no_controls(app, "detail page")
        assert "\\x1b]0;T\\x07" in text  # shown, escaped
        await pilot.press("end")
        await settle(pilot)
        assert_no_controls(app, "detail page end")
        await pilot.press("escape", "f6")
        await settle(pilot)
        assert_no_controls(app, "referral list and slip")
        for key in ("f4", "f5"):  # save as .txt, then .html: the status line quotes the folder
            await pilot.press(key)
            await settle(pilot)
            assert_no_controls(app, f"saved ({key})")
        slips = sorted((tmp_path / "slips\x1b[2J").iterdir())
        assert [p.suffix for p in slips] == [".html", ".txt"]
        for slip in slips:
            assert not TERMINAL_CONTROLS.search(slip.read_text(encoding="utf-8").replace("\n", ""))
        await pilot.press("escape")
        await settle(pilot)
        for key in ("f3", "f4", "f5"):  # the pickers
            await pilot.press(key)
            await settle(pilot)
            assert_no_controls(app, f"picker {key}")
            await pilot.press("escape")
            await settle(pilot)
