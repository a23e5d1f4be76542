"""A filter chip, chosen with Enter or a click, opens its own filter's picker: the place chip the
place picker (F2's), the others their menus."""

from __future__ import annotations

import pytest

from helpline_tui.ui.screens.picker import OptionPicker
from helpline_tui.ui.screens.place import PlacePicker
from helpline_tui.ui.state import FACETS, FilterState
from tests.ui.conftest import settle

SIZE = (80, 24)


@pytest.mark.parametrize("facet", FACETS)
async def test_a_chosen_chip_opens_its_filters_picker(make_app, facet):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es")
        await settle(pilot)
        app.screen.query_one(f"#chip-{facet}").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlacePicker if facet == "place" else OptionPicker)
