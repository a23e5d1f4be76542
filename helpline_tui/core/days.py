"""Days in a query ("aa monday", "alcohólicos anónimos hoy", "na meeting tonight", "sunday
morning aa", "junta por la tarde"): which weekday, and which part of it, a record's hours must have.

A day is a concept like a need: the index gives each record with hours a tag per weekday it is
open or meets ('dymon'), one per part of that day its hours are in ('dymonmo', 'dymonev'; PARTS
says the hours of each) and one per part of any day ('dyanyev'), so FTS5 intersects days with
words, needs and places itself and totals stay exact. "Today", "tonight" and "tomorrow" count from
the day the caller gives (`today`: the day at the place searched, core/zones.py), else this
computer's day; the status line and the JSON say which day, where.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

from helpline_tui.core.records import WEEKDAYS

# Parts of the day: [start, end) of each, "HH:MM". Hours are in a part when they start in it or go
# on more than an hour into it: a meeting 19:00-20:00 is in the evening; a service open 09:00-17:00
# is open in the morning, at noon and in the afternoon, not in the evening (09:00-18:30 is).
# "Night" and "tonight" are the evening.
PARTS: dict[str, tuple[str, str]] = {
    "mo": ("04:00", "12:00"),  # morning, mañana
    "no": ("11:00", "14:00"),  # noon, mediodía
    "af": ("12:00", "17:00"),  # afternoon, tarde
    "ev": ("17:00", "24:00"),  # evening, night, tonight; noche, esta noche
}
PART_NAMES = {"mo": "morning", "no": "noon", "af": "afternoon", "ev": "evening"}  # in --json
ANY_DAY = "any"  # a part of no day in particular ("morning aa levittown"): 'anymo'

_WEEKDAY_NAMES = (
    ("sunday", "domingo"), ("monday", "lunes"), ("tuesday", "martes"), ("wednesday", "miercoles"),
    ("thursday", "jueves"), ("friday", "viernes"), ("saturday", "sabado"),
)
# A day: a weekday (plurals too: "mondays", "los sabados"), or one relative to today: folded words ->
# (weekday index or None, days from today, part of the day or "").
_DAYS: dict[tuple[str, ...], tuple[int | None, int, str]] = {
    **{(name,): (index, 0, "") for index, names in enumerate(_WEEKDAY_NAMES) for name in names},
    **{(names[0] + "s",): (index, 0, "") for index, names in enumerate(_WEEKDAY_NAMES)},
    ("sabados",): (6, 0, ""), ("domingos",): (0, 0, ""),
    ("today",): (None, 0, ""), ("hoy",): (None, 0, ""), ("tonight",): (None, 0, "ev"),
    ("tonite",): (None, 0, "ev"), ("this", "evening"): (None, 0, "ev"), ("esta", "noche"): (None, 0, "ev"),
    ("this", "morning"): (None, 0, "mo"), ("this", "afternoon"): (None, 0, "af"),
    ("esta", "manana"): (None, 0, "mo"), ("esta", "tarde"): (None, 0, "af"),
    ("tomorrow",): (None, 1, ""), ("manana",): (None, 1, ""),
}
# A part of the day, after a day ("monday night", "hoy por la noche", "mañana en la noche", "sábado
# en la mañana" (Saturday, not tomorrow), "miércoles de noche") or alone in a query asking for a
# meeting ("early morning aa", "junta por la mañana").
_PART_WORDS = {
    "ev": ("night", "nights", "nite", "evening", "evenings", "tonight", "noche", "noches", "late night"),
    "mo": ("morning", "mornings", "early morning", "manana", "mananas", "madrugada"),
    "af": ("afternoon", "afternoons", "tarde", "tardes"),
    "no": ("noon", "midday", "lunchtime", "lunch time", "mediodia", "medio dia"),
}
_PARTS: dict[tuple[str, ...], str] = {}
for _part, _words in _PART_WORDS.items():
    for _word in _words:
        _PARTS[tuple(_word.split())] = _part
        for _before in ("in the", "at", "at the", "por la", "en la", "de la", "de", "al", "a", "a la", "por el", "en el"):
            _PARTS.setdefault((*_before.split(), *_word.split()), _part)
_PART_ALONE_AFTER = frozenset({"early", "late"})  # "early morning", "late night" are in the table already
# A day named after these is a place's ("Santo Domingo", "San Lunes" is none, but safe).
_NOT_AFTER = frozenset({"san", "santo", "santa"})
# Misspelt day words worth a correction: long enough that one or two typos cannot make another word.
_SPELLED = tuple(k[0] for k in _DAYS if len(k) == 1 and len(k[0]) >= 6)


def computer_today() -> int:
    """0-6, Sunday = 0, on this computer's clock."""
    return (dt.date.today().weekday() + 1) % 7


