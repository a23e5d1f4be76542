"""Today's hours and open-now, at fixed moments."""

from __future__ import annotations

import datetime as dt

import pytest

from helpline_tui.core import hours, zones

WEEKDAYS_9_5 = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
TUESDAY = dt.datetime(2026, 11, 24, 10, 0)  # a Tuesday, naive: taken as the service's local time


def at(day: int, hhmm: str) -> dt.datetime:
    h, m = map(int, hhmm.split(":"))
    return dt.datetime(2026, 11, 22 + day, h, m)  # 22 Nov 2026 is a Sunday: day 0 = Sunday


def test_weekday_key_starts_on_sunday():
    assert hours.weekday_key(at(0, "12:00")) == "sun"
    assert hours.weekday_key(TUESDAY) == "tue"


@pytest.mark.parametrize("moment, expected", [
    (at(2, "08:59"), False), (at(2, "09:00"), True), (at(2, "16:59"), True), (at(2, "17:00"), False),
    (at(0, "12:00"), False),  # Sunday: not listed
])
def test_open_within_listed_ranges(moment, expected):
    assert hours.is_open(WEEKDAYS_9_5, moment) is expected


def test_unknown_hours_are_none_not_closed():
    assert hours.is_open({}, TUESDAY) is None
    assert hours.is_open(None, TUESDAY) is None
    summary = hours.today({}, TUESDAY)
    assert summary.known is False and summary.open_now is None


def test_all_day_and_split_ranges():
    all_day = {"tue": [["00:00", "24:00"]]}
    assert hours.is_open(all_day, at(2, "00:00")) and hours.is_open(all_day, at(2, "23:59"))
    assert hours.today(all_day, at(2, "03:00")).all_day
    split = {"tue": [["09:00", "12:00"], ["13:00", "17:00"]]}
    assert hours.is_open(split, at(2, "12:30")) is False
    assert hours.is_open(split, at(2, "13:00")) is True
    assert hours.format_ranges(hours.day_ranges(split, "tue")) == "09:00\u201312:00, 13:00\u201317:00"
    assert hours.format_ranges(hours.day_ranges(all_day, "tue"), "24 hours") == "24 hours"


def test_overnight_range_runs_into_the_next_morning():
    night = {"fri": [["22:00", "02:00"]]}
    assert hours.is_open(night, at(5, "23:00")) is True  # Friday night
    assert hours.is_open(night, at(6, "01:30")) is True  # Saturday early morning
    assert hours.is_open(night, at(6, "02:00")) is False
    assert hours.is_open(night, at(5, "21:00")) is False


def test_malformed_ranges_are_ignored():
    assert hours.is_open({"tue": [["9am", "5pm"], ["x"]]}, TUESDAY) is False


def test_aware_now_is_converted_to_the_service_zone():
    utc = dt.datetime(2026, 11, 24, 15, 30, tzinfo=dt.timezone.utc)  # 10:30 in New York, 07:30 in LA
    ny = hours.today(WEEKDAYS_9_5, utc, zones.state_zone("NY"))
    ca = hours.today(WEEKDAYS_9_5, utc, zones.state_zone("CA"))
    assert ny.local_time == "10:30" and ny.open_now is True
    assert ca.local_time == "07:30" and ca.open_now is False


def test_week_starts_on_monday():
    assert [day for day, _ in hours.week(WEEKDAYS_9_5)][:2] == ["mon", "tue"]
    assert hours.week(WEEKDAYS_9_5)[-1] == ("sun", ())


@pytest.mark.parametrize("hours_text, notes", [
    ("Sunday 7:30pm–8:30pm", ""),
    ("Mon-Fri 9am-5pm; Sat 10am-2pm", ""),
    ("24 hours, 7 days", ""),
    ("Sunday 7:30pm–8:30pm (end time not given; 1 hour assumed)", "(end time not given; 1 hour assumed)"),
    ("Mon-Fri 9am-5pm\nClosed on holidays", "Closed on holidays"),
    ("Walk-ins welcome until noon", "Walk-ins welcome until noon"),
])
def test_hours_notes_drop_only_the_english_restatement_of_structured_hours(hours_text, notes):
    assert hours.hours_notes({"sun": [["19:30", "20:30"]]}, hours_text) == notes


def test_hours_notes_keep_the_whole_text_when_there_are_no_structured_hours():
    assert hours.hours_notes({}, "Sunday 7:30pm–8:30pm") == "Sunday 7:30pm–8:30pm"
