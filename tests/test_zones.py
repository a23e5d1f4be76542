"""One rule for time. A service's hours are read in its own zone: its ZIP code's (zipcodes gives one
per ZIP), else its state's, else the place searched's. "Today", "tonight" and "tomorrow" in a query
are the day at the place searched, else on this computer's clock, and the status line, the table and
the JSON say which. The clock is injected (`now`), never slept on or patched."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from helpline_tui.core import geo, hours, zones
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.search import Filters, search
from importers import meeting_guide
from tests.conftest import run_cli, sample_records, shared_file

UTC = dt.timezone.utc
# Monday 7 December 2026 03:18 UTC: still Sunday evening (22:18) in Philadelphia.
AFTER_MIDNIGHT_UTC = dt.datetime(2026, 12, 7, 3, 18, tzinfo=UTC)
# Monday 09:30 in Knoxville (Eastern), 08:30 on Tennessee's main (Central) time.
KNOXVILLE_MORNING = dt.datetime(2026, 12, 7, 14, 30, tzinfo=UTC)
WEEKDAYS_9_5 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
FEED = ("meetings", "meetingguide_aasepia_2024.json")


@pytest.fixture()
def conn(sample_db):
    connection = open_readonly(sample_db)
    yield connection
    connection.close()


def test_a_knoxville_service_is_open_at_half_past_nine_eastern(conn):
    knoxville = {"zip": "37902", "state": "TN", "hours": WEEKDAYS_9_5}
    zone = zones.record_zone(conn, knoxville)
    assert zone == "America/New_York"  # Tennessee's main zone is Central; Knoxville's is not
    today = hours.today(knoxville["hours"], KNOXVILLE_MORNING, zone)
    assert (today.day, today.local_time, today.open_now) == ("mon", "09:30", True)
    # Nashville, in the same state, is on Central time: not open until 09:00 there.
    nashville = hours.today(WEEKDAYS_9_5, KNOXVILLE_MORNING, zones.record_zone(conn, {"zip": "37203", "state": "TN"}))
    assert (nashville.local_time, nashville.open_now) == ("08:30", False)


def test_a_zone_comes_from_the_zip_else_the_state_else_the_place_searched(conn):
    assert zones.record_zone(conn, {"zip": "37902-1234", "state": "TN"}) == "America/New_York"  # ZIP+4
    assert zones.record_zone(conn, {"zip": "", "state": "TN"}) == "America/Chicago"
    denver = geo.resolve_place(conn, "80202")
    assert zones.record_zone(conn, {"zip": None, "state": None}, denver) == "America/Denver"
    assert zones.record_zone(conn, {"zip": "00000", "state": "XX"}) is None  # this computer's clock, said so
    # zipcodes gives one Alaska ZIP the zone 'Napakiak', which no zone database has: the state's.
    assert zones.zip_zone(conn, "99634") is None
    assert zones.record_zone(conn, {"zip": "99634", "state": "AK"}) == "America/Anchorage"


def test_the_zone_of_a_city_searched_is_that_of_its_zip_codes(conn):
    assert zones.place_zone(conn, geo.resolve_place(conn, "Knoxville, TN")) == "America/New_York"
    assert zones.place_zone(conn, geo.resolve_place(conn, "37902")) == "America/New_York"
    assert zones.place_zone(conn, geo.resolve_place(conn, "Memphis, TN")) == "America/Chicago"
    assert zones.place_zone(conn, geo.resolve_place(conn, "Queens, NY")) == "America/New_York"  # an alias


def test_a_directory_from_before_zip_zones_reads_them_from_zipcodes_until_its_next_import(sample_db):
    with sqlite3.connect(sample_db) as old:
        old.execute("DROP TABLE zip_zones")
    conn = open_readonly(sample_db)
    assert zones.record_zone(conn, {"zip": "37902", "state": "TN"}) == "America/New_York"
    conn.close()
    run_import(sample_db, sample_records("other"), source="other", format="test", origin="tests")  # a change
    conn = open_readonly(sample_db)
    stored = conn.execute("SELECT count(*) FROM zip_zones").fetchone()[0]
    assert stored > 40000 and zones.record_zone(conn, {"zip": "37902", "state": "TN"}) == "America/New_York"


def test_tzdata_is_a_declared_dependency():
    # Without it, zoneinfo on a machine with no zone files has no zones at all.
    from importlib.metadata import requires

    assert any(r.split(">")[0].split("=")[0].strip() == "tzdata" for r in requires("helpline-tui"))


# ------------------------------------------------------------------ "tonight" on a real Meeting Guide feed

@pytest.fixture(scope="module")
def meetings_db(tmp_path_factory) -> Path:
    path = shared_file(*FEED)
    db = tmp_path_factory.mktemp("zones") / "meetings.sqlite"
    run_import(db, meeting_guide.read(str(path)), source="meeting-guide", format="meeting-guide", origin=str(path))
    return db


def _meets_in_the_evening(rec: dict, day: str) -> bool:
    # The evening (README): from 17:00, or hours going on more than an hour into it (past 18:00).
    return any(start >= "17:00" or end > "18:00" for start, end in (rec.get("hours") or {}).get(day) or ())


def test_tonight_is_the_evening_at_the_place_searched_not_on_the_utc_date(meetings_db):
    """At 03:18 UTC on a Monday it is Sunday evening in Philadelphia: "tonight" lists Sunday
    evening meetings, and each one's page says "Today (Sunday)"."""
    conn = open_readonly(meetings_db)
    page = search(conn, "aa tonight philadelphia", Filters(), limit=1000, now=AFTER_MIDNIGHT_UTC)
    assert page.days == ("sunev",) and page.place is not None and page.total > 20
    assert (page.today.place, page.today.zone_name, page.today.moment.date()) == \
        ("Philadelphia, PA", "America/New_York", dt.date(2026, 12, 6))
    for hit in page.hits:
        assert _meets_in_the_evening(hit.record, "sun"), hit.record["name"]
        zone = zones.record_zone(conn, hit.record, hit.searched_place)
        assert hours.today(hit.record["hours"], AFTER_MIDNIGHT_UTC, zone).day == "sun"
    # An F2 place is the place searched too: the same answer.
    f2 = search(conn, "aa tonight", Filters(near="Philadelphia, PA"), limit=1000, now=AFTER_MIDNIGHT_UTC)
    assert f2.days == ("sunev",) and f2.total == page.total


