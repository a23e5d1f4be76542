"""The results list as drawn on screen: what the lines show while typing, moving, marking and after a
live import, read back from the list's own Line API (what the compositor paints)."""

from __future__ import annotations

import dataclasses

from textual.widgets import Input

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.ui.conftest import build_directory, reloaded, settle, tui_records, type_text

SIZE = (80, 24)


def drawn(results: ResultsList) -> list[str]:
    return [results.render_line(y).text for y in range(results.scrollable_content_region.height)]


def many_records(n: int) -> list[ServiceRecord]:
    return [ServiceRecord(name=f"Recovery Center {i:03d}", source="test", source_key=str(i), city="Yonkers",
                          state="NY", zip="10701", phone=f"914-555-{i:04d}", languages=["en"],
                          needs=["outpatient"]) for i in range(n)]


async def test_each_keystroke_redraws_the_rows_of_the_new_results(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        await type_text(pilot, "casa")
        await settle(pilot)
        lines = drawn(results)
        assert "Casa Nueva Vida" in lines[0] and "Chelsea, MA" in lines[1]
        assert all(not line.strip() for line in lines[2:])  # nothing left over from the longer list
        await pilot.press("backspace", "backspace", "backspace", "backspace")
        await type_text(pilot, "hope")
        await settle(pilot)
        assert "Hope House Sober Living" in drawn(results)[0]


async def test_moving_to_the_last_of_100_rows_scrolls_it_into_view(make_app, tmp_path):
    app = make_app(db=build_directory(tmp_path / "many.sqlite", many_records(130)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        await pilot.press("down", "end")
        assert results.highlighted == 99
        last = results.hits[99].record["name"]
        assert any(last in line for line in drawn(results)[-2:])
        await pilot.press("pageup")
        assert results.highlighted < 99
        shown = results.hits[results.highlighted].record["name"]
        assert any(shown in line for line in drawn(results))
        await pilot.press("home")
        assert results.highlighted == 0 and results.hits[0].record["name"] in drawn(results)[0]


async def test_adding_to_the_referral_list_draws_the_check_mark(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        await type_text(pilot, "casa")
        await settle(pilot)
        assert drawn(results)[0].startswith("  Casa Nueva Vida")
        await pilot.press("down", "a")
        await settle(pilot)
        assert drawn(results)[0].startswith("✓ Casa Nueva Vida")
        await pilot.press("a")  # on a row already on the list, "a" removes nothing
        await settle(pilot)
        assert drawn(results)[0].startswith("✓ Casa Nueva Vida")
        await pilot.press("f6", "delete", "escape")  # removed where it is seen
        await settle(pilot)
        assert drawn(results)[0].startswith("  Casa Nueva Vida")


async def test_a_service_renamed_by_a_live_import_is_drawn_with_its_new_name(make_app, tmp_path):
    db = build_directory(tmp_path / "live.sqlite")
    app = make_app(db=db, poll_seconds=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        await type_text(pilot, "casa")
        await settle(pilot)
        assert "Casa Nueva Vida" in drawn(results)[0]
        generation = app.directory.generation
        # same source and key, so the same record id, with a new name and a new city
        renamed = [dataclasses.replace(r, name="Casa Nueva Vida Center", city="Revere")
                   if r.name == "Casa Nueva Vida" else r for r in tui_records()]
        run_import(db, renamed, source="test", format="test", origin="tests")
        assert await reloaded(pilot, app, generation)
        lines = drawn(results)
        assert "Casa Nueva Vida Center" in lines[0] and "Revere, MA" in lines[1]


async def test_a_query_longer_than_the_box_keeps_its_end_in_view(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#query", Input)
        words = "methadone clinic with spanish speaking staff near yonkers open late tonight xyz"
        await type_text(pilot, words)
        await settle(pilot)
        assert box.value == words
        assert box.scroll_x > 0
        assert "tonight xyz" in box.render_line(0).text


async def test_the_phone_stays_in_view_at_80_columns_whatever_the_languages(make_app, tmp_path):
    many_languages = ServiceRecord(
        name="Brooklyn Multilingual Counseling", source="test", source_key="1", city="Brooklyn", state="NY",
        zip="11201", phone="718-555-0199", needs=["outpatient"],
        languages=["ar", "asl", "de", "el", "es", "fa", "fr", "he", "hi", "ht", "it", "ja", "ko", "pl", "ru", "zh"])
    app = make_app(db=build_directory(tmp_path / "langs.sqlite", [many_languages]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "brooklyn multi")
        await settle(pilot)
        line = drawn(app.screen.query_one("#results", ResultsList))[1]
        assert "718-555-0199" in line
        assert "ES ASL AR DE +12" in line  # the helpline's languages first, then how many more


async def test_meetings_of_one_group_are_told_apart_by_day_and_time(make_app, tmp_path):
    meetings = [ServiceRecord(name="Nuevo Camino", kind="support-group", source="test", source_key=str(i),
                              city="Philadelphia", state="PA", zip="19133", languages=["es"],
                              needs=["support-group"], hours={day: [["19:00", "20:00"]]})
                for i, day in enumerate(("mon", "wed"))]
    app = make_app(db=build_directory(tmp_path / "meetings.sqlite", meetings))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "nuevo camino")
        await settle(pilot)
        lines = drawn(app.screen.query_one("#results", ResultsList))
        assert {"Mon 19:00–20:00", "Wed 19:00–20:00"} == {w for line in lines[1:4:2] for w in
                                                       ("Mon 19:00–20:00", "Wed 19:00–20:00") if w in line}
