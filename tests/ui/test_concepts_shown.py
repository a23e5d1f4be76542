"""What a query was read as, and what a service gives, are said: the status line names the service
concepts read ("read as Help paying rent"); the service page lists the source's coded services
apart from those inferred from the record's own words, which are marked so."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from helpline_tui.core.records import ServiceRecord
from tests.ui.conftest import build_directory, open_service, screen_lines, settle, type_text


def records() -> list[ServiceRecord]:
    common = dict(source="test", city="Yonkers", state="NY", zip="10701", latitude=40.93, longitude=-73.90,
                  languages=["en", "es"], kind="community")
    return [
        ServiceRecord(name="Neighbors Emergency Fund", source_key="1", row=1, phone="914-555-0101",
                      needs=["housing", "social-services"], concepts=["rent-help", "utility-bills"], **common),
        # No codes: its concept is read from its name, and the page says so.
        ServiceRecord(name="Yonkers Community Food Pantry", source_key="2", row=2, phone="914-555-0102",
                      needs=["food"], **common),
    ]


@pytest.mark.parametrize("lang, typed, said", [("en", "help paying rent yonkers ", "read as Help paying rent"),
                                               ("es", "ayuda con la renta yonkers ", "entendido como Ayuda para pagar la renta")])
async def test_the_status_line_says_what_the_query_was_read_as(make_app, tmp_path, lang, typed, said):
    app = make_app(db=build_directory(tmp_path / "concepts.sqlite", records()), lang=lang)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, typed)
        await settle(pilot)
        assert said in str(app.screen.query_one("#status", Static).render())
        assert app.screen.query_one("#results").hits[0].record["name"] == "Neighbors Emergency Fund"


@pytest.mark.parametrize("query, line", [
    ("neighbors emergency fund", "Services: Help paying rent, Help with utility bills"),
    ("yonkers community food pantry", "Services, inferred (not coded by the source): Food pantry"),
])
async def test_the_service_page_lists_services_and_marks_inferred_ones(make_app, tmp_path, query, line):
    app = make_app(db=build_directory(tmp_path / "concepts.sqlite", records()))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await open_service(pilot, query)
        text = "\n".join(screen_lines(app))
        assert line in text
        assert ("inferred" in text) == ("inferred" in line)
