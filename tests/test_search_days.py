"""A day in the query: "aa monday philadelphia", "alcohólicos anónimos hoy", "na tonight". The day
narrows to services whose hours (a meeting's time) fall on it; "tonight" to those going on into
the evening; a day no nearby service lists hours for is said "not found", never a reason to list
a service by itself."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from helpline_tui.core import days
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli

PHILADELPHIA = (40.9520, -75.1650)  # lat/lon near City Hall, shifted per record below


def meeting(key: str, name: str, hours: dict, needs=("support-group",), kind="support-group") -> ServiceRecord:
    return ServiceRecord(name=name, kind=kind, source="test", source_key=key, row=int(key), street=f"{key} Arch St",
                         city="Philadelphia", state="PA", zip="19107", latitude=39.9520 + int(key) / 1000,
                         longitude=-75.1650, hours=hours, needs=list(needs))


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("days") / "services.sqlite"
    run_import(path, [
        meeting("1", "Noon Serenity Group", {"mon": [["12:00", "13:00"]]}),
        meeting("2", "Center City Big Book", {"mon": [["20:00", "21:00"]], "thu": [["20:00", "21:00"]]}),
        meeting("3", "Tuesday Beginners", {"tue": [["19:00", "20:00"]]}),
        # Named for a day it does not meet on: found by its day, not its name.
        meeting("4", "Today's Promise Group", {"wed": [["19:00", "20:00"]]}),
        meeting("5", "Kensington Detox Unit", {}, needs=("detox",), kind="treatment"),
        meeting("6", "A Better Today Inc", {}, needs=("substance-use-treatment",), kind="treatment"),
        meeting("7", "Dawn Patrol Group", {"sat": [["08:00", "09:00"]], "wed": [["07:00", "08:00"]]}),
    ], source="test", format="test", origin="tests")
    return path


# Monday 7 December 2026, noon in Philadelphia (and Monday on any computer's clock from UTC-12 to UTC+6).
MONDAY = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.timezone.utc)


def names(page) -> set[str]:
    return {h.record["name"] for h in page.hits}


@pytest.mark.parametrize("query", ["aa monday philadelphia", "aa lunes philadelphia", "alcohólicos anónimos hoy",
                                   "aa meeting today", "meetings on mondays"])
def test_a_day_keeps_the_meetings_on_that_day(conn, query):
    page = search(conn, query, Filters(), limit=10, now=MONDAY)
    assert names(page) == {"Noon Serenity Group", "Center City Big Book"}, query
    assert page.days == ("mon",) and page.every_word, query


@pytest.mark.parametrize("query", ["aa tonight", "aa esta noche", "aa monday evening", "aa lunes por la noche",
                                   "aa monday night"])
def test_tonight_is_today_in_the_evening(conn, query):
    page = search(conn, query, Filters(), limit=10, now=MONDAY)
    assert names(page) == {"Center City Big Book"} and page.days == ("monev",), query


def test_tomorrow_and_a_name_with_a_day_word(conn):
    assert names(search(conn, "aa tomorrow", Filters(), limit=10, now=MONDAY)) == {"Tuesday Beginners"}
    assert names(search(conn, "aa mañana", Filters(), limit=10, now=MONDAY)) == {"Tuesday Beginners"}
    # "today" is Monday, not the word in "Today's Promise Group" (which meets on Wednesdays).
    assert "Today's Promise Group" not in names(search(conn, "aa today", Filters(), limit=10, now=MONDAY))


def test_a_day_no_service_lists_hours_for_is_not_found_and_brings_no_one(conn, directory):
    page = search(conn, "detox today philadelphia", Filters(), limit=10, now=MONDAY)
    assert names(page) == {"Kensington Detox Unit"}
    assert page.words_not_found == ("today",) and page.days == () and not page.every_word
    assert page.place is not None and page.place.label == "Philadelphia, PA"  # near the city, not far away


def test_the_day_is_said_in_the_table_and_the_json(directory):
    table = run_cli("search", "aa monday philadelphia", "--db", str(directory))
    assert table.returncode == 0 and "near Philadelphia, PA, Monday" in table.stdout
    out = json.loads(run_cli("search", "aa tonight", "--db", str(directory), "--json").stdout)
    assert out["days"] and out["days"][0]["evening"] is True


@pytest.mark.parametrize("query, day", [("aa hoy por la noche", "monev"), ("aa sábado en la mañana", "satmo"),
                                        ("aa tomorrow night", "tueev"), ("aa mañana por la noche", "tueev"),
                                        ("aa monday nights", "monev"), ("aa sabados", "sat"), ("aa this afternoon", "monaf"),
                                        ("aa wednesday morning", "wedmo"), ("early morning aa", "anymo"),
                                        ("junta de aa de noche", "anyev"), ("aa al mediodía", "anyno"),
                                        ("aa wensday", "wed"), ("aa saterday", "sat"), ("aa tomorow", "tue")])
def test_the_ways_callers_say_a_day(conn, query, day):
    # 'mañana' after a day is its morning, not tomorrow; misspelt day words still mean the day.
    page = search(conn, query, Filters(), limit=10, now=MONDAY)
    assert page.days == (day,) and page.hits, query
    assert all(day in days.day_keys(json.dumps(h.record["hours"], sort_keys=True)) for h in page.hits), query


@pytest.mark.parametrize("query", ["a better today", "a better today philadelphia"])
def test_a_name_with_a_day_word_is_a_name(conn, query):
    # "A Better Today Inc": found by name, as "phoenix house" is, not read as Monday.
    page = search(conn, query, Filters(), limit=10, now=MONDAY)
    assert page.hits[0].record["name"] == "A Better Today Inc" and page.days == (), query


def test_a_day_and_a_place_alone_list_the_services_there(conn):
    page = search(conn, "sunday 19107", Filters(), limit=10, now=MONDAY)  # nothing meets on Sunday here
    assert page.words_not_found == ("sunday",) and len(page.hits) >= 5


def test_santo_domingo_is_no_sunday(conn):
    from helpline_tui.core import query

    assert not [g for g in query.parse("detox santo domingo", None).groups if g.concept and g.concept[0] == "day"]
