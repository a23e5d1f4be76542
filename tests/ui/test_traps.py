"""Traps between calls: the keystrokes handlers used
at 80x24, replayed with Pilot, and what they must leave on screen."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.screens.detail import DetailScreen
from helpline_tui.ui.screens.help import HelpScreen
from helpline_tui.ui.screens.place import PlacePicker
from helpline_tui.ui.screens.picker import OptionPicker
from helpline_tui.ui.screens.referral import ReferralScreen
from helpline_tui.ui.screens.search import SearchScreen
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.ui.conftest import build_directory, reloaded, screen_lines, settle, tui_records, type_text
from tests.ui.test_fast_keys import burst, typed

SIZE = (80, 24)
CALL_ENDED = "Call ended"


def box(app) -> Input:
    return app.search_screen.query_one("#query", Input)


def results(app) -> ResultsList:
    return app.search_screen.query_one("#results", ResultsList)


async def add_top_result(pilot, query: str) -> str:
    await type_text(pilot, query)
    await settle(pilot)
    await pilot.press("down", "a")
    await settle(pilot)
    assert len(pilot.app.referrals) == 1
    return pilot.app.referrals[0]["id"]


# ---- item 1: keyboard traps between calls ------------------------------------------------------------

@pytest.mark.parametrize("with_referral", [False, True])
async def test_f10_enter_then_the_next_call_types_in_an_empty_search_box(make_app, with_referral):
    """"F10, Enter" is the habit whether or not the call had a referral list: either way the next
    call's first letters go into an empty search box, and no service page opens."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        if with_referral:
            await add_top_result(pilot, "yonkers")
        else:
            await type_text(pilot, "yonkers")
            await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"aa")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.focused is box(app)
        assert box(app).value == "aa"
        assert app.referrals == ()


@pytest.mark.parametrize("with_referral", [False, True])
async def test_f10_enter_and_the_next_words_in_one_burst_keep_every_letter(make_app, with_referral):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        if with_referral:
            await add_top_result(pilot, "yonkers")
        burst(app, "f10", "enter", *typed("hola"))
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert box(app).value == "hola"
        assert app.referrals == ()


async def test_enter_in_an_empty_search_box_opens_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter", "a")
        await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert app.referrals == ()


@pytest.mark.parametrize("keys", [("enter", "a", "escape", "down", "a"),  # opened from the box
                                  ("down", "enter", "a", "escape", "a")])  # opened from the list
