"""Time zones: where a service's hours are read, and where "today" is for a query.

One rule: a service's hours are in its own zone, that of its ZIP code (from `zipcodes`, which
carries a zone per ZIP, stored in the directory's `zip_zones` table at import), else its state's main
zone, else the zone of the place searched. "Today",
"tonight" and "tomorrow" in a query are the day at the place searched (F2 or a place in the query),
else on this computer's clock. Zones come from the IANA database of the `tzdata` package (a declared
dependency), so a machine without one never silently reads hours on its own clock.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The main time zone of each state and territory: the zone of a record whose ZIP code is not known
# (about 1,600 ZIP codes are in another zone than their state's: eastern Tennessee, western Kentucky).
STATE_TIMEZONES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix", "AR": "America/Chicago",
    "CA": "America/Los_Angeles", "CO": "America/Denver", "CT": "America/New_York", "DE": "America/New_York",
    "DC": "America/New_York", "FL": "America/New_York", "GA": "America/New_York", "HI": "Pacific/Honolulu",
    "ID": "America/Boise", "IL": "America/Chicago", "IN": "America/Indiana/Indianapolis",
    "IA": "America/Chicago", "KS": "America/Chicago", "KY": "America/New_York", "LA": "America/Chicago",
    "ME": "America/New_York", "MD": "America/New_York", "MA": "America/New_York", "MI": "America/Detroit",
    "MN": "America/Chicago", "MS": "America/Chicago", "MO": "America/Chicago", "MT": "America/Denver",
    "NE": "America/Chicago", "NV": "America/Los_Angeles", "NH": "America/New_York", "NJ": "America/New_York",
    "NM": "America/Denver", "NY": "America/New_York", "NC": "America/New_York", "ND": "America/Chicago",
    "OH": "America/New_York", "OK": "America/Chicago", "OR": "America/Los_Angeles",
    "PA": "America/New_York", "RI": "America/New_York", "SC": "America/New_York", "SD": "America/Chicago",
    "TN": "America/Chicago", "TX": "America/Chicago", "UT": "America/Denver", "VT": "America/New_York",
    "VA": "America/New_York", "WA": "America/Los_Angeles", "WV": "America/New_York",
    "WI": "America/Chicago", "WY": "America/Denver", "PR": "America/Puerto_Rico",
    "VI": "America/St_Thomas", "GU": "Pacific/Guam", "AS": "Pacific/Pago_Pago", "MP": "Pacific/Saipan",
}

_ZIP5 = re.compile(r"^\s*(\d{5})")


@lru_cache(maxsize=256)
def zone(name: str | None):
    """The ZoneInfo of an IANA name, or None for a name the database does not have (zipcodes
    lists one ZIP's zone as 'Napakiak')."""
    if not name:
        return None
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(name)
    except (ValueError, LookupError):  # ZoneInfoNotFoundError is a KeyError
        return None


ZIP_ZONES_TABLE = "CREATE TABLE IF NOT EXISTS zip_zones (zip TEXT PRIMARY KEY, time_zone TEXT NOT NULL) WITHOUT ROWID"


def zip_zone_rows() -> list[tuple[str, str]]:
    """(ZIP code, zone) for every ZIP code `zipcodes` gives a zone the zone database knows."""
    from helpline_tui.core import geo

    return [(zip_code, name) for zip_code, name in geo.zone_rows() if zone(name) is not None]


def fill_zip_zones(conn: sqlite3.Connection) -> int:
    """Store every ZIP code's zone in the directory (once per directory, inside its import): reading
    them from `zipcodes` costs 0.3-2 s and 55 MB in each process that asks."""
    conn.execute(ZIP_ZONES_TABLE)
    if conn.execute("SELECT 1 FROM zip_zones LIMIT 1").fetchone():
        return 0
    from helpline_tui.core import schema

    rows = zip_zone_rows()
    schema.insert_in_one_transaction(conn, "INSERT INTO zip_zones VALUES (?, ?)", rows)
    return len(rows)


def _has_zip_zones(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'zip_zones'").fetchone() is not None


@lru_cache(maxsize=4096)
def _zipcodes_zone(zip5: str) -> str | None:
    import zipcodes

    found = zipcodes.matching(zip5)
    name = found[0].get("timezone") if found else None
    return name if zone(name) is not None else None


def zip_zone(conn: sqlite3.Connection, zip_code: str | None) -> str | None:
    """A ZIP code's zone (ZIP+4 too), from the directory; from `zipcodes` itself for a directory
    imported before zones were stored (its next import stores them). None when not known."""
    m = _ZIP5.match(zip_code or "")
    if not m:
        return None
    if not _has_zip_zones(conn):
        return _zipcodes_zone(m.group(1))
    row = conn.execute("SELECT time_zone FROM zip_zones WHERE zip = ?", (m.group(1),)).fetchone()
    return row[0] if row and zone(row[0]) is not None else None


def state_zone(state: str | None) -> str | None:
    return STATE_TIMEZONES.get((state or "").strip().upper())


def record_zone(conn: sqlite3.Connection, rec: dict[str, Any], searched=None) -> str | None:
    """A service's zone: its ZIP code's, else its state's, else the place searched's (`searched`, a
    geo.Place); None: this computer's clock."""
    return zip_zone(conn, rec.get("zip")) or state_zone(rec.get("state")) or place_zone(conn, searched)


def place_zone(conn: sqlite3.Connection, place) -> str | None:
    """The zone of a place searched (a geo.Place): its ZIP code's, else that of most of the city's
    ZIP codes (an alias's too: Queens), else its state's."""
    if place is None:
        return None
    if place.zip:
        found = zip_zone(conn, place.zip)
    else:
        found = _city_zone(conn, place.city, place.state)
    return found or state_zone(place.state)


def _city_zone(conn: sqlite3.Connection, city: str, state: str) -> str | None:
    from helpline_tui.core import geo
    from helpline_tui.core.textnorm import fold

    zips = [z for (z,) in conn.execute(f"SELECT zip FROM {geo.place_names(conn)} WHERE city_fold = ? AND state = ?",
                                       (fold(city), state))]
    counts: dict[str, int] = {}
    for zip_code in zips:
        if found := zip_zone(conn, zip_code):
            counts[found] = counts.get(found, 0) + 1
    return max(counts, key=lambda name: (counts[name], name)) if counts else None


def local(now: dt.datetime, zone_name: str | None) -> dt.datetime:
    """`now` in the zone; with no zone, on this computer's clock (a naive `now` is already that)."""
    tz = zone(zone_name)
    if tz is not None:
        return now.astimezone(tz)  # a naive `now` is taken as this computer's local time
    return now if now.tzinfo is None else now.astimezone()


@dataclass(frozen=True)
class Today:
    """The day "today" means in a query, and where: at a place searched, or this computer's."""

    moment: dt.datetime  # now, in that zone
    place: str | None  # "Santa Ana, CA"; None: this computer's clock
    zone_name: str | None  # "America/Los_Angeles"; None: this computer's zone

    @property
    def weekday(self) -> int:
        """0-6, Sunday = 0 (core/records.py WEEKDAYS)."""
        return (self.moment.weekday() + 1) % 7

    def as_json(self) -> dict[str, Any]:
        return {"date": self.moment.date().isoformat(), "local_time": self.moment.strftime("%H:%M"),
                "place": self.place, "time_zone": self.zone_name or self.moment.tzname()}


def today_at(conn: sqlite3.Connection, place, now: dt.datetime) -> Today:
    """What "today" is at the place searched (a geo.Place), else on this computer's clock."""
    zone_name = place_zone(conn, place)
    # The town, not "19107 (Philadelphia, PA)": the status line says the ZIP code beside it.
    where = f"{place.city}, {place.state}" if place is not None and zone_name else None
    return Today(moment=local(now, zone_name), place=where, zone_name=zone_name)
