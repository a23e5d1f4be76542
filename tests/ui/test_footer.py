"""What the footer offers in an 80-column terminal, in both interface languages."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from helpline_tui.ui.screens.referral import ReferralScreen
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
