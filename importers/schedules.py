"""Opening hours from every source shape -> the record's structured hours plus a readable text.

Structured hours are {"mon": [["09:00", "17:00"], ...], ...}; "00:00"-"24:00" means open all day.
Shapes handled:
- HSDS 1.1 `regular_schedules`: one row per weekday name with "9:00am"-style strings, in the many
  variants real 211 data has ("9am", "9 am ", "9:00a", "9:0am", "830am", "8:00", "6:300pm",
  "12:00pm (dispensing)");
- HSDS 2.0.1/3.0 `schedules`: RRULE-style rows (freq, byday "MO,TU", opens_at "10:00:00");
- AIRS XML `TimeOpen` day blocks (From/To "09:00:00.000");
- Meeting Guide: day 0-6 (Sunday = 0) or a list of days, time "19:30" or off-spec "7:30 PM".
Several ranges per day are kept; a range past midnight continues on the next day. Whatever cannot be
structured (monthly rules, "by appointment", free text) goes to the text, never silently lost.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping

from helpline_tui.core.records import WEEKDAYS
from helpline_tui.core.textnorm import fold

DAY_MINUTES = 24 * 60
Hours = dict[str, list[list[str]]]

_DAY_WORDS = {
    0: ("sunday", "sun", "su", "domingo", "dom", "do"),
    1: ("monday", "mon", "mo", "lunes", "lun", "lu"),
    2: ("tuesday", "tue", "tues", "tu", "martes", "mar", "ma"),
    3: ("wednesday", "wed", "weds", "we", "miercoles", "mie", "mi"),
    4: ("thursday", "thu", "thur", "thurs", "th", "jueves", "jue", "ju"),
    5: ("friday", "fri", "fr", "viernes", "vie", "vi"),
    6: ("saturday", "sat", "sa", "sabado", "sab"),
}
_DAY_INDEX = {word: index for index, words in _DAY_WORDS.items() for word in words}
_RRULE_DAY = {"SU": 0, "MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6}
_SHORT = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
_ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}


# ------------------------------------------------------------------------------------ times

_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:\s*[:.h]\s*(?P<m>\d{1,3}))?(?::(?P<s>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<mer>a\.?\s?m\.?|p\.?\s?m\.?|a|p|m)?(?![a-z])"
)
_COMPACT = re.compile(r"^(?P<h>\d{1,2})(?P<m>\d{2})\s*(?P<mer>am|pm|a|p)\b")


def parse_time(text: object) -> tuple[int, str | None] | None:
    """(minutes after midnight, "am"/"pm"/None) for one time, or None when it is not a time.

    24-hour times have no meridiem; "12:00am" is 0 and "12:00pm" is noon; "8:00m" (a typo seen in
    211 data) counts as no meridiem and is resolved by the range it belongs to."""
    if text is None:
        return None
    t = str(text).strip().lower()
    if not t:
        return None
    if t.startswith("noon") or t.startswith("mediodia"):
        return 12 * 60, "pm"
    if t.startswith("midnight") or t.startswith("medianoche"):
        return 0, "am"
    m = _COMPACT.match(t) or _TIME.match(t)
    if not m:
        return None
    hour = int(m.group("h"))
    minute_text = m.group("m") or "0"
    # "6:300pm" (one key too many) reads as 6:30; "9:0am" as 9:00.
    minute = int(minute_text[:2]) if len(minute_text) >= 2 else int(minute_text)
    mer = (m.group("mer") or "").replace(".", "").replace(" ", "")
    meridiem = {"am": "am", "a": "am", "pm": "pm", "p": "pm"}.get(mer)
    if minute > 59 or hour > 24 or (meridiem and not 1 <= hour <= 12):
        return None
    if meridiem == "am":
        hour = 0 if hour == 12 else hour
    elif meridiem == "pm":
        hour = hour if hour == 12 else hour + 12
    total = hour * 60 + minute
    if total > DAY_MINUTES:
        return None
    return total, meridiem


def parse_range(opens: object, closes: object) -> tuple[int, int] | None:
    """(open, close) minutes for one opening, or None. A close before the open continues past
    midnight; "00:00"/"12:00am"/"23:59" as a close mean the end of the day."""
    o = parse_time(opens)
    c = parse_time(closes)
    if o is None or c is None:
        return None
    (om, omer), (cm, cmer) = o, c
    if cmer is None and cm < om and cm + 12 * 60 > om and cm < 13 * 60:
        cm += 12 * 60  # "9:00am" - "5:00": a 12-hour clock without its "pm"
    if omer is None and cmer == "pm" and 60 <= om < 7 * 60 and om + 12 * 60 < cm:
        om += 12 * 60  # "1:00" - "5:00pm" is an afternoon, not 1 in the morning
    if cm == DAY_MINUTES - 1 and om < cm:
        cm = DAY_MINUTES  # HSDS writes a full day as 00:00-23:59
    if cm == 0:
        cm = DAY_MINUTES  # closing at midnight; "00:00"-"00:00" is all day
    if cm == om:
        return None
    if cm < om and DAY_MINUTES - om + cm > 16 * 60:
        return None  # "9:00pm-7:00pm": 22 hours overnight is a typo, not a night shelter
    return om, cm


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _clock(minutes: int) -> str:
    """Readable 12-hour time: 9am, 5:30pm, noon, midnight."""
    if minutes in (0, DAY_MINUTES):
        return "midnight"
    if minutes == 12 * 60:
        return "noon"
    hour, minute = divmod(minutes, 60)
    suffix = "am" if hour < 12 else "pm"
    hour = hour % 12 or 12
    return f"{hour}{':%02d' % minute if minute else ''}{suffix}"


def _minutes(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


# ------------------------------------------------------------------------------------ days

def day_index(value: object) -> int | None:
    """0-6 (Sunday = 0) for a day name or abbreviation (English or Spanish), or None.
    Numbers are not accepted here: what a number means depends on the source (see callers)."""
    if value is None:
        return None
    return _DAY_INDEX.get(fold(str(value)).replace(" ", ""))


# ------------------------------------------------------------------------------------ building

class HoursBuilder:
    """Collects ranges per weekday and notes, then renders both outputs."""

    def __init__(self) -> None:
        self._ranges: dict[int, list[tuple[int, int]]] = {}
        self.notes: list[str] = []

    def add(self, day: int, opens: int, closes: int) -> None:
        """One opening; a close before the open continues on the next day."""
        if closes > opens:
            self._ranges.setdefault(day, []).append((opens, closes))
        elif closes < opens:
            self._ranges.setdefault(day, []).append((opens, DAY_MINUTES))
            if closes > 0:
                self._ranges.setdefault((day + 1) % 7, []).append((0, closes))

    def add_all_days(self, opens: int = 0, closes: int = DAY_MINUTES) -> None:
        for day in range(7):
            self.add(day, opens, closes)

    def note(self, text: object) -> None:
        text = str(text or "").replace("\\n", "\n").strip()
        if text and text not in self.notes:
            self.notes.append(text)

    @property
    def empty(self) -> bool:
        return not self._ranges

    def hours(self) -> Hours:
        out: Hours = {}
        for day in sorted(self._ranges):
            out[WEEKDAYS[day]] = [[hhmm(a), hhmm(b)] for a, b in _merge(self._ranges[day])]
        return out

    def text(self) -> str:
        parts = [describe(self.hours())] if self._ranges else []
        return "\n".join(p for p in [*parts, *self.notes] if p)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for a, b in sorted(set(ranges)):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def describe(hours: Mapping[str, list[list[str]]]) -> str:
    """'Mon-Fri 9am-5pm; Sat 10am-2pm', Monday first; '24 hours, 7 days' when always open."""
    if not hours:
        return ""
    def label(day: str) -> str:
        ranges = hours.get(day) or []
        if ranges == [["00:00", "24:00"]]:
            return "24 hours"
        return ", ".join(f"{_clock(_minutes(a))}–{_clock(_minutes(b))}" for a, b in ranges)

    order = [1, 2, 3, 4, 5, 6, 0]
    labels = [(d, label(WEEKDAYS[d])) for d in order if hours.get(WEEKDAYS[d])]
    if len(labels) == 7 and all(text == "24 hours" for _, text in labels):
        return "24 hours, 7 days"
    groups: list[tuple[int, int, str]] = []  # (first position, last position, label)
    for d, text in labels:
        pos = order.index(d)
        if groups and groups[-1][2] == text and groups[-1][1] == pos - 1:
            groups[-1] = (groups[-1][0], pos, text)
        else:
            groups.append((pos, pos, text))
    out = []
    for first, last, text in groups:
        days = _SHORT[order[first]] if first == last else (
            f"{_SHORT[order[first]]}, {_SHORT[order[last]]}" if last == first + 1
            else f"{_SHORT[order[first]]}–{_SHORT[order[last]]}")
        out.append(f"{days} {text}")
    return "; ".join(out)


_ALWAYS = re.compile(
    r"^\s*(open\s+)?(24\s*(hours|hrs|h)(\s*a\s*day)?|24\s*/\s*7)(\s*,?\s*(7|seven)\s*days(\s*a\s*week)?)?"
    r"(\s*,?\s*365\s*days(\s*a\s*year)?)?\s*\.?\s*$", re.I)


def always_open(text: object) -> bool:
    """True for a text that says nothing but 'open 24 hours, 7 days' ('24/7', '24 hours a day')."""
    return bool(text) and bool(_ALWAYS.match(str(text).replace("\\n", " ")))


# ------------------------------------------------------------------------------------ HSDS

def _number_day(value: str) -> int | None:
    """HSDS weekday numbers follow ISO 8601 (1 = Monday ... 7 = Sunday); 0 is read as Sunday."""
    if value.isdigit() and 0 <= int(value) <= 7:
        return int(value) % 7
    return None


def from_weekday_rows(rows: Iterable[Mapping[str, object]],
                      builder: HoursBuilder | None = None) -> HoursBuilder:
    """HSDS 1.1 `regular_schedules` rows: weekday, opens_at, closes_at (+ original_text)."""
    b = builder or HoursBuilder()
    for row in rows:
        weekday = str(row.get("weekday") or "").strip()
        day = day_index(weekday) if not weekday.isdigit() else _number_day(weekday)
        span = parse_range(row.get("opens_at"), row.get("closes_at"))
        original = str(row.get("original_text") or "").strip()
        written = _written_hours(original)
        if written:
            # The 211's own words, whole: its converter filled one row of "9:00am-7:00pm, Mon-Thur;
            # 9:00am-5:00pm, Fri" as Friday 9-7, so the screen said closed on Monday.
            for written_day, opens, closes in written:
                b.add(written_day, opens, closes)
        elif day is not None and span is not None:
            b.add(day, *span)
            if original and not _SIMPLE_TEXT.match(original):
                b.note(original)  # "Clinic: 9-11:30 & 1-3:30" says more than one range per row
        elif always_open(original):
            b.add_all_days()
        else:
            b.note(original or " ".join(str(row.get(k) or "") for k in ("weekday", "opens_at", "closes_at")))
    return b


_WRITTEN_CLAUSE = re.compile(r"^(?P<opens>[^-–,]+?)\s*[-–]\s*(?P<closes>[^-–,]+?)\s*,\s*(?P<first>[a-z]+)\.?"
                             r"(?:\s*[-–]\s*(?P<last>[a-z]+)\.?)?$", re.I)


def _written_hours(text: str) -> list[tuple[int, int, int]] | None:
    """(day, opens, closes) of every opening an HSDS 1.1 `original_text` states, when all of it is
    clauses like "9:00am-7:00pm, Mon-Thur" (separated by ";" or line breaks); else None."""
    out: list[tuple[int, int, int]] = []
    for clause in re.split(r";|\n|\\n", text):
        clause = clause.strip()
        if not clause:
            continue
        m = _WRITTEN_CLAUSE.match(clause)
        span = parse_range(m.group("opens"), m.group("closes")) if m else None
        first = day_index(m.group("first")) if m else None
        last = day_index(m.group("last")) if m and m.group("last") else first
        if span is None or first is None or last is None:
            return None
        days = range(first, (last if last >= first else last + 7) + 1)
        out += [(day % 7, *span) for day in days]
    return out or None


# "9:00am-5:00pm, Mon-Fri": what the structured rows already say, so not repeated as a note.
_SIMPLE_TEXT = re.compile(
    r"^\d{1,2}(:\d{2})?\s*[ap]m\s*-\s*\d{1,2}(:\d{2})?\s*[ap]m\s*,"
    r"\s*[A-Za-z]{2,5}\.?(\s*-\s*[A-Za-z]{2,5}\.?)?$", re.I)
_BYDAY = re.compile(r"^([+-]?\d{1,2})?(SU|MO|TU|WE|TH|FR|SA)$")


def from_rrule_rows(rows: Iterable[Mapping[str, object]],
                    builder: HoursBuilder | None = None) -> HoursBuilder:
    """HSDS 2.0.1/3.0 `schedules` rows: freq + byday + opens_at/closes_at (+ description, notes).
    Weekly rules become structured hours; monthly ones ("2nd Tuesday") and the free-text fields
    are kept in the text. Rows with a `weekday` (HSDS 1.1) are read as such, so one call reads any
    mix of rows."""
    b = builder or HoursBuilder()
    for row in rows:
        if _is_weekday_row(row):
            from_weekday_rows([row], b)
            continue
        _add_rule(row, b)
        _add_free_text(row, b)
    return b


def _is_weekday_row(row: Mapping[str, object]) -> bool:
    """An HSDS 1.1 row: a weekday and no byday, or a weekday column (maybe empty) and no freq."""
    if str(row.get("weekday") or "").strip() and not str(row.get("byday") or "").strip():
        return True
    return "weekday" in row and "freq" not in row


def _add_rule(row: Mapping[str, object], b: HoursBuilder) -> None:
    """The row's recurrence rule as hours, or as a note where it names no weekly days."""
    span = parse_range(row.get("opens_at"), row.get("closes_at"))
    if span is None:
        return
    freq = str(row.get("freq") or "").strip().upper()
    tokens = [t.strip().upper() for t in str(row.get("byday") or "").split(",") if t.strip()]
    weekly, monthly = _byday(tokens, freq)
    start = _date_weekday(row.get("dtstart"))
    if weekly:
        for _, day in weekly:
            b.add(day, *span)
    elif freq == "DAILY":
        b.add_all_days(*span)
    elif freq == "WEEKLY" and not tokens and start is not None:
        b.add(start, *span)  # RRULE: weekly on the start date's weekday
    elif not monthly:
        b.note(f"{_clock(span[0])}–{_clock(span[1])} (days not given)")
    if monthly:
        b.note(_monthly_text(monthly, span))


