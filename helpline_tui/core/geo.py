"""Places and distances, offline: ZIP centroids from the `zipcodes` package, stored in the directory."""

from __future__ import annotations

import json
import math
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpline_tui.core import directory_cache, schema
from helpline_tui.core.query import tag_token
from helpline_tui.core.states import STATE_NAMES
from helpline_tui.core.textnorm import fold
from helpline_tui.errors import Failure

EARTH_RADIUS_MILES = 3958.8


@dataclass(frozen=True)
class Place:
    label: str  # "Yonkers, NY" or "10701 (Yonkers, NY)"
    latitude: float
    longitude: float
    city: str
    state: str
    zip: str | None = None
    # How far the place's own ZIP codes reach from its centre: a county or a big city is its area,
    # not a point (Orange County, CA: 30 miles).
    extent_miles: float = 0.0
    # The ZIP codes the place is when it is an area (a county, a borough, a name for counties or ZIP
    # codes): its services are those in it (core/place_area.py). Empty for a town or a ZIP: a circle.
    zips: frozenset[str] = frozenset()


class PlaceError(Failure, ValueError):
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


def fill_centroids(conn: sqlite3.Connection) -> int:
    rows = centroid_rows()
    schema.insert_in_one_transaction(conn, "INSERT OR REPLACE INTO zip_centroids VALUES (?,?,?,?,?,?,?)", rows)
    return len(rows)


_ALIASES = Path(__file__).parent / "data" / "place_aliases.json"


@lru_cache(maxsize=1)
def place_aliases() -> tuple[tuple[str, str, str, str, tuple[str, ...]], ...]:
    """(name, what it is called in a label, state, column: 'county', 'city_fold' or 'zip', values): 'Queens' is every
    ZIP code of Queens County, NY; 'Harlem' the ZIP codes listed for it; 'Philly' is labelled
    Philadelphia (the entry's "means")."""
    data = json.loads(_ALIASES.read_text(encoding="utf-8"))
    out = []
    for p in data["places"]:
        column, values = next((c, p[k]) for k, c in (("counties", "county"), ("cities", "city_fold"), ("zips", "zip"))
                              if k in p)
        out.append((p["name"], p.get("means") or p["name"], p["state"], column,
                    tuple(fold(v) for v in values) if column == "city_fold" else tuple(values)))
    return tuple(out)


# A county's kind, as the ZIP table writes it after the name ("Orange County", "Orleans Parish").
_COUNTY_KINDS = ("county", "parish", "borough", "census area", "municipality", "municipio")


def county_forms(county: str) -> list[str]:
    """The ways callers name a county, folded: 'orange county', 'orange co', 'condado de orange',
    'condado orange' (and 'orleans parish' for a parish). A state after it ("orange county ca") is
    read by the query as for a city. Virginia's independent cities ("Richmond city") are cities."""
    folded = fold(county)
    base = county_base(county)
    if not base:
        return []
    forms = [folded, f"{base} county", f"{base} co", f"condado de {base}", f"condado {base}"]
    if folded.endswith(" parish"):
        forms.append(f"parroquia de {base}")
    return list(dict.fromkeys(forms))


def _alias_county_forms() -> list[tuple[str, str, str]]:
    """(county, state, form): a name for one county is that county in the county forms too ('la
    county', 'condado de la' are Los Angeles County, as 'la' is)."""
    return [(values[0], state, form) for name, _, state, column, values in place_aliases()
            if column == "county" and len(values) == 1
            for form in county_forms(f"{name} {values[0].rsplit(' ', 1)[-1]}") if form != fold(name)]


def county_base(county: str) -> str:
    """'Miami-Dade County' -> 'miami dade': the name alone, which callers use where no city has it."""
    folded = fold(county)
    kind = next((k for k in _COUNTY_KINDS if folded.endswith(" " + k)), None)
    return folded[: -len(kind) - 1] if kind else ""


