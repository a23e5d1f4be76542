"""Time in the interface: a service page reads hours in the service's zone (Knoxville, TN is
Eastern), and "tonight" in the search box is the evening at the place searched, said in the status
line, the same day the pages then call "Today"; the CLI lists the same services."""

from __future__ import annotations

import datetime as dt
import json

from textual.widgets import Static

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.widgets.results_list import ResultsList
from helpline_tui.ui.widgets.status_line import StatusLine
from importers import meeting_guide
from tests.conftest import run_cli, shared_file
from tests.ui.conftest import build_directory, open_service, settle, type_text

SIZE = (80, 24)
UTC = dt.timezone.utc
KNOXVILLE_MORNING = dt.datetime(2026, 12, 7, 14, 30, tzinfo=UTC)  # Monday 09:30 Eastern, 08:30 Central
AFTER_MIDNIGHT_UTC = dt.datetime(2026, 12, 7, 3, 18, tzinfo=UTC)  # Monday in UTC; Sunday 22:18 in Philadelphia


def plain(widget: Static) -> str:
    return str(widget.render())


async def test_a_knoxville_service_page_is_open_at_half_past_nine_eastern(make_app, tmp_path):
    db = build_directory(tmp_path / "knox.sqlite", [ServiceRecord(
        name="Helen Ross McNabb Center", source="test", source_key="1", row=1, street="201 West Springdale Avenue",
        city="Knoxville", state="TN", zip="37917", latitude=35.99, longitude=-83.92, phone="865-637-9711",
        needs=["mental-health"], hours={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})])
    app = make_app(db, clock=lambda: KNOXVILLE_MORNING)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_service(pilot, "mcnabb")
        text = plain(screen.query_one("#detail-body", Static))
        assert "Today (Monday): 09:00–17:00 · OPEN NOW at 09:30 local time" in text


async def test_tonight_is_the_evening_at_the_place_searched_in_the_list_and_the_page(make_app, tmp_path):
    path = shared_file("meetings", "meetingguide_aasepia_2024.json")
    db = tmp_path / "meetings.sqlite"
    run_import(db, meeting_guide.read(str(path)), source="meeting-guide", format="meeting-guide", origin=str(path))
    app = make_app(db, clock=lambda: AFTER_MIDNIGHT_UTC)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "aa tonight philadelphia ")
        await settle(pilot)
        status = str(app.screen.query_one(StatusLine).render())
        assert "Sunday evening at Philadelphia, PA" in status
        page = app.screen.page
        shown = [h.record["id"] for h in page.hits]
        cli = run_cli("search", "aa tonight philadelphia", "--db", str(db), "--json", "--now", "2026-12-07T03:18Z",
                      "--limit", str(len(shown)))
        out = json.loads(cli.stdout)
        assert [r["id"] for r in out["results"]] == shown and out["total"] == page.total
        assert app.screen.query_one("#results", ResultsList).option_count >= 1
        await pilot.press("down", "enter")
        await settle(pilot)
        text = plain(app.screen.query_one("#detail-body", Static))
        assert "Today (Sunday)" in text and "at 22:18 local time" in text
        await pilot.press("escape", "f7")  # Spanish: the same rule, said in Spanish
        await settle(pilot)
        assert "domingo por la noche en Philadelphia, PA" in str(app.screen.query_one(StatusLine).render())
