"""Days in a query ("aa monday", "alcohólicos anónimos hoy", "na meeting tonight"): which weekday,
and whether the evening, a record's hours must have.

A day is a concept like a need: the index gives each record with hours a tag per weekday it is
open or meets ('dymon'), and one more when that day's hours go on into the evening ('dymonev'),
so FTS5 intersects days with words, needs and places itself and totals stay exact. "Today",
"tonight" and "tomorrow" count from the day the caller gives (`today`: the day at the place
searched, core/zones.py), else this computer's day; the status line and the JSON say which day, where.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

from helpline_tui.core.records import WEEKDAYS

EVENING_ENDS_AFTER = "18:00"  # hours that go on past this are open, or meet, in the evening

_WEEKDAY_NAMES = (
    ("sunday", "domingo"), ("monday", "lunes"), ("tuesday", "martes"), ("wednesday", "miercoles"),
    ("thursday", "jueves"), ("friday", "viernes"), ("saturday", "sabado"),
)
# A day: a weekday (plurals too: "mondays", "los sabados"), or one relative to today: folded words ->
# (weekday index or None, days from today, evening).
_DAYS: dict[tuple[str, ...], tuple[int | None, int, bool]] = {
    **{(name,): (index, 0, False) for index, names in enumerate(_WEEKDAY_NAMES) for name in names},
    **{(names[0] + "s",): (index, 0, False) for index, names in enumerate(_WEEKDAY_NAMES)},
    ("sabados",): (6, 0, False), ("domingos",): (0, 0, False),
    ("today",): (None, 0, False), ("hoy",): (None, 0, False), ("tonight",): (None, 0, True),
    ("tonite",): (None, 0, True), ("this", "evening"): (None, 0, True), ("esta", "noche"): (None, 0, True),
    ("this", "morning"): (None, 0, False), ("this", "afternoon"): (None, 0, False),
    ("esta", "manana"): (None, 0, False), ("esta", "tarde"): (None, 0, False),
    ("tomorrow",): (None, 1, False), ("manana",): (None, 1, False),
}
# After a day, a part of it: the evening narrows ("monday night", "hoy por la noche", "mañana en la
# noche"); morning and afternoon are said but not narrowed ("sábado en la mañana" is Saturday,
# not tomorrow).
_PARTS = {
    **{(w,): True for w in ("night", "nights", "evening", "evenings", "noche", "noches")},
    **{(p, "la", w): True for p in ("por", "en", "de") for w in ("noche", "noches")},
    **{(w,): False for w in ("morning", "mornings", "afternoon", "afternoons", "tarde", "tardes")},
    **{(p, "la", w): False for p in ("por", "en", "de") for w in ("manana", "mananas", "tarde", "tardes")},
}
# A day named after these is a place's ("Santo Domingo", "San Lunes" is none, but safe).
_NOT_AFTER = frozenset({"san", "santo", "santa"})
# Misspelt day words worth a correction: long enough that one or two typos cannot make another word.
_SPELLED = tuple(k[0] for k in _DAYS if len(k) == 1 and len(k[0]) >= 6)


def computer_today() -> int:
    """0-6, Sunday = 0, on this computer's clock."""
    return (dt.date.today().weekday() + 1) % 7


def day_at(words: list[str], i: int, corrected=lambda word: None, today=computer_today
           ) -> tuple[int, str, bool] | None:
    """(words taken, day key: 'mon', or 'monev' for its evening, whether it counts from today) of a
    day named at words[i] ("monday", "esta noche", "lunes por la noche", "tomorrow night"), or None.
    `corrected(word)` may offer the day word a misspelt word stands for ('wensday' -> 'wednesday');
    `today()` is the weekday (0-6, Sunday = 0) "today" means, asked only when a word needs it."""
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
        weekday, ahead, evening = day
        taken = size
        for part_size in (3, 1):
            part = _PARTS.get(tuple(words[i + size:i + size + part_size]))
            if part is not None and i + size + part_size <= len(words):
                evening, taken = evening or part, size + part_size
                break
        index = weekday if weekday is not None else (today() + ahead) % 7
        return taken, WEEKDAYS[index] + ("ev" if evening else ""), weekday is None
    return None


def token(day_key: str) -> str:
    """The index tag of a day key: 'dymon', 'dymonev'."""
    return "dy" + day_key


@lru_cache(maxsize=4096)
def day_keys(hours_json: str | None) -> tuple[str, ...]:
    """The day keys a record's hours (JSON, as stored) have: each weekday with hours, and
    'mon' + 'ev' when Monday's hours go on past EVENING_ENDS_AFTER."""
    if not hours_json or hours_json == "{}":
        return ()
    try:
        hours = json.loads(hours_json)
    except ValueError:
        return ()
    keys: list[str] = []
    for day in WEEKDAYS:
        ranges = hours.get(day) if isinstance(hours, dict) else None
        if not ranges:
            continue
        keys.append(day)
        if any(isinstance(r, list) and len(r) == 2 and str(r[1]) > EVENING_ENDS_AFTER for r in ranges):
            keys.append(day + "ev")
    return tuple(keys)


def label_where(day_key: str, today, lang: str = "en") -> str:
    """A day as the status line and the table say it: 'Monday' for a weekday named; for one counted
    from today (`today`, a zones.Today), where that day is: 'Sunday evening at Santa Ana, CA',
    'Monday on this computer's clock'."""
    from helpline_tui.i18n import t

    day = label(day_key, lang)
    if today is None:
        return day
    return t("status.day_at", lang, day=day, place=today.place) if today.place else t("status.day_here", lang, day=day)


def label(day_key: str, lang: str = "en") -> str:
    """'Monday', 'Monday evening'; 'lunes', 'lunes por la noche'."""
    index = WEEKDAYS.index(day_key[:3])
    if lang == "es":
        names = ("domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado")
        return names[index] + (" por la noche" if day_key.endswith("ev") else "")
    names = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    return names[index] + (" evening" if day_key.endswith("ev") else "")
