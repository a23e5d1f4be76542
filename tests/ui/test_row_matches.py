"""At 80 columns a result row shows first what the query or filters matched (the need, payment,
language or meeting type asked for), then the rest as room allows: the reason a row is there is
never the part cut off."""

from __future__ import annotations

from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.ui.conftest import build_directory, settle, type_text

SIZE = (80, 24)

CLINIC = ServiceRecord(
    name="Dorchester Bay Recovery Services", organization="Harbor Health Partners", source="test",
    source_key="1", city="Dorchester", state="MA", zip="02125", latitude=42.30, longitude=-71.06,
    phone="617-555-0123", languages=["en", "es", "ht", "pt", "vi", "zh"],
    needs=["substance-use-treatment", "mental-health", "outpatient", "co-occurring", "methadone"],
    payment=["medicaid", "sliding-fee"])
MEETING = ServiceRecord(
    name="Sober Sisters Tuesday Night Big Book", kind="support-group", source="test", source_key="2",
    organization="Women in Recovery Group", city="Philadelphia", state="PA", zip="19111",
    latitude=40.06, longitude=-75.08, languages=["en"], needs=["support-group"], populations=["women"],
    hours={"tue": [["19:00", "20:00"]]}, website="https://example.org/sober-sisters")


def second_line(app) -> str:
    lines = [app.screen.query_one("#results", ResultsList).render_line(y).text for y in range(2)]
    return lines[1]


async def rows_for(make_app, tmp_path, query: str) -> str:
    app = make_app(db=build_directory(tmp_path / "rows.sqlite", [CLINIC, MEETING]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, query)
        await settle(pilot)
        return second_line(app)


async def test_the_need_payment_and_language_asked_for_come_first(make_app, tmp_path):
    line = await rows_for(make_app, tmp_path, "methadone medicaid spanish")
    assert line.startswith("  Methadone, Medicaid, Spanish · "), line
    assert "617-555-0123" in line


async def test_the_meeting_type_asked_for_comes_first(make_app, tmp_path):
    line = await rows_for(make_app, tmp_path, "aa women")
    assert line.startswith("  Support groups / mutual help (AA, NA), Women · "), line


async def test_in_spanish_the_matches_are_named_in_spanish(make_app, tmp_path):
    app = make_app(db=build_directory(tmp_path / "rows.sqlite", [CLINIC, MEETING]), lang="es")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "metadona español")
        await settle(pilot)
        line = second_line(app)
    assert line.startswith("  Metadona, Español · "), line
