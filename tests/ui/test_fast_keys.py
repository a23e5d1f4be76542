"""Keys typed faster than the app handles them (tmux send-keys, a fast typist, a paste of keys).

`pilot.press` waits for the app to go idle after every key, which hides the race; `burst` hands all the
keys to the app at once, as the terminal driver does when one read holds several keys."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from helpline_tui.ui.screens.detail import DetailScreen
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.ui.conftest import settle

SIZE = (80, 24)
CHARACTERS = {"space": " "}


def burst(app, *keys: str) -> None:
    for key in keys:
        char = key if len(key) == 1 else CHARACTERS.get(key)
        app.post_message(events.Key(key, char))


def typed(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def test_down_then_a_typed_in_one_burst_adds_the_top_result_and_leaves_the_query_alone(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, *typed("hope house"), "down", "a")
        await settle(pilot)
        query = app.screen.query_one("#query", Input)
        results = app.screen.query_one("#results", ResultsList)
        assert query.value == "hope house"
        assert app.focused is results
        assert [r["id"] for r in app.referrals] == [results.hits[0].record["id"]]
        assert app.referrals[0]["name"] == "Hope House Sober Living"


async def test_enter_then_a_in_one_burst_opens_the_top_result_and_adds_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, *typed("yonkers"), "enter", "a")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        opened = app.screen.record_id
        assert [r["id"] for r in app.referrals] == [opened]
        await pilot.press("escape")
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        assert app.screen.query_one("#query", Input).value == "yonkers"
        assert opened == results.hits[0].record["id"]


async def test_up_waits_for_the_downs_before_it_and_typing_goes_on_in_the_search_box(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # two rows down, two up: back in the box, where the "s" belongs
        burst(app, *typed("yonker"), "down", "down", "up", "up", "s")
        await settle(pilot)
        query = app.screen.query_one("#query", Input)
        assert query.value == "yonkers"
        assert app.focused is query


async def test_escape_from_the_list_then_typing_writes_in_the_search_box(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, *typed("yonker"), "down", "escape", "s")
        await settle(pilot)
        query = app.screen.query_one("#query", Input)
        assert query.value == "yonkers"
        assert app.focused is query
        assert app.referrals == ()


async def test_new_words_put_the_highlight_back_on_the_top_row(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, *typed("hope"), "down", "down")
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        assert results.highlighted == 1
        burst(app, "escape", "escape", *typed("hope"), "down", "a")  # the same service is in every
        await settle(pilot)                                          # result list on the way
        assert results.highlighted == 0
        assert [r["id"] for r in app.referrals] == [results.hits[0].record["id"]]