def place_names(conn: sqlite3.Connection) -> str:
    """The table of every place name, for queries by city name: the centroid table's USPS city
    names, plus a row per ZIP code of each alias (Queens, Manhattan, Nueva York, Philly...) and of
    each county in the forms callers use (county_forms; its name alone where no city has that name:
    "miami dade"). A view in the connection's temporary storage, made on first use from the file's
    own centroids, so every directory, read-only or being imported, old or new, knows the places
    this helpline ships, without a schema change. A county's rows are labelled by its name ("Orange
    County"), so a place read from any form says which county it took."""
    if not conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = 'place_names'").fetchone():
        _add_place_names(conn)
    return "temp.place_names"


_COUNTY_FORMS: dict[tuple, list[tuple[str, str, str]]] = {}  # per ZIP table: the same for every file


def _add_place_names(conn: sqlite3.Connection) -> None:
    # The ZIP codes of each county, by county: the aliases' counties and the counties' forms join it.
    conn.execute("CREATE TEMP TABLE county_zips AS SELECT county, state, zip, latitude, longitude "
                 "FROM main.zip_centroids WHERE county != '' ORDER BY county, state")
    conn.execute("CREATE INDEX temp.county_zips_county ON county_zips (county, state)")
    conn.execute("CREATE TEMP TABLE place_aliases AS SELECT * FROM main.zip_centroids WHERE 0")
    # Every alias's counties, cities and ZIP codes in one table, joined to the centroids by an index
    # (a query per alias scanned the table 50 times: 400 ms).
    conn.execute("CREATE TEMP TABLE alias_keys (means TEXT, name TEXT, state TEXT, kind TEXT, value TEXT)")
    conn.executemany("INSERT INTO temp.alias_keys VALUES (?,?,?,?,?)",
                     [(means, fold(name), state, column, value)
                      for name, means, state, column, values in place_aliases() for value in values])
    for column, table in (("county", "temp.county_zips"), ("city_fold", "main.zip_centroids"),
                          ("zip", "main.zip_centroids")):
        conn.execute("INSERT INTO temp.place_aliases SELECT z.zip, a.means, a.name, z.state, z.county, z.latitude, "
                     f"z.longitude FROM temp.alias_keys a JOIN {table} z ON z.{column} = a.value "
                     "AND z.state = a.state WHERE a.kind = ?", (column,))
    conn.execute("DROP TABLE temp.alias_keys")
    _add_directory_towns(conn)
    counties = tuple(conn.execute("SELECT DISTINCT county, state FROM temp.county_zips"))
    forms = _COUNTY_FORMS.get(counties)
    if forms is None:
        cities = {c for (c,) in conn.execute("SELECT DISTINCT city_fold FROM main.zip_centroids")}
        forms = []
        for county, state in counties:
            base = county_base(county)
            bare = [base] if base and not cities.intersection(city_spellings(base)) and base not in STATE_NAMES else []
            forms += [(county, state, form) for form in county_forms(county) + bare]
        _COUNTY_FORMS.clear()
        _COUNTY_FORMS[counties] = forms
    # A county's forms point at its ZIP codes, joined when asked: 17,000 forms instead of a row
    # per form per ZIP code (200,000).
    conn.execute("CREATE TEMP TABLE county_forms (county TEXT, state TEXT, form TEXT)")
    known = set(forms)
    conn.executemany("INSERT INTO temp.county_forms VALUES (?,?,?)",
                     forms + [f for f in _alias_county_forms() if f not in known])
    conn.execute("CREATE INDEX temp.county_forms_form ON county_forms (form, state)")
    conn.execute("CREATE INDEX temp.place_aliases_city ON place_aliases (city_fold, state)")
    conn.execute("CREATE TEMP VIEW town_names AS SELECT * FROM main.zip_centroids "
                 "UNION ALL SELECT * FROM temp.place_aliases")
    conn.execute("CREATE TEMP VIEW place_names AS SELECT * FROM temp.town_names "
                 "UNION ALL SELECT z.zip, f.county, f.form, z.state, z.county, z.latitude, z.longitude "
                 "FROM temp.county_forms f JOIN temp.county_zips z ON z.county = f.county AND z.state = f.state")


