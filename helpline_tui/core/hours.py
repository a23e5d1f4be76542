"""Opening hours: today's hours and whether a service is open at a given moment.

Pure functions over the record's `hours` dict ({"mon": [["09:00", "17:00"]], ...}; "00:00"-"24:00"
is open all day; a range whose end is before its start runs past midnight). The caller passes the
moment (`now`), so results are testable and the TUI can inject a fixed clock.

Times in a record are local to the service: `today()` reads `now` in the service's zone, which
core/zones.py finds (its ZIP code's, else its state's, else the place searched).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from helpline_tui.core import zones
from helpline_tui.core.records import WEEKDAYS

Range = tuple[str, str]


@dataclass(frozen=True)
class TodayHours:
    day: str  # weekday key: "sun" .. "sat"
    ranges: tuple[Range, ...]  # today's ranges as listed; empty when none are listed today
    known: bool  # the record lists hours for at least one day
    open_now: bool | None  # None when the hours are not known
    all_day: bool  # open 00:00-24:00 today
    local_time: str  # "19:30", the service's local time used for the answer


def weekday_key(moment: dt.datetime | dt.date) -> str:
    """Monday=0 in Python; WEEKDAYS starts on Sunday."""
    return WEEKDAYS[(moment.weekday() + 1) % 7]


def _minutes(hhmm: str) -> int | None:
    try:
        hours, minutes = hhmm.split(":")
        value = int(hours) * 60 + int(minutes)
    except (ValueError, AttributeError):
        return None
    return value if 0 <= value <= 24 * 60 else None


def day_ranges(hours: dict | None, day: str) -> tuple[Range, ...]:
    out = []
    for item in (hours or {}).get(day) or ():
        if isinstance(item, (list, tuple)) and len(item) == 2:
            out.append((str(item[0]), str(item[1])))
    return tuple(out)


def has_hours(hours: dict | None) -> bool:
    return any(day_ranges(hours, day) for day in WEEKDAYS)


def _open_in(ranges: tuple[Range, ...], minute: int, yesterday: tuple[Range, ...]) -> bool:
    for start, end in ranges:
        s, e = _minutes(start), _minutes(end)
        if s is None or e is None:
            continue
        if s < e and s <= minute < e:
            return True
        if e <= s and minute >= s:  # runs past midnight (or 00:00-00:00, all day)
            return True
    for start, end in yesterday:  # yesterday's overnight range still running this morning
        s, e = _minutes(start), _minutes(end)
        if s is None or e is None:
            continue
        if e < s and minute < e:
            return True
    return False


def is_open(hours: dict | None, moment: dt.datetime) -> bool | None:
    """True/False at `moment` (already in the service's local time); None when no hours are known.
    A day with no listed ranges counts as not open, per the listed hours."""
    if not has_hours(hours):
        return None
    day = weekday_key(moment)
    yesterday = WEEKDAYS[(WEEKDAYS.index(day) - 1) % 7]
    minute = moment.hour * 60 + moment.minute
    return _open_in(day_ranges(hours, day), minute, day_ranges(hours, yesterday))


def is_all_day(ranges: tuple[Range, ...]) -> bool:
    return any(_minutes(s) == 0 and _minutes(e) == 24 * 60 for s, e in ranges)


def today(hours: dict | None, now: dt.datetime, zone_name: str | None = None) -> TodayHours:
    """Today's hours and open-now for a service, at `now` read in the service's zone (`zone_name`,
    from zones.record_zone; None: this computer's clock)."""
    local = zones.local(now, zone_name)
    day = weekday_key(local)
    ranges = day_ranges(hours, day)
    return TodayHours(
        day=day, ranges=ranges, known=has_hours(hours), open_now=is_open(hours, local),
        all_day=is_all_day(ranges), local_time=local.strftime("%H:%M"),
    )


def format_ranges(ranges: tuple[Range, ...], all_day_label: str = "24 h") -> str:
    """"09:00–12:00, 13:00–17:00"; the all-day range as `all_day_label`."""
    if is_all_day(ranges):
        return all_day_label
    return ", ".join(f"{s}\u2013{e}" for s, e in ranges)


# What an importer's English restatement of a schedule is made of: day names, times, "24 hours".
_SCHEDULE_WORDS = re.compile(
    r"(?i)\b(?:24 hours|7 days|a week|daily|every day|noon|midnight|to|and|through)\b"
    r"|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?s?\b"
    r"|\b\d{1,2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"|[\s\u2013\u2014\-,;&/]")
_TRAILING_NOTES = re.compile(r"^(.*?)((?:\s*\([^()]*\))*)\s*$")


def hours_notes(hours: dict | None, hours_text: str | None) -> str:
    """The imported hours text less the lines that only restate the structured `hours` in English
    ("Sunday 7:30pm–8:30pm", "Mon-Fri 9am-5pm"): those are shown formatted in the reader's language.
    Anything else the source or the importer said (a note in brackets, "closed on holidays") stays,
    as written."""
    text = (hours_text or "").strip()
    if not text or not has_hours(hours):
        return text
    kept = []
    for line in text.splitlines():
        m = _TRAILING_NOTES.match(line)  # matches any one line: a line holds no newline
        schedule, notes = m.groups() if m else (line, "")
        if schedule.strip() and not _SCHEDULE_WORDS.sub("", schedule):
            line = notes.strip()
        if line.strip():
            kept.append(line.strip())
    return "\n".join(kept)


def week(hours: dict | None) -> list[tuple[str, tuple[Range, ...]]]:
    """(day, ranges) from Monday to Sunday, as people read a week."""
    order = WEEKDAYS[1:] + WEEKDAYS[:1]
    return [(day, day_ranges(hours, day)) for day in order]
