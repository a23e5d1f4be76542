"""The status line under the filters says what the list is: how many, near where, and which words
no listed service has (a list of services with only some of the words must not pass for a match)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from tests.ui.conftest import screen_lines, settle, type_text


def status(app) -> str:
    widget = app.screen.query_one("#status", Static)
    return str(widget.render())


@pytest.mark.parametrize("lang, said", [("en", "not found: zzyzx"), ("es", "no encontrado: zzyzx")])
async def test_a_word_no_service_has_is_named(make_app, lang, said):
    app = make_app(lang=lang)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "methadone zzyzx")
        await settle(pilot)
        assert said in status(app)
        # The services with the other word are still listed, below the warning.
        assert "Yonkers Comprehensive Treatment Center" in [h.record["name"] for h in app.screen.query_one("#results").hits]


async def test_a_city_after_a_need_word_shows_as_the_place(make_app):
    app = make_app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "methadone yonkers ")
        await settle(pilot)
        assert "near Yonkers, NY" in status(app)
        assert "not found" not in status(app)
        assert [h.record["name"] for h in app.screen.query_one("#results").hits][0] == \
            "Yonkers Comprehensive Treatment Center"


@pytest.mark.parametrize("lang, typed, said", [("en", "mental health monday ", "Monday"),
                                               ("es", "salud mental lunes ", "lunes")])
async def test_a_day_in_the_query_is_said(make_app, lang, typed, said):
    app = make_app(lang=lang)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, typed)
        await settle(pilot)
        assert f"· {said}" in status(app) and "Centro de Salud Mental Latino" in \
            [h.record["name"] for h in app.screen.query_one("#results").hits]


@pytest.mark.parametrize("lang, said, width", [("en", "not found: ", 80), ("es", "no encontrado: ", 80),
                                               ("es", "no encontrado: ", 64)])
async def test_the_words_not_found_stay_whole_in_view_beside_a_far_place(make_app, lang, said, width):
    app = make_app(lang=lang)
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        # No methadone near Nome, Alaska: the nearest anywhere, and two needs no listed service has.
        await type_text(pilot, "methadone nome eating disorder gambling")
        await settle(pilot)
        page = app.screen.page
        assert page.nearest_to is not None and page.words_not_found == ("eating disorder", "gambling")
        line = next(line for line in screen_lines(app) if line.startswith((" 2 of 2", " 2 de 2")))
        assert said + "eating disorder, gambling" in line, line  # whole: the list is not a match
        if width == 80:
            assert "Nome, AK" in line, line  # and the place is still named


@pytest.mark.parametrize("lang, said", [("en", "add the caller's place (F2)"), ("es", "añada el lugar de quien llama (F2)")])
async def test_needs_without_a_place_ask_for_the_callers_place(make_app, lang, said):
    from tests.conftest import ROOT

    app = make_app(db=ROOT / "data" / "services.sqlite", lang=lang)  # the demo: thousands of services
    async with app.run_test(size=(140, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "detox ")
        await settle(pilot)
        assert said in status(app)  # the list is in name order, from anywhere
        await type_text(pilot, "yonkers ")
        await settle(pilot)
        assert said not in status(app)


@pytest.mark.parametrize("lang, said", [("en", "nearest to Nome, AK: the closest is {miles} mi"),
                                        ("es", "los más cercanos a Nome, AK: el primero a {miles} mi")])
async def test_the_nearest_however_far_says_how_far_the_closest_is(make_app, lang, said):
    app = make_app(lang=lang)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "methadone nome ")  # no methadone near Nome, Alaska: the nearest anywhere
        await settle(pilot)
        page = app.screen.page
        assert page.nearest_to is not None and page.hits
        miles = f"{page.hits[0].distance_miles:.1f}".replace(".", "," if lang == "es" else ".")
        assert said.format(miles=miles) in status(app), status(app)


@pytest.mark.parametrize("lang, said", [("en", "near Yonkers, NY (from 'yonkrs')"),
                                        ("es", "cerca de Yonkers, NY (de «yonkrs»)")])
async def test_a_place_read_from_other_words_says_which(make_app, lang, said):
    app = make_app(lang=lang)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "methadone yonkrs ")  # misspelt: read as Yonkers, and said so
        await settle(pilot)
        assert said in status(app)


@pytest.mark.parametrize("lang, typed, said", [
    ("en", "narcotics anonymous burlington ", "no NA groups here: AA shown"),
    ("es", "narcóticos anónimos burlington ", "no hay grupos de NA: se muestran AA"),
])
async def test_a_fellowship_the_directory_lacks_is_said(make_app, tmp_path, lang, typed, said):
    """An AA feed only: a caller asking for NA hears there is none, and the list (AA meetings) is
    not read out as NA's."""
    import json

    from tests.conftest import run_cli

    feed = tmp_path / "aa.json"
    feed.write_text(json.dumps([
        {"name": "Lakeside", "slug": f"lakeside-{day}", "day": day, "time": "19:00", "types": ["C"],
         "formatted_address": "1 Church St, Burlington, VT 05401, USA", "latitude": 44.476, "longitude": -73.212}
        for day in (1, 3)]), encoding="utf-8")
    db = tmp_path / "aa.sqlite"
    assert run_cli("import", "meeting-guide", str(feed), "--db", str(db)).returncode == 0
    app = make_app(db=db, lang=lang)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, typed)
        await settle(pilot)
        assert said in status(app), status(app)
        assert [h.record["name"] for h in app.screen.query_one("#results").hits] == ["Lakeside", "Lakeside"]