def _add_directory_towns(conn: sqlite3.Connection) -> None:
    """Towns the directory's own addresses name that the ZIP table files under another postal city
    (USPS calls North Miami, Kendall and Doral "Miami"): each is read as a place, the ZIP codes its
    services lie in, so a caller's town is never dropped because the post office names it otherwise.
    Worked out once per index build (meta 'directory_towns'); a directory built before it, here."""
    conn.execute("CREATE TEMP TABLE directory_towns (city_fold TEXT, state TEXT, PRIMARY KEY (city_fold, state))")
    stored = conn.execute("SELECT value FROM main.meta WHERE key = 'directory_towns'").fetchone() \
        if conn.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'meta'").fetchone() else None
    rows = json.loads(stored[0]) if stored else directory_towns(conn)
    if not rows:
        return
    conn.executemany("INSERT OR IGNORE INTO temp.directory_towns VALUES (?, ?)", [(r[2], r[3]) for r in rows])
    conn.execute("INSERT INTO temp.place_aliases SELECT z.zip, json_extract(t.value, '$[1]'), "
                 "json_extract(t.value, '$[2]'), z.state, z.county, z.latitude, z.longitude FROM json_each(?) t "
                 "JOIN main.zip_centroids z ON z.zip = json_extract(t.value, '$[0]') "
                 "AND z.state = json_extract(t.value, '$[3]')", (json.dumps(rows),))


def directory_towns(conn: sqlite3.Connection) -> list[tuple[str, str, str, str]]:
    """(zip, city, city_fold, state) for each ZIP code of each town the services' addresses name
    that the ZIP table does not (a scan of the services: run when the index is built)."""
    if not conn.execute("SELECT 1 FROM main.sqlite_master WHERE name = 'services'").fetchone():
        return []
    return [tuple(r) for r in conn.execute(
        "SELECT s.zip, min(s.city), s.city_fold, s.state FROM main.services s "
        "JOIN (SELECT DISTINCT city_fold, state FROM main.services WHERE city_fold != '') t "
        "ON t.city_fold = s.city_fold AND t.state = s.state "
        "WHERE NOT EXISTS (SELECT 1 FROM main.zip_centroids c WHERE c.city_fold = t.city_fold AND c.state = t.state) "
        "AND EXISTS (SELECT 1 FROM main.zip_centroids z WHERE z.zip = s.zip AND z.state = s.state) "
        "GROUP BY s.city_fold, s.state, s.zip")]


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
        rows = conn.execute(f"SELECT city, latitude, longitude, zip FROM {place_names(conn)} "
                            "WHERE city_fold = ? AND state = ?", (spelling, state)).fetchall()
        if rows:
            name = min(r[0] for r in rows)
            lat, lon = sum(r[1] for r in rows) / len(rows), sum(r[2] for r in rows) / len(rows)
            extent = max(haversine_miles(lat, lon, r[1], r[2]) for r in rows)
            area = frozenset(r[3] for r in rows) if _is_area(conn, spelling, state) else frozenset()
            return Place(f"{name}, {state}", lat, lon, name, state, extent_miles=extent, zips=area)
    raise PlaceError(f"'{_shown(city)}, {state}' is not a known US city; try its ZIP code")


def _is_area(conn: sqlite3.Connection, folded: str, state: str) -> bool:
    """Whether a place name is an area (a county's form, an alias for counties or ZIP codes), not
    a town: a town, even a big one, stays a circle round its centre."""
    if conn.execute("SELECT 1 FROM main.zip_centroids WHERE city_fold = ? AND state = ? LIMIT 1",
                    (folded, state)).fetchone():
        return False
    place_names(conn)
    if conn.execute("SELECT 1 FROM temp.directory_towns WHERE city_fold = ? AND state = ?", (folded, state)).fetchone():
        return False  # a town of the directory's addresses: a circle round its services, as any town
    return (folded, state) not in _town_aliases()