def test_the_cli_says_which_day_and_where_and_agrees_with_search(meetings_db):
    args = ("search", "aa tonight philadelphia", "--db", str(meetings_db), "--now", "2026-12-07T03:18Z")
    out = json.loads(run_cli(*args, "--json", "--limit", "1000").stdout)
    assert out["days"] == [{"weekday": "sun", "part": "evening", "evening": True}]
    assert out["today"] == {"date": "2026-12-06", "local_time": "22:18", "place": "Philadelphia, PA",
                            "time_zone": "America/New_York"}
    conn = open_readonly(meetings_db)
    page = search(conn, "aa tonight philadelphia", Filters(), limit=1000, now=AFTER_MIDNIGHT_UTC)
    assert [r["id"] for r in out["results"]] == [h.record["id"] for h in page.hits]
    assert all(_meets_in_the_evening(get_record(conn, r["id"]), "sun") for r in out["results"])
    table = run_cli(*args)
    assert "near Philadelphia, PA, Sunday evening at Philadelphia, PA" in table.stdout


def test_without_a_place_today_is_this_computers_day_and_said_so(meetings_db):
    conn = open_readonly(meetings_db)
    # Naive: this computer's wall clock, Monday whatever its zone.
    page = search(conn, "aa tonight", Filters(), limit=5, now=dt.datetime(2026, 12, 7, 12, 0))
    assert page.days == ("monev",) and page.today.place is None and page.today.as_json()["place"] is None
    table = run_cli("search", "aa tonight", "--db", str(meetings_db), "--now", "2026-12-07T12:00")
    assert "Monday evening on this computer's clock" in table.stdout
    # A weekday named is that weekday anywhere: nothing to say about where.
    assert search(conn, "aa monday", Filters(), limit=5, now=AFTER_MIDNIGHT_UTC).today is None


def test_a_moment_that_is_not_iso_8601_is_a_usage_error(sample_db):
    p = run_cli("search", "aa tonight", "--db", str(sample_db), "--now", "tonight at 8")
    assert p.returncode == 2 and "ISO 8601" in p.stderr and "Traceback" not in p.stderr
