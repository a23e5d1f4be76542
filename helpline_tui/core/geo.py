"""Places and distances, offline: ZIP centroids from the `zipcodes` package, stored in the directory."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpline_tui.core.query import tag_token
from helpline_tui.core.textnorm import fold

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    label: str  # "Yonkers, NY" or "10701 (Yonkers, NY)"
    latitude: float
    longitude: float
    city: str
    state: str
    zip: str | None = None


class PlaceError(ValueError):
    pass


@lru_cache(maxsize=1)
def _zip_tables() -> tuple[tuple[tuple, ...], tuple[tuple[str, str], ...]]:
    """The centroid and zone rows, from one read of `zipcodes` (0.5 s, 150 MB of dicts while it
    lasts); loaded only when building a directory. Only the rows are kept."""
    import zipcodes

    every_zip = zipcodes.list_all()
    return tuple(_centroids(every_zip)), tuple((z["zip_code"], z["timezone"]) for z in every_zip if z.get("timezone"))


def centroid_rows() -> tuple[tuple, ...]:
    """(zip, city, city_fold, state, county, lat, lon) for every ZIP with a position."""
    return _zip_tables()[0]


def zone_rows() -> tuple[tuple[str, str], ...]:
    """(zip, IANA zone name as zipcodes gives it) for every ZIP with a zone."""
    return _zip_tables()[1]


def _centroids(all_zips):
    for z in all_zips:
        try:
            lat, lon = float(z["lat"]), float(z["long"])
        except (TypeError, ValueError):
            continue
        if lat == 0 and lon == 0:
            continue
        yield (z["zip_code"], z["city"], fold(z["city"]), z["state"], z["county"] or "", lat, lon)


# Folded state names -> codes: "New York", "nueva york" is not one (a name as the US writes it).
STATE_NAMES = {
    fold(n): c
    for n, c in (
        ("Alabama", "AL"), ("Alaska", "AK"), ("Arizona", "AZ"), ("Arkansas", "AR"), ("California", "CA"),
        ("Colorado", "CO"), ("Connecticut", "CT"), ("Delaware", "DE"), ("District of Columbia", "DC"),
        ("Florida", "FL"), ("Georgia", "GA"), ("Hawaii", "HI"), ("Idaho", "ID"), ("Illinois", "IL"),
        ("Indiana", "IN"), ("Iowa", "IA"), ("Kansas", "KS"), ("Kentucky", "KY"), ("Louisiana", "LA"),
        ("Maine", "ME"), ("Maryland", "MD"), ("Massachusetts", "MA"), ("Michigan", "MI"),
        ("Minnesota", "MN"), ("Mississippi", "MS"), ("Missouri", "MO"), ("Montana", "MT"),
        ("Nebraska", "NE"), ("Nevada", "NV"), ("New Hampshire", "NH"), ("New Jersey", "NJ"),
        ("New Mexico", "NM"), ("New York", "NY"), ("North Carolina", "NC"), ("North Dakota", "ND"),
        ("Ohio", "OH"), ("Oklahoma", "OK"), ("Oregon", "OR"), ("Pennsylvania", "PA"),
        ("Rhode Island", "RI"), ("South Carolina", "SC"), ("South Dakota", "SD"), ("Tennessee", "TN"),
        ("Texas", "TX"), ("Utah", "UT"), ("Vermont", "VT"), ("Virginia", "VA"), ("Washington", "WA"),
        ("West Virginia", "WV"), ("Wisconsin", "WI"), ("Wyoming", "WY"), ("Puerto Rico", "PR"),
        ("Virgin Islands", "VI"), ("Guam", "GU"),
    )
}


def fill_centroids(conn: sqlite3.Connection) -> int:
    rows = centroid_rows()
    # One transaction, not one per row on a connection in autocommit mode: 0.27 -> 0.10 s.
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    conn.executemany("INSERT OR REPLACE INTO zip_centroids VALUES (?,?,?,?,?,?,?)", rows)
    if own:
        conn.execute("COMMIT")
    return len(rows)


_ALIASES = Path(__file__).parent / "data" / "place_aliases.json"


@lru_cache(maxsize=1)
def place_aliases() -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(name, state, 'county' or 'zip', values): 'Queens' is every ZIP code of Queens County, NY;
    'Harlem' the ZIP codes listed for it."""
    data = json.loads(_ALIASES.read_text(encoding="utf-8"))
    return tuple((p["name"], p["state"], "county" if "counties" in p else "zip", tuple(p.get("counties") or p["zips"]))
                 for p in data["places"])