def day_at(words: list[str], i: int, corrected=lambda word: None, today=computer_today, part_alone: bool = False
           ) -> tuple[int, str, bool] | None:
    """(words taken, day key, whether it counts from today) of a day named at words[i] ("monday",
    "esta noche", "lunes por la noche", "tomorrow night"; with `part_alone`, a part of no day in
    particular too: "morning", "por la tarde"), or None. A day key is a weekday ('mon') or 'any',
    then the part of the day if one was said: 'monev', 'sunmo', 'anyaf'. `corrected(word)` may
    offer the day word a misspelt word stands for ('wensday' -> 'wednesday'); `today()` is the
    weekday (0-6, Sunday = 0) "today" means, asked only when a word needs it."""
    if i > 0 and words[i - 1] in _NOT_AFTER:
        return None
    for size in (2, 1):
        key = tuple(words[i:i + size])
        day = _DAYS.get(key)
        if day is None and size == 1 and key:
            fixed = corrected(key[0])
            day = _DAYS.get((fixed,)) if fixed else None
        if day is None or len(key) < size:
            continue
        weekday, ahead, part = day
        taken = size
        said, after = _part_at(words, i + size)
        if said:
            part, taken = part or said, size + after
        index = weekday if weekday is not None else (today() + ahead) % 7
        return taken, WEEKDAYS[index] + part, weekday is None
    if part_alone:
        part, size = _part_at(words, i)
        if part:
            return size, ANY_DAY + part, False
    return None


def _part_at(words: list[str], i: int) -> tuple[str, int]:
    """(part of the day, words taken) said at words[i], longest first; ("", 0) when none."""
    for size in (4, 3, 2, 1):
        part = _PARTS.get(tuple(words[i:i + size]))
        if part is not None and i + size <= len(words):
            return part, size
    return "", 0


def token(day_key: str) -> str:
    """The index tag of a day key: 'dymon', 'dymonev'."""
    return "dy" + day_key


@lru_cache(maxsize=4096)
def day_keys(hours_json: str | None) -> tuple[str, ...]:
    """The day keys a record's hours (JSON, as stored) have: each weekday with hours ('mon'), each
    part of it they are in ('monmo', 'monev'; PARTS), and each part of any day ('anyev')."""
    if not hours_json or hours_json == "{}":
        return ()
    try:
        hours = json.loads(hours_json)
    except ValueError:
        return ()
    keys: list[str] = []
    any_day: set[str] = set()
    for day in WEEKDAYS:
        ranges = hours.get(day) if isinstance(hours, dict) else None
        if not ranges:
            continue
        keys.append(day)
        for part, (start, end) in PARTS.items():
            if any(_in_part(r, start, end) for r in ranges):
                keys.append(day + part)
                any_day.add(part)
    keys += [ANY_DAY + part for part in PARTS if part in any_day]
    return tuple(keys)


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def _in_part(hours: object, start: str, end: str) -> bool:
    """Whether a range of hours ["09:00", "17:00"] starts in a part of the day or goes on more than
    an hour into it."""
    if not (isinstance(hours, list) and len(hours) == 2 and all(isinstance(h, str) and len(h) >= 5 for h in hours)):
        return False
    try:
        opens, closes, lo, hi = _minutes(hours[0]), _minutes(hours[1]), _minutes(start), _minutes(end)
    except ValueError:
        return False
    if closes <= opens:
        closes += 24 * 60  # open past midnight
    return lo <= opens < hi or min(closes, hi) - max(opens, lo) > 60


def label_where(day_key: str, today, lang: str = "en") -> str:
    """A day as the status line and the table say it: 'Monday' for a weekday named; for one counted
    from today (`today`, a zones.Today), where that day is: 'Sunday evening at Santa Ana, CA',
    'Monday on this computer's clock'."""
    from helpline_tui.i18n import t

    day = label(day_key, lang)
    if today is None:
        return day
    return t("status.day_at", lang, day=day, place=today.place) if today.place else t("status.day_here", lang, day=day)


_PART_LABELS = {
    "en": {"mo": "morning", "no": "noon", "af": "afternoon", "ev": "evening"},
    "es": {"mo": "por la mañana", "no": "al mediodía", "af": "por la tarde", "ev": "por la noche"},
}


def part_of(day_key: str) -> str:
    """The part of the day of a day key ('ev' of 'monev'), or ""."""
    return day_key[3:]


def weekday_of(day_key: str) -> str | None:
    """'mon' of 'monev'; None for a part of any day ('anyev')."""
    return None if day_key.startswith(ANY_DAY) else day_key[:3]


def label(day_key: str, lang: str = "en") -> str:
    """'Monday', 'Monday evening', 'morning'; 'lunes', 'lunes por la noche', 'por la mañana'."""
    part = _PART_LABELS["es" if lang == "es" else "en"].get(part_of(day_key), "")
    if weekday_of(day_key) is None:
        return part
    index = WEEKDAYS.index(day_key[:3])
    if lang == "es":
        names = ("domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado")
        return names[index] + (" " + part if part else "")
    names = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    return names[index] + (" " + part if part else "")
