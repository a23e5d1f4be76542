"""Days in a query ("aa monday", "alcohólicos anónimos hoy", "na meeting tonight"): which weekday,
and whether the evening, a record's hours must have.

A day is a concept like a need: the index gives each record with hours a tag per weekday it is
open or meets ('dymon'), and one more when that day's hours go on into the evening ('dymonev'),
so FTS5 intersects days with words, needs and places itself and totals stay exact. "Today",
"tonight" and "tomorrow" are this machine's day (the status line and the JSON say which day).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache

from helpline_tui.core.records import WEEKDAYS

EVENING_ENDS_AFTER = "18:00"  # hours that go on past this are open, or meet, in the evening

# Folded words and phrases -> (days from today, or None for a weekday named; weekday index; evening)
_WEEKDAY_NAMES = (
    ("sunday", "domingo"), ("monday", "lunes"), ("tuesday", "martes"), ("wednesday", "miercoles"),
    ("thursday", "jueves"), ("friday", "viernes"), ("saturday", "sabado"),
)
_NAMED = {name: index for index, names in enumerate(_WEEKDAY_NAMES) for name in names}
_NAMED.update({name + "s": index for index, names in enumerate(_WEEKDAY_NAMES) for name in names[:1]})  # mondays
_RELATIVE = {
    ("today",): (0, False), ("hoy",): (0, False), ("tonight",): (0, True), ("this", "evening"): (0, True),
    ("esta", "noche"): (0, True), ("hoy", "en", "la", "noche"): (0, True), ("tomorrow",): (1, False),
    ("manana",): (1, False),
}
# After a weekday: "monday night", "lunes por la noche".
_EVENING = {("night",), ("evening",), ("noche",), ("por", "la", "noche"), ("en", "la", "noche")}
LONGEST = 1 + max(len(k) for k in _EVENING)


def _today() -> int:
    """0-6, Sunday = 0 (tests replace it)."""
    return (dt.date.today().weekday() + 1) % 7


def day_named(words: tuple[str, ...]) -> str | None:
    """The day key ('mon', or 'monev' for its evening) these folded words name, or None."""
    if words and words[0] in _NAMED and (len(words) == 1 or words[1:] in _EVENING):
        return WEEKDAYS[_NAMED[words[0]]] + ("ev" if len(words) > 1 else "")
    relative = _RELATIVE.get(words)
    if relative is None:
        return None
    ahead, evening = relative
    return WEEKDAYS[(_today() + ahead) % 7] + ("ev" if evening else "")


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


def label(day_key: str, lang: str = "en") -> str:
    """'Monday', 'Monday evening'; 'lunes', 'lunes por la noche'."""
    index = WEEKDAYS.index(day_key[:3])
    if lang == "es":
        names = ("domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado")
        return names[index] + (" por la noche" if day_key.endswith("ev") else "")
    names = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
    return names[index] + (" evening" if day_key.endswith("ev") else "")