def _byday(tokens: list[str], freq: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(weekly, monthly) (ordinal, weekday) pairs of RRULE BYDAY tokens ("MO", "2TU", "-1FR"):
    monthly when numbered or the rule is monthly or yearly; tokens that are not days are left out."""
    weekly: list[tuple[int, int]] = []
    monthly: list[tuple[int, int]] = []
    for token in tokens:
        m = _BYDAY.match(token)
        if not m:
            continue
        (monthly if m.group(1) or freq in ("MONTHLY", "YEARLY") else weekly).append(
            (int(m.group(1) or 0), _RRULE_DAY[m.group(2)]))
    return weekly, monthly


def _add_free_text(row: Mapping[str, object], b: HoursBuilder) -> None:
    """`description` and `notes`: "open 24 hours" on a row with no hours yet is every day, all day;
    anything else is kept as a note."""
    for key in ("description", "notes"):
        text = str(row.get(key) or "").strip()
        if text and b.empty and always_open(text):
            b.add_all_days()
        elif text:
            b.note(text)


def _date_weekday(value: object) -> int | None:
    """0-6 (Sunday = 0) of an ISO date such as an RRULE dtstart, or None."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", str(value or ""))
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoweekday() % 7
    except ValueError:
        return None


def _monthly_text(days: list[tuple[int, int]], span: tuple[int, int]) -> str:
    when = ", ".join(f"{_ORDINAL.get(n, f'#{n}')} {_SHORT[d]}" for n, d in days)
    return f"{when} of the month {_clock(span[0])}–{_clock(span[1])}"


