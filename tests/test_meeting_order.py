"""A group that meets several days is one record per meeting: its rows come Sunday to Saturday,
by time, so a handler reading them out finds "tonight" at a glance (they came in id order)."""

from __future__ import annotations

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search

# Keys chosen so that id order is not weekday order.
MEETINGS = [("sat", "20:00"), ("mon", "19:30"), ("sun", "10:00"), ("wed", "07:00"), ("mon", "07:00"),
            ("fri", "19:30"), ("tue", "19:30")]


@pytest.fixture()
def conn(tmp_path):
    records = [ServiceRecord(name="Nuevo Camino", kind="support-group", source="test", source_key=f"k{i * 7 % 11}",
                             row=i + 1, street="9 Park Ave", city="Philadelphia", state="PA", zip="19104",
                             latitude=39.95, longitude=-75.19, languages=["es"], needs=["support-group"],
                             hours={day: [[start, f"{int(start[:2]) + 1:02d}{start[2:]}"]]})
               for i, (day, start) in enumerate(MEETINGS)]
    records.append(ServiceRecord(name="Alcove", source="test", source_key="z", row=99, city="Philadelphia",
                                 state="PA", zip="19104", needs=["detox"]))
    # Another group, a little further away, meeting once a week.
    records.append(ServiceRecord(name="Esperanza Group", kind="support-group", source="test", source_key="e", row=100,
                                 street="40 Oak St", city="Philadelphia", state="PA", zip="19104", latitude=39.975,
                                 longitude=-75.19, needs=["support-group"], hours={"thu": [["19:00", "20:00"]]}))
    path = tmp_path / "services.sqlite"
    run_import(path, records, source="test", format="test", origin="tests")
    connection = open_readonly(path)
    yield connection
    connection.close()


def days(page) -> list[tuple[str, str]]:
    return [next((day, ranges[0][0]) for day, ranges in h.record["hours"].items())
            for h in page.hits if h.record["name"] == "Nuevo Camino"]


WEEK = [("sun", "10:00"), ("mon", "07:00"), ("mon", "19:30"), ("tue", "19:30"), ("wed", "07:00"), ("fri", "19:30"),
        ("sat", "20:00")]


@pytest.mark.parametrize("query", ["", "nuevo camino", "nuevo cam", "grupo de apoyo"])
def test_a_groups_meetings_come_sunday_to_saturday_by_time(conn, query):
    assert days(search(conn, query, Filters(), limit=20)) == WEEK


def test_nearest_first_keeps_the_week_order_among_equals(conn):
    page = search(conn, "", Filters(near="19104"), limit=20, sort="distance")
    assert days(page) == WEEK


@pytest.mark.parametrize("query, place", [("grupo de apoyo", "19104"), ("", "19104"), ("grupo de apoyo", None)])
def test_each_group_comes_once_before_any_groups_second_meeting(conn, query, place):
    # 'aa philadelphia' listed one group's seven meetings before any other group.
    page = search(conn, query, Filters(near=place), limit=20)
    names = [h.record["name"] for h in page.hits if h.record["name"] != "Alcove"]
    assert sorted(names[:2]) == ["Esperanza Group", "Nuevo Camino"], names
    assert days(page) == WEEK  # and the group's own meetings still Sunday to Saturday
