"""The command palette (ctrl+p) in both interface languages: the slip can be copied, saved and
printed from any screen, found by the words a volunteer would type."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from helpline_tui.ui.screens.referral import ReferralScreen
from helpline_tui.ui.screens.search import SearchScreen
from tests.ui.conftest import settle, type_text

SIZE = (80, 24)


async def add_first_result(pilot) -> None:
    await type_text(pilot, "hope")
    await settle(pilot)
    await pilot.press("down", "a")
    await settle(pilot)


async def run_from_palette(pilot, words: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, words)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


@pytest.mark.parametrize("lang, words, suffix", [
    ("en", "print", "html"), ("en", "save the referral slip as text", "txt"),
    ("es", "imprimir", "html"), ("es", "guardar la hoja", "txt"),
])
async def test_the_slip_is_saved_from_the_search_screen_palette(make_app, slip_folder, lang, words, suffix):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await add_first_result(pilot)
        assert isinstance(app.screen, SearchScreen)
        await run_from_palette(pilot, words)
        assert isinstance(app.screen, ReferralScreen)  # the slip that was saved is in view
        saved = list(slip_folder.glob(f"referral-*-{lang}.{suffix}"))
        assert len(saved) == 1
        assert "Hope House Sober Living" in saved[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("lang, words", [("en", "copy"), ("es", "copiar")])
async def test_the_slip_is_copied_from_the_search_screen_palette(make_app, lang, words):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await add_first_result(pilot)
        await run_from_palette(pilot, words)
        assert "Hope House Sober Living" in app.clipboard


async def test_the_palette_says_no_matches_in_spanish(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "zzzzzzzz")
        assert CommandPalette.is_open(app)
        listing = app.screen.query_one(CommandList)
        for _ in range(50):  # the palette waits a moment before it says there is nothing
            if listing.option_count and listing.get_option_at_index(0).disabled:
                break
            await pilot.pause(0.05)
        assert listing.option_count == 1
        assert listing.get_option_at_index(0).prompt.renderable.plain == "No se encontró nada"