def place_names(conn: sqlite3.Connection) -> str:
    """The table of every place name, for queries by city name: the centroid table's USPS city
    names, plus a row per ZIP code of each alias (Queens, Manhattan, Nueva York...). A view in the
    connection's temporary storage, made on first use from the file's own centroids (about 4 ms),
    so every directory, read-only or being imported, old or new, knows the aliases this helpline
    ships, without a schema change."""
    if not conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'place_names'").fetchone():
        _add_place_names(conn)
    return "temp.place_names"


def _add_place_names(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TEMP TABLE place_aliases AS SELECT * FROM main.zip_centroids WHERE 0")
    for name, state, column, values in place_aliases():
        conn.execute(
            "INSERT INTO temp.place_aliases SELECT zip, ?, ?, state, county, latitude, longitude "
            f"FROM main.zip_centroids WHERE state = ? AND {column} IN ({', '.join('?' * len(values))})",
            (name, fold(name), state, *values))
    conn.execute("CREATE INDEX temp.place_aliases_city ON place_aliases (city_fold, state)")
    conn.execute("CREATE TEMP VIEW place_names AS SELECT * FROM main.zip_centroids "
                 "UNION ALL SELECT * FROM temp.place_aliases")


_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_CITY_STATE = re.compile(r"^\s*(.+?)\s*,?\s+([A-Za-z]{2})\s*$")


def resolve_place(conn: sqlite3.Connection, text: str) -> Place:
    """A US ZIP code or "City, ST" -> a Place, from the directory's centroid table."""
    text = (text or "").strip()
    if not text:
        raise PlaceError("the place is empty; give a ZIP code or 'City, ST'")
    m = _ZIP.match(text)
    if m:
        row = conn.execute(
            "SELECT zip, city, state, latitude, longitude FROM zip_centroids WHERE zip = ?", (m.group(1),)
        ).fetchone()
        if not row:
            raise PlaceError(f"ZIP code {m.group(1)} is not a known US ZIP code")
        return Place(f"{row[0]} ({row[1]}, {row[2]})", row[3], row[4], row[1], row[2], row[0])
    m = _CITY_STATE.match(text)
    if not m:
        raise PlaceError(f"'{_shown(text)}' is not a ZIP code or 'City, ST' (for example 'Yonkers, NY')")
    city, state = m.group(1), m.group(2).upper()
    for spelling in city_spellings(fold(city)):
        row = conn.execute(
            f"SELECT min(city), avg(latitude), avg(longitude) FROM {place_names(conn)} "
            "WHERE city_fold = ? AND state = ?",
            (spelling, state),
        ).fetchone()
        if row and row[1] is not None:
            return Place(f"{row[0]}, {state}", row[1], row[2], row[0], state)
    raise PlaceError(f"'{_shown(city)}, {state}' is not a known US city; try its ZIP code")


# Place names are written both ways ("St. Louis", "Saint Paul", "Ft. Lauderdale", "Fort Lee"),
# by callers, handlers and the centroid table alike.
_FIRST_WORD_SPELLINGS = {"st": "saint", "saint": "st", "ste": "sainte", "sainte": "ste", "ft": "fort",
                         "fort": "ft", "mt": "mount", "mount": "mt", "pt": "port", "n": "north", "s": "south",
                         "e": "east", "w": "west"}


def city_spellings(folded: str) -> list[str]:
    """A folded city name, then the same with its first word spelt the other way."""
    first, _, rest = folded.partition(" ")
    other = _FIRST_WORD_SPELLINGS.get(first)
    return [folded] + ([f"{other} {rest}"] if other and rest else [])


def _shown(value: str) -> str:
    """A user's text quoted back in an error: one line, no control characters."""
    return " ".join(value.split())[:40]


def place_suggestions(conn: sqlite3.Connection, prefix: str, limit: int = 8) -> list[str]:
    """'yon' -> ['Yonkers, NY', ...]; digits -> matching ZIP codes. For the location input."""
    prefix = (prefix or "").strip()
    if not prefix:
        return []
    if prefix.isdigit():
        rows = conn.execute(
            "SELECT zip, city, state FROM zip_centroids WHERE zip >= ? AND zip < ? ORDER BY zip LIMIT ?",
            (prefix, prefix + "\uffff", limit),
        ).fetchall()
        return [f"{z} ({c}, {s})" for z, c, s in rows]
    return [f"{city}, {state}" for city, _, state in cities_beginning(conn, fold(prefix), limit)]


def cities_beginning(conn: sqlite3.Connection, folded: str, limit: int) -> list[tuple[str, str, str]]:
    """(city, folded city, state) of the cities whose name begins with `folded`, either spelling
    of its first word: the names with most ZIP codes (the likeliest meant) first, and each name's
    states in the order the search box takes them (likeliest_states: Chelsea, MA before AL)."""
    rows = []
    for key in city_spellings(folded):
        rows += conn.execute(
            f"SELECT city, city_fold, state, count(*) AS n FROM {place_names(conn)} WHERE city_fold >= ? AND city_fold < ? "
            "GROUP BY city_fold, state ORDER BY n DESC, city LIMIT ?",
            (key, key + "\uffff", max(limit, 8)),  # a name's other states too, which may come first
        ).fetchall()
    names: dict[str, dict[str, tuple[str, int]]] = {}  # folded name -> state -> (city as written, ZIPs)
    for city, city_fold, state, zips in rows:
        names.setdefault(city_fold, {})[state] = (city, zips)
    out = []
    for city_fold, states in sorted(names.items(), key=lambda kv: (-max(z for _, z in kv[1].values()), kv[0])):
        for state in likeliest_states(conn, city_fold, {s: z for s, (_, z) in states.items()}):
            out.append((states[state][0], city_fold, state))
    return out[:limit]


def likeliest_states(conn: sqlite3.Connection, city_fold: str, zips: dict[str, int]) -> list[str]:
    """The states of a city name, likeliest meant first. Among those where it has at least a
    quarter as many ZIP codes as where it has most (a city of about that size), where the
    directory has most services in a city of that name: Lawrence, MA (35) before Lawrence, KS (1),
    Chelsea, MA before Chelsea, AL, which ZIP counts, then alphabetical order, put first. Then
    ZIP codes: Manhattan, NY's 164 keep Manhattan, KS's 4 out, whatever their services."""
    most = max(zips.values())
    sized = [s for s, n in zips.items() if n * 4 >= most]
    services = {s: services_in_city(conn, city_fold, s) for s in sized} if len(sized) > 1 else {}
    return sorted(zips, key=lambda s: (s not in sized, -services.get(s, 0), -zips[s], s))


_SERVICES_IN_CITY: dict[tuple[str, str, str], int] = {}


def services_in_city(conn: sqlite3.Connection, city_fold: str, state: str) -> int:
    """Services of the directory in a city of this name in this state (its index's place words).
    Asked again keystroke after keystroke ("spring", "springf"...): kept per index build."""
    index_id = conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
    key = (index_id[0] if index_id else "", city_fold, state)
    count = _SERVICES_IN_CITY.get(key)
    if count is None:
        city = '"' + city_fold.replace('"', '""') + '"'
        count = conn.execute("SELECT count(*) FROM services_fts WHERE services_fts MATCH ?",
                             (f'place: {city} AND keywords: "{tag_token("state", state)}"',)).fetchone()[0]
        if len(_SERVICES_IN_CITY) > 4096:
            _SERVICES_IN_CITY.clear()
        _SERVICES_IN_CITY[key] = count
    return count


def zip_centroid(conn: sqlite3.Connection, zip5: str) -> tuple[float, float] | None:
    row = conn.execute("SELECT latitude, longitude FROM zip_centroids WHERE zip = ?", (zip5,)).fetchone()
    return (row[0], row[1]) if row else None


def city_centroid(conn: sqlite3.Connection, city: str, state: str) -> tuple[float, float] | None:
    row = conn.execute(
        f"SELECT avg(latitude), avg(longitude) FROM {place_names(conn)} WHERE city_fold = ? AND state = ?",
        (fold(city), state),
    ).fetchone()
    return (row[0], row[1]) if row and row[0] is not None else None


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, miles: float) -> tuple[float, float, float, float]:
    """A lat/lon box containing the circle (on the sphere haversine_miles measures); exact distance
    is checked afterwards. Wide circles reach further east and west away from their centre's
    latitude (a flat miles/69/cos(lat) box left out a service 995 miles west of Jordan, MT, inside 1,000); one
    over a pole or across the 180th meridian spans every longitude."""
    angle = miles / EARTH_RADIUS_MILES * (1 + 1e-9)  # a hair wider: no service on the circle left out
    dlat = math.degrees(angle)
    if abs(lat) + dlat >= 90 or angle >= math.pi / 2:
        return max(-90.0, lat - dlat), min(90.0, lat + dlat), -180.0, 180.0
    dlon = math.degrees(math.asin(min(1.0, math.sin(angle) / math.cos(math.radians(lat)))))
    if lon - dlon < -180 or lon + dlon > 180:
        return lat - dlat, lat + dlat, -180.0, 180.0
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
