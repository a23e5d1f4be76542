"""What the footer offers in an 80-column terminal, in both interface languages."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from helpline_tui.ui.screens.referral import ReferralScreen
from helpline_tui.ui.state import FilterState
from tests.ui.conftest import settle, type_text

SIZE = (80, 24)


def footer_keys(app) -> list[tuple[str, str, bool]]:
    """(key, label, wholly in view) for each key the footer shows, left to right."""
    keys = sorted(app.screen.query(FooterKey), key=lambda k: k.region.x)
    return [(k.key_display, k.description, k.region.width > 0 and k.region.right <= SIZE[0]) for k in keys]


@pytest.mark.parametrize("lang, add, open_, slip, end", [
    ("en", "Add/remove", "Open", "Referral", "End call"),
    ("es", "Añadir/quitar", "Abrir", "Derivar", "Fin"),
])
async def test_in_the_results_list_the_call_keys_come_first_and_nothing_is_cut(make_app, lang, add, open_, slip,
                                                                               end):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "hope")
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        shown = footer_keys(app)
        assert [(key, label) for key, label, _ in shown[:4]] == [("a", add), ("⏎", open_), ("F6", slip),
                                                                ("F10", end)]
        assert all(in_view for _, _, in_view in shown), shown


async def test_the_delete_key_reads_supr_in_the_spanish_referral_footer(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        shown = footer_keys(app)
        assert ("Supr", "Quitar", True) in shown
        assert not any(key == "del" for key, _, _ in shown)
        await pilot.press("f7")  # English: the key is named as English keyboards do
        await settle(pilot)
        assert ("del", "Remove", True) in footer_keys(app)


YONKERS_IN_SPANISH = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es")
# No community service offers methadone: the result is empty and F9 can widen it (drop the need).
NOTHING_BUT_WIDENABLE = FilterState(needs=("methadone",), kind="community")


@pytest.mark.parametrize("lang, reset, widen", [("en", "Reset", "Widen"), ("es", "Quitar", "Ampliar")])
@pytest.mark.parametrize("where", ["search box", "results list", "empty result"])
async def test_with_filters_set_every_footer_key_shown_is_whole_at_80_columns(make_app, lang, reset, widen, where):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.filters = NOTHING_BUT_WIDENABLE if where == "empty result" else YONKERS_IN_SPANISH
        await settle(pilot)
        if where == "results list":
            await pilot.press("down")
            await settle(pilot)
            assert app.focused.id == "results"
        shown = footer_keys(app)
        assert all(in_view for _, _, in_view in shown), shown
        labels = [(key, label) for key, label, _ in shown]
        assert ("F8", reset) in labels  # filters are set: the key that removes them is in view
        assert ("F10", "End call" if lang == "en" else "Fin") in labels and ("F6", "Referral" if lang == "en"
                                                                               else "Derivar") in labels
        if where == "empty result":
            assert ("F9", widen) in labels  # the empty page says "Press F9 to …": the key is in view
        if where == "results list":  # the call keys still lead
            assert [key for key, _ in labels[:4]] == ["a", "⏎", "F6", "F10"]


@pytest.mark.parametrize("width", [80, 60])
async def test_the_footer_fits_again_after_the_terminal_is_narrowed(make_app, width):
    app = make_app(lang="es")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        app.screen.filters = NOTHING_BUT_WIDENABLE
        await settle(pilot)
        await pilot.resize_terminal(width, 24)
        await settle(pilot)
        keys = sorted(app.screen.query(FooterKey), key=lambda k: k.region.x)
        assert all(k.region.width > 0 and k.region.right <= width for k in keys), footer_keys(app)
        assert {"F6", "F8", "F9", "F10"} <= {k.key_display for k in keys}
