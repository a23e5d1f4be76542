"""Opening hours from HSDS 1.1 strings, HSDS 2.0/3.0 RRULE rows, AIRS day blocks and Meeting Guide
day/time, into structured hours plus a readable text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from importers import schedules
from importers.schedules import HoursBuilder, from_rrule_rows, from_weekday_rows, meeting_hours, parse_range, parse_time


@pytest.mark.parametrize("text, minutes", [
    ("9:00am", 540), ("9am", 540), ("9 am ", 540), ("9:00a", 540), ("9:0am", 540), ("830am", 510),
    ("8:00", 480), ("8:00m", 480), ("6:300pm", 1110), ("12:00pm (dispensing)", 720), ("5:00pm Mon", 1020),
    ("12:00am", 0), ("10:00:00", 600), ("09:00:00.000", 540), ("11:00 AM", 660), ("7:30 p.m.", 1170),
    ("noon", 720), ("19:30", 1170), ("24:00", 1440),
])
def test_time_variants_seen_in_real_data(text, minutes):
    assert parse_time(text)[0] == minutes


@pytest.mark.parametrize("text", ["", None, "abc", "25:00", "13:00pm", "9:75am", "closed"])
def test_not_a_time(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("opens, closes, expected", [
    ("9:00am", "5:00pm", (540, 1020)),
    ("8:00", "5:00", (480, 1020)),  # 12-hour clock without its pm
    ("1:00", "5:00pm", (780, 1020)),  # an afternoon, not 1 in the morning
    ("22:00", "06:00", (1320, 360)),  # a night shelter: past midnight
    ("00:00", "23:59", (0, 1440)),  # HSDS's "all day"
    ("00:00", "00:00", (0, 1440)),
    ("8:00am", "12:00am", (480, 1440)),  # closes at midnight
    ("9:00pm", "7:00pm", None),  # 22 hours overnight: a typo in Miami's data, left as text
    ("9:00am", "", None),
    ("9:00am", "9:00am", None),
])
def test_ranges(opens, closes, expected):
    assert parse_range(opens, closes) == expected


def test_hsds_11_weekday_rows_several_ranges_a_day_and_notes():
    rows = [
        {"weekday": "Monday", "opens_at": "9:00am", "closes_at": "5:00pm", "original_text": "9:00am-5:00pm, Mon"},
        {"weekday": "Tuesday", "opens_at": "9:00am", "closes_at": "12:00pm", "original_text": ""},
        {"weekday": "Tuesday", "opens_at": "1:00pm", "closes_at": "5:00pm", "original_text": ""},
        {"weekday": "Saturday", "opens_at": "", "closes_at": "", "original_text": "Clinic:\\nby appointment"},
    ]
    b = from_weekday_rows(rows)
    assert b.hours() == {"mon": [["09:00", "17:00"]], "tue": [["09:00", "12:00"], ["13:00", "17:00"]]}
    # The simple original text repeats the structure and is not repeated; the rest is kept.
    assert b.text() == "Mon 9am–5pm; Tue 9am–noon, 1pm–5pm\nClinic:\nby appointment"


def test_the_211s_own_words_win_over_the_row_its_converter_made_of_them():
    # Miami 211 (173 of 2,597 services): the week's text on one row, with the last clause's day
    # and the first clause's times. The screen said "closed now" on a Monday.
    b = from_weekday_rows([{"weekday": "Friday", "opens_at": "9:00am", "closes_at": "7:00pm",
                            "original_text": "9:00am-7:00pm, Mon-Thur;\\n9:00am-5:00pm, Fri"}])
    week = {day: [["09:00", "19:00"]] for day in ("mon", "tue", "wed", "thu")}
    assert b.hours() == {**week, "fri": [["09:00", "17:00"]]}
    assert b.text() == "Mon–Thu 9am–7pm; Fri 9am–5pm"
    # A weekend range wraps from Saturday to Sunday; a text that is not only such clauses leaves
    # the rows as they are, and is kept as a note.
    assert from_weekday_rows([{"weekday": "Saturday", "opens_at": "9am", "closes_at": "1pm",
                               "original_text": "9am-1pm, Sat-Sun"}]).hours() == {
        "sun": [["09:00", "13:00"]], "sat": [["09:00", "13:00"]]}
    kept = from_weekday_rows([{"weekday": "Monday", "opens_at": "9am", "closes_at": "1pm",
                               "original_text": "9am-1pm, Mon (walk-ins until noon)"}])
    assert kept.hours() == {"mon": [["09:00", "13:00"]]} and "walk-ins" in kept.text()


def test_overnight_continues_on_the_next_day_and_saturday_wraps_to_sunday():
    b = from_weekday_rows([{"weekday": "Saturday", "opens_at": "10:00pm", "closes_at": "6:00am"}])
    assert b.hours() == {"sun": [["00:00", "06:00"]], "sat": [["22:00", "24:00"]]}


def test_24_hours_text_becomes_all_week():
    b = from_weekday_rows([{"weekday": "Monday", "opens_at": "", "closes_at": "",
                            "original_text": "24 hours a day, 7 days a week"}])
    assert b.hours() == {d: [["00:00", "24:00"]] for d in ("sun", "mon", "tue", "wed", "thu", "fri", "sat")}
    assert b.text() == "24 hours, 7 days"


def test_numbers_as_weekdays_are_iso():
    b = from_weekday_rows([{"weekday": "1", "opens_at": "9:00", "closes_at": "17:00"},
                           {"weekday": "7", "opens_at": "10:00", "closes_at": "12:00"}])
    assert set(b.hours()) == {"mon", "sun"}


def test_rrule_rows_weekly_daily_monthly_and_free_text():
    b = from_rrule_rows([
        {"freq": "WEEKLY", "byday": "MO,TU,WE,TH,FR", "opens_at": "10:00:00", "closes_at": "18:00:00",
         "description": "Closed on public holidays"},
        {"freq": "MONTHLY", "byday": "2TU", "opens_at": "18:00", "closes_at": "20:00"},
    ])
    assert b.hours() == {d: [["10:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    assert b.text() == "Mon–Fri 10am–6pm\nClosed on public holidays\n2nd Tue of the month 6pm–8pm"
    daily = from_rrule_rows([{"freq": "DAILY", "opens_at": "00:00", "closes_at": "23:59"}])
    assert daily.text() == "24 hours, 7 days"
    # WEEKLY without byday repeats on dtstart's weekday (2024-01-02 was a Tuesday).
    weekly = from_rrule_rows([{"freq": "WEEKLY", "dtstart": "2024-01-02", "opens_at": "9:00", "closes_at": "12:00"}])
    assert weekly.hours() == {"tue": [["09:00", "12:00"]]}
    # No rule at all: the times are kept as text, no days are invented.
    bare = from_rrule_rows([{"freq": "", "byday": "", "opens_at": "9:00", "closes_at": "17:00"}])
    assert (bare.hours(), bare.text()) == ({}, "9am–5pm (days not given)")


def test_rrule_row_with_a_weekday_column_reads_as_11():
    b = from_rrule_rows([{"weekday": "Friday", "opens_at": "9am", "closes_at": "1pm", "byday": ""}])
    assert b.hours() == {"fri": [["09:00", "13:00"]]}


def test_airs_day_blocks():
    b = schedules.from_day_blocks([("Monday", "09:00:00.000", "12:00:00.000"),
                                   ("Monday", "13:00:00.000", "19:00:00.000"), ("Notes", "", "")])
    assert b.hours() == {"mon": [["09:00", "12:00"], ["13:00", "19:00"]]}


def test_overlapping_ranges_merge():
    b = HoursBuilder()
    b.add(1, 540, 720)
    b.add(1, 600, 1020)
    assert b.hours() == {"mon": [["09:00", "17:00"]]}


def test_describe_groups_days_monday_first():
    hours = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
    hours["sat"] = [["10:00", "14:00"]]
    hours["sun"] = [["00:00", "24:00"]]
    assert schedules.describe(hours) == "Mon–Fri 9am–5pm; Sat 10am–2pm; Sun 24 hours"


# ------------------------------------------------------------------------------ Meeting Guide

def test_meeting_with_end_time():
    assert meeting_hours([0], "10:00", "11:00") == ({"sun": [["10:00", "11:00"]]}, "Sunday 10am–11am")


def test_meeting_without_end_time_is_one_hour_and_says_so():
    hours, text = meeting_hours([1, 3], "11:00 AM", None)
    assert hours == {"mon": [["11:00", "12:00"]], "wed": [["11:00", "12:00"]]}
    assert text == "Monday, Wednesday 11am–noon (end time not given; 1 hour assumed)"


def test_meeting_past_midnight():
    hours, text = meeting_hours([6], "23:30", "00:30")
    assert hours == {"sat": [["23:30", "24:00"]], "sun": [["00:00", "00:30"]]}
    assert text == "Saturday 11:30pm–12:30am"


def test_meeting_end_in_12_hour_clock_and_impossible_end():
    assert meeting_hours([2], "12:15", "01:15")[0] == {"tue": [["12:15", "13:15"]]}
    hours, text = meeting_hours([2], "17:30", "16:30")
    assert hours == {"tue": [["17:30", "18:30"]]} and "1 hour assumed" in text


@pytest.mark.parametrize("value, expected", [
    (0, [0]), ([1, 3], [1, 3]), ("4", [4]), ("Monday", [1]), (7, None), (-1, None), ("x", None),
    (True, None), ([], None), (None, None),
])
def test_meeting_days(value, expected):
    assert schedules.meeting_days(value) == expected


@given(st.integers(0, 6), st.integers(0, 1439), st.one_of(st.none(), st.integers(0, 1439)))
def test_meeting_hours_are_always_valid_ranges(day, start, end):
    end_text = None if end is None else f"{end // 60:02d}:{end % 60:02d}"
    hours, text = meeting_hours([day], f"{start // 60:02d}:{start % 60:02d}", end_text)
    assert text
    for ranges in hours.values():
        for a, b in ranges:
            assert "00:00" <= a < b <= "24:00"


@given(st.text(max_size=30), st.text(max_size=30))
def test_any_text_is_a_range_or_none_never_an_error(opens, closes):
    span = parse_range(opens, closes)
    assert span is None or (0 <= span[0] < 1440 and 0 <= span[1] <= 1440 and span[0] != span[1])
