"""What a volunteer reads on a service's page and on the referral screen at 80x24: plain words in the
interface language, never an internal value or a protocol name."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from helpline_tui.ui.screens.detail import DetailScreen
from tests.ui.conftest import settle, type_text

SIZE = (80, 24)


def plain(widget: Static) -> str:
    return str(widget.render())


def screen_lines(app) -> list[str]:
    """The characters on screen, row by row, as the terminal shows them."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


async def open_service(pilot, query: str) -> DetailScreen:
    await type_text(pilot, query)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return pilot.app.screen


@pytest.mark.parametrize(("lang", "position"), [
    ("es", "Posición      ~ aproximada (centro del código postal)"),
    ("en", "Position      ~ approximate (centre of the ZIP code)"),
])
async def test_a_position_from_a_zip_code_is_said_in_words(make_app, lang, position):
    app = make_app(lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "hope house")  # placed at its ZIP code's centre
        text = plain(screen.query_one("#detail-body", Static))
        assert position in text
        assert "zip-centroid" not in text
