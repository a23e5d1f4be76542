"""The call handler sees a site two sources describe once, naming both sources."""

from __future__ import annotations

from unittest import mock

from textual.widgets import Static

from helpline_tui.core import vocabulary
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.ui.conftest import IMPORTED_AT, build_directory, settle, type_text


async def test_a_merged_site_is_one_row_and_its_page_names_both_sources(make_app, tmp_path):
    db = build_directory(tmp_path / "merged.sqlite")
    county = [ServiceRecord(name="Centro de Salud Mental Latino Inc", source="county", source_key="c1", row=1,
                            street="77 Warburton Avenue", city="Yonkers", state="NY", zip="10701",
                            phone="(914) 555-0110", languages=["es"], needs=["housing"])]
    with mock.patch("helpline_tui.core.pipeline.now_iso", return_value=IMPORTED_AT):
        assert run_import(db, county, source="county", format="test", origin="county list").merged == 1
    app = make_app(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "centro de salud")
        await settle(pilot)
        hits = app.screen.query_one("#results", ResultsList).hits
        assert [h.record["name"] for h in hits if "Centro" in h.record["name"]] == ["Centro de Salud Mental Latino"]
        await pilot.press("enter")
        await settle(pilot)
        text = str(app.screen.query_one("#detail-body", Static).render())
        assert "test, county" in text  # the verified record first, then the county list
        assert vocabulary.load().term("housing").label("en") in text  # the county list's need, on the one page