# ------------------------------------------------------------------------------------ AIRS XML

def from_day_blocks(blocks: Iterable[tuple[str, object, object]],
                    builder: HoursBuilder | None = None) -> HoursBuilder:
    """AIRS `TimeOpen` children: (day element name, From, To) in document order."""
    b = builder or HoursBuilder()
    for day_name, opens, closes in blocks:
        day = day_index(day_name)
        span = parse_range(opens, closes)
        if day is not None and span is not None:
            b.add(day, *span)
    return b


# ------------------------------------------------------------------------------------ Meeting Guide

def meeting_days(value: object) -> list[int] | None:
    """Meeting Guide `day`: 0-6 (Sunday = 0), a list of them, or a numeric string. None if bad."""
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        if isinstance(v, bool):
            return None
        if isinstance(v, str) and v.strip().isdigit():
            v = int(v.strip())
        elif isinstance(v, str):
            v = day_index(v)  # off-spec feeds write "Monday"
        if not isinstance(v, int) or not 0 <= v <= 6:
            return None
        if v not in out:
            out.append(v)
    return out or None


DEFAULT_MEETING_MINUTES = 60  # the spec: end_time defaults to start + 1 hour


def meeting_hours(days: list[int], time: object, end_time: object) -> tuple[Hours, str] | None:
    """Structured hours and text for a meeting, or None when the start time is unreadable.

    A missing end time is start + 1 hour (the Meeting Guide spec's default) and the text says the
    end is assumed. An end before the start is read as past midnight when the meeting starts in the
    evening, as a 12-hour slip ("12:15"-"01:15") when that gives a plausible length, and otherwise
    replaced by the default, again saying so."""
    start = parse_time(time)
    if start is None:
        return None
    s = start[0] % DAY_MINUTES
    note = ""
    end = parse_time(end_time) if end_time not in (None, "") else None
    if end is None:
        e = s + DEFAULT_MEETING_MINUTES
        note = "end time not given; 1 hour assumed" if end_time in (None, "") else \
            f"end time '{end_time}' unreadable; 1 hour assumed"
    else:
        e = end[0]
        if e < s:
            if s >= 18 * 60 and e <= 6 * 60:
                e += DAY_MINUTES
            elif end[1] is None and s < e + 12 * 60 <= s + 6 * 60:
                e += 12 * 60
            else:
                note = f"end time {end_time} is before the start; 1 hour assumed"
                e = s + DEFAULT_MEETING_MINUTES
        elif e == s:
            e = s + DEFAULT_MEETING_MINUTES
            note = "end time equals the start; 1 hour assumed"
    b = HoursBuilder()
    for day in days:
        if e > DAY_MINUTES:
            b.add(day, s, e - DAY_MINUTES)
        else:
            b.add(day, s, e)
    hours = b.hours()
    days_text = ", ".join(("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")[d]
                          for d in days)
    text = f"{days_text} {_clock(s)}–{_clock(e % DAY_MINUTES if e != DAY_MINUTES else e)}"
    if note:
        text += f" ({note})"
    return hours, text