async def test_a_on_a_row_already_on_the_list_never_removes_it(make_app, keys):
    """After Enter, a (added), Escape, the highlight is on the row just added: "a" there must not
    silently take it off again. It says the service is on the list, by name."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_text(pilot, "yonkers")
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(app.screen, SearchScreen)
        assert len(app.referrals) == 1
        name = app.referrals[0]["name"]
        assert results(app).highlighted_id == app.referrals[0]["id"]
        assert [n.message for n in app._notifications] == [
            f"Already on the referral list: {name} (F6 shows the list)"]
        assert any("Already on the referral list:" in line for line in screen_lines(app))


async def test_a_on_the_service_page_still_takes_it_off_where_it_is_seen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_text(pilot, "yonkers")
        await settle(pilot)
        await pilot.press("enter", "a")
        await settle(pilot)
        assert len(app.referrals) == 1
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.referrals == ()


# ---- item 2: notices never cover a picker, the slip or the crisis lines --------------------------------

@pytest.mark.parametrize("picker_key", ["f3", "f4"])
async def test_call_ended_notices_never_stack_over_a_picker(make_app, picker_key):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f10", "f10", "f10", picker_key)
        await settle(pilot)
        assert isinstance(app.screen, OptionPicker)
        assert not any(CALL_ENDED in line for line in screen_lines(app)), "\n".join(screen_lines(app))
        await pilot.press("escape")
        await settle(pilot)
        assert sum(CALL_ENDED in line for line in screen_lines(app)) <= 1
        assert len(app._notifications) <= 1


async def test_one_notice_at_a_time(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f10", "f7", "f7")
        await settle(pilot)
        assert len(app._notifications) == 1
        lines = screen_lines(app)
        assert not any(CALL_ENDED in line or "Fin de la llamada" in line for line in lines)


async def test_a_reload_notice_never_covers_the_saved_line_under_the_slip(make_app, tui_db, slip_folder):
    app = make_app(poll_seconds=0.1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await add_top_result(pilot, "yonkers")
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f4")  # save as .txt
        await settle(pilot)
        assert any("Saved" in line for line in screen_lines(app))
        generation = app.directory.generation
        added = ServiceRecord(name="Nueva Esperanza Recovery", source="test", source_key="99", row=99,
                              city="Chelsea", state="MA", zip="02150", languages=["es"], needs=["outpatient"])
        build_directory(tui_db, [*tui_records(), added])
        assert await reloaded(pilot, app, generation)
        assert isinstance(app.screen, ReferralScreen)
        lines = screen_lines(app)
        saved = [line for line in lines if "Saved: " in line]
        assert saved and saved[0].rstrip().endswith(".txt"), "\n".join(lines)
        assert not any("Directory updated" in line for line in lines), "\n".join(lines)
        await pilot.press("escape")  # back on the results, the notice (still fresh) shows
        await settle(pilot)
        assert any("Directory updated" in line for line in screen_lines(app))


async def test_help_leaves_the_crisis_lines_in_view(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert any("988 Suicide & Crisis Lifeline" in line for line in screen_lines(app)[:3]), \
            "\n".join(screen_lines(app))


# ---- item 6: typing bursts --------------------------------------------------------------------------------

@pytest.mark.parametrize("with_referral", [False, True])
async def test_a_note_typed_in_one_burst_after_f6_keeps_every_character(make_app, with_referral):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        if with_referral:
            await add_top_result(pilot, "yonkers")
        await pilot.press("f6", *"Llame mañana")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert app.screen.query_one("#note", Input).value == "Llame mañana"
        assert app.note == "Llame mañana"
        assert len(app.referrals) == (1 if with_referral else 0)


@pytest.mark.parametrize("with_referral", [False, True])
async def test_a_note_typed_as_raw_keys_in_one_burst_after_f6_keeps_every_character(make_app, with_referral):
    """As the terminal hands them over when one read holds them all: "n" (the note key) and "d"
    (remove) inside the words are letters of the note, and nothing leaves the referral list."""
    note = "Llame mañana, dijo que necesita cama"
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        if with_referral:
            await add_top_result(pilot, "yonkers")
        burst(app, "f6", *typed(note))
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert app.screen.query_one("#note", Input).value == note
        assert app.note == note
        assert len(app.referrals) == (1 if with_referral else 0)


async def test_a_note_begun_while_the_referral_list_has_the_focus_removes_nothing(make_app):
    """'d' was the remove key of the list: "dice que llame" typed there took the highlighted service
    off the list. Removing is the Delete key, which no note starts with."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await add_top_result(pilot, "yonkers")
        await pilot.press("f6")
        await settle(pilot)
        app.screen.query_one("#referral-items").focus()
        await settle(pilot)
        await pilot.press(*"dice que llame")
        await settle(pilot)
        assert app.screen.query_one("#note", Input).value == "dice que llame"
        assert len(app.referrals) == 1
        app.screen.query_one("#referral-items").focus()
        await pilot.press("delete")  # what is removed is the row in view, highlighted
        await settle(pilot)
        assert app.referrals == ()


# ---- a change of place starts the list at the top ---------------------------------------

async def test_after_f2_the_list_starts_at_the_top_and_down_and_enter_agree(make_app, tmp_path):
    many = [ServiceRecord(name=f"Recovery Center {i:03d}", source="test", source_key=str(i), city="Yonkers",
                          state="NY", zip="10701", latitude=40.93 + i / 1000, longitude=-73.90,
                          languages=["en"], needs=["outpatient"]) for i in range(40)]
    app = make_app(db=build_directory(tmp_path / "many.sqlite", many))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await type_text(pilot, "recovery")
        await settle(pilot)
        await pilot.press("down", "end")
        await settle(pilot)
        assert results(app).highlighted == 39
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, PlacePicker)
        await type_text(pilot, "10701")
        await pilot.press("enter")
        await settle(pilot)
        assert app.search_screen.filters.place
        assert results(app).highlighted == 0
        assert results(app).scroll_offset.y == 0
        top = results(app).hits[0].record["id"]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.record_id == top