@lru_cache(maxsize=1)
def _town_aliases() -> frozenset[tuple[str, str]]:
    """The aliases that stand for towns ('philly': Philadelphia's ZIP codes by city name)."""
    return frozenset((fold(name), state) for name, _, state, column, _ in place_aliases() if column == "city_fold")


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
    # Towns first (a county's many ZIP codes would put "San Diego County" before San Antonio), then
    # counties ("orange cou").
    found = cities_beginning(conn, fold(prefix), limit, counties=False)
    if len(found) < limit:
        found += [c for c in cities_beginning(conn, fold(prefix), limit) if c not in found][: limit - len(found)]
    return list(dict.fromkeys(f"{city}, {state}" for city, _, state in found))  # "sf" and "san francisco": one


def cities_beginning(conn: sqlite3.Connection, folded: str, limit: int, counties: bool = True
                     ) -> list[tuple[str, str, str]]:
    """(city, folded city, state) of the cities whose name begins with `folded`, either spelling
    of its first word: the names with most ZIP codes (the likeliest meant) first, and each name's
    states in the order the search box takes them (likeliest_states: Chelsea, MA before AL).
    Without `counties`, towns and aliases only ("miami" is not waiting to become Miami-Dade County)."""
    table = place_names(conn) if counties else (place_names(conn) and "temp.town_names")
    rows = []
    for key in city_spellings(folded):
        rows += conn.execute(
            f"SELECT city, city_fold, state, count(*) AS n FROM {table} WHERE city_fold >= ? AND city_fold < ? "
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


def services_in_city(conn: sqlite3.Connection, city_fold: str, state: str) -> int:
    """Services of the directory in a place of this name in this state (its index's place words).
    Asked again keystroke after keystroke ("spring", "springf"...): kept per index build."""
    cached = directory_cache.of(conn).services_in_city
    count = cached.get((city_fold, state))
    if count is None:
        # The name in a service's place words, or one of the name's ZIP codes there: a county or
        # alias ("orange county", "philly") is no word of any address, its ZIP codes are.
        zips = [z for (z,) in conn.execute(f"SELECT zip FROM {place_names(conn)} WHERE city_fold = ? AND state = ? "
                                           "LIMIT 400", (city_fold, state))]
        where = " OR ".join('"' + w.replace('"', '""') + '"' for w in [city_fold, *zips])
        count = conn.execute("SELECT count(*) FROM services_fts WHERE services_fts MATCH ?",
                             (f'place: ({where}) AND keywords: "{tag_token("state", state)}"',)).fetchone()[0]
        directory_cache.DirectoryCache.keep(cached, (city_fold, state), count, directory_cache.MOST_CITIES)
    return count


_NAMES: dict[int, dict[int, tuple[str, ...]]] = {}  # per ZIP table (by its size): place names by length
_NEAR: dict[tuple[int, str, int], list[tuple[str, int]]] = {}  # asked again keystroke after keystroke


def place_names_near(conn: sqlite3.Connection, folded: str, budget: int) -> list[tuple[str, int]]:
    """(place name, typos) of the names within `budget` typos of `folded` ('bostn' -> boston).
    Only names of a length within the budget are compared (a fifth of them: 1 ms, not 7)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    size = conn.execute("SELECT count(*) FROM main.zip_centroids").fetchone()[0]
    key = (size, folded, budget)
    if key in _NEAR:
        return _NEAR[key]
    by_length = _NAMES.get(size)
    if by_length is None:
        place_names(conn)  # the county forms, without joining each to its ZIP codes
        lists: dict[int, list[str]] = {}
        for (name,) in conn.execute("SELECT city_fold FROM temp.town_names UNION SELECT form FROM temp.county_forms"):
            lists.setdefault(len(name), []).append(name)
        _NAMES.clear()
        _NAMES[size] = by_length = {n: tuple(names) for n, names in lists.items()}
    candidates = [n for length in range(len(folded) - budget, len(folded) + budget + 1) for n in by_length.get(length, ())]
    found = [(n, int(d)) for n, d, _ in process.extract(folded, candidates, scorer=OSA.distance, processor=None,
                                                        score_cutoff=budget, limit=20) if n != folded]
    if len(_NEAR) > 4096:
        _NEAR.clear()
    _NEAR[key] = found
    return found


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
