"""The command palette (ctrl+p) in both interface languages: the slip can be copied, saved and
printed from any screen, found by the words a volunteer would type."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from helpline_tui.ui.screens.referral import ReferralScreen
from helpline_tui.ui.screens.search import SearchScreen
from helpline_tui.ui.state import FilterState
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


# ---- a command by its name in the other language --------------------------------------------------

async def palette_hits(pilot, words: str) -> list[str]:
    """The palette's hits for `words`, best first, as plain text (name, then help)."""
    await pilot.press("ctrl+p")
    await settle(pilot)
    await type_text(pilot, words)
    await settle(pilot)
    listing = pilot.app.screen.query_one(CommandList)
    return [str(getattr(option.prompt, "plain", option.prompt)) for option in listing.options]


@pytest.mark.parametrize("lang, words, suffix", [
    ("es", "print", "html"), ("es", "save", "txt"), ("es", "save html", "html"),
    ("en", "imprimir", "html"), ("en", "guardar", "txt"),
])
async def test_the_slip_is_saved_by_its_command_name_in_the_other_language(make_app, slip_folder, lang, words,
                                                                           suffix):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await add_first_result(pilot)
        await run_from_palette(pilot, words)
        assert isinstance(app.screen, ReferralScreen)
        assert app.search_screen.filters.is_empty  # no filter was set instead
        saved = list(slip_folder.glob(f"referral-*.{suffix}"))
        assert len(saved) == 1, list(slip_folder.glob("*"))


@pytest.mark.parametrize("lang, words", [("es", "copy"), ("en", "copiar")])
async def test_the_slip_is_copied_by_its_command_name_in_the_other_language(make_app, lang, words):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await add_first_result(pilot)
        await run_from_palette(pilot, words)
        assert "Hope House Sober Living" in app.clipboard
        assert app.search_screen.filters.is_empty


@pytest.mark.parametrize("lang, words", [("es", "theme"), ("en", "tema")])
async def test_the_theme_is_cycled_by_its_command_name_in_the_other_language(make_app, lang, words):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.theme
        await run_from_palette(pilot, words)
        assert app.theme != before
        assert app.search_screen.filters.is_empty


@pytest.mark.parametrize("lang, words", [("es", "reset"), ("en", "quitar")])
async def test_filters_are_reset_by_the_command_name_in_the_other_language(make_app, lang, words):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.filters = FilterState(language="es")
        await settle(pilot)
        await run_from_palette(pilot, words)
        assert app.screen.filters.is_empty  # reset, not a need filter set on top


@pytest.mark.parametrize("lang, words, command", [
    ("es", "print", "Imprimir la hoja de derivación"), ("es", "reset", "Quitar"), ("es", "end call", "Fin"),
    ("es", "help", "Ayuda"), ("en", "imprimir", "Print the referral slip"), ("en", "ayuda", "Help"),
])
async def test_a_command_named_in_the_other_language_comes_before_the_filters(make_app, lang, words, command):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await palette_hits(pilot, words)
        assert hits and hits[0].startswith(command), hits[:3]  # not a need or other filter value
        assert words in hits[0].lower()  # the name that matched is shown under the command's own


async def test_names_in_the_interface_language_still_rank_as_before(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        hits = await palette_hits(pilot, "metadona")
        assert hits[0].startswith("Necesidad: Metadona")  # a filter value still finds its filter
