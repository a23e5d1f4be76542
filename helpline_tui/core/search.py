"""The one search function. `helpline search`, the TUI and the benchmarks all call `search()`,
so what is measured is what users get.

Filters are exact SQL conditions (the `total` is the exact number of matching records); the query
text selects candidates through the full-text index and ranks them.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import sqlite3
import time
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz.distance import OSA

from helpline_tui.core import (cleaning, days, geo, lexicon, meeting_words, meetings, nearest, phones, place_area,
                               ranking, vocabulary, zones)
from helpline_tui.core import concepts as concepts_mod
from helpline_tui.core import matched as matched_mod
from helpline_tui.core import query as query_mod
from helpline_tui.core.directory import RECORD_JSON_FIELDS
from helpline_tui.core.records import KINDS, WEEKDAYS, printable
from helpline_tui.core.site_merging import sources_of
from helpline_tui.core.textnorm import fold
from helpline_tui.errors import UserError

DEFAULT_RADIUS_MILES = 25.0
MAX_RADIUS_MILES = 5000
MAX_LIMIT = 1000


class FilterError(UserError, ValueError):
    """A filter value the user gave that cannot be applied; the message is one sentence, with
    any control character the user typed shown escaped (a place name is quoted back as given).

    `usage` marks a value helpline never accepts, whatever the directory holds (an unknown need,
    kind or language code, a malformed state or radius, a radius without a place): the CLI
    reports it as a usage error, exit 2. A place the directory cannot find is a failure, exit 1."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(printable(message))
        self.usage = usage


@dataclass(frozen=True)
class Filters:
    near: str | None = None
    radius: float | None = None  # miles; DEFAULT_RADIUS_MILES when `near` is given
    state: str | None = None
    lang: str | None = None  # en | es | asl | any ISO 639-1 code
    needs: tuple[str, ...] = ()  # need, population and payment ids; all must match
    kind: str | None = None
    include_inactive: bool = False

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.near:
            out["near"] = self.near
            out["radius"] = self.radius if self.radius is not None else DEFAULT_RADIUS_MILES
        for key in ("state", "lang", "kind"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.needs:
            out["needs"] = list(self.needs)
        return out


@dataclass
class Hit:
    record: dict[str, Any]
    score: float
    distance_miles: float | None = None
    approximate_position: bool = False
    area_wide: bool = False  # kept because its service area covers the place, not by distance
    searched_place: geo.Place | None = None  # where the handler searched: the zone of hours with no other
    # What the query or filters asked for that this service has (core/matched.py): shown first.
    matched: tuple[tuple[str, str], ...] = ()
    meeting: bool = False  # a meeting from a Meeting Guide feed: its day and time are in --json

    def meeting_times(self) -> dict[str, Any]:
        """A meeting's `day` (0 = Sunday, as Meeting Guide; `days` when it meets on several) and
        `time` ("HH:MM", when every day's is the same)."""
        hours = self.record.get("hours") or {}
        if not self.meeting or not isinstance(hours, dict):
            return {}
        starts = {WEEKDAYS.index(d): ranges[0][0] for d, ranges in hours.items() if d in WEEKDAYS and ranges}
        if not starts:
            return {}
        out: dict[str, Any] = {"day": min(starts)} if len(starts) == 1 else {"days": sorted(starts)}
        if len(set(starts.values())) == 1:
            out["time"] = next(iter(starts.values()))
        return out

    def as_json(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": r["id"], "name": r["name"], "kind": r["kind"], "organization": r["organization"],
            "site_name": r["site_name"], "street": r["street"], "city": r["city"], "state": r["state"],
            "zip": r["zip"],
            # `phone` stays the source's main number, the key scripts and the quality evaluation
            # match records by; `phones` is the order a handler reads them out (phones.ORDER).
            "phone": r["phone"] or r["intake_phone"] or r["hotline_phone"], "intake_phone": r["intake_phone"],
            "phones": [{"kind": kind, "number": number} for kind, number in phones.ordered(r)], "languages": r["languages"], "needs": r["needs"],
            "populations": r["populations"], "payment": r["payment"],
            "distance_miles": None if self.distance_miles is None else round(self.distance_miles, 1),
            "approximate_position": self.approximate_position, "area_wide": self.area_wide,
            "status": r["status"], "source": r["source"], "sources": r.get("sources") or [r["source"]],
            "last_verified": r["last_verified"],
            "score": round(self.score, 4),
            **self.meeting_times(),
            "concepts": concepts_mod.as_json(r.get("concepts") or (), r.get("concepts_inferred") or ()),
        }


@dataclass
class SearchPage:
    query: str
    filters: Filters
    total: int
    hits: list[Hit]
    elapsed_ms: float
    place: geo.Place | None = None
    plan: query_mod.ParsedQuery | None = field(default=None, repr=False)
    place_from_query: bool = False  # the place is a city or ZIP the query named ("methadone yonkers")
    place_words: str | None = None  # the words of the query it was read from ("philly", "bostn")
    # Nothing near the place the query named, or nothing in the city it named: the services are
    # the nearest to it, however far, and the handler must see from where.
    nearest_to: geo.Place | None = None
    # How far the nearest of them is: "nearest to Jordan, MT: the closest is 114 mi" (None: no position).
    nearest_miles: float | None = None
    # With a place and nothing within the radius (search(..., reach_outside=True), as the CLI asks):
    # the nearest service matching, however far, so the handler knows how far to widen.
    nearest_outside: Hit | None = None
    # No record had every word, so records with the rarer words were listed (_any_words); and the
    # words none of the listed records has: the handler must know they were left out.
    every_word: bool = True
    words_not_found: tuple[str, ...] = ()
    # Days the query named ("aa monday", "hoy", "tonight"), as core/days.py keys: 'mon', 'monev'.
    days: tuple[str, ...] = ()
    # When a day counts from today ("tonight", "mañana"): which day today is, and where (zones.py).
    today: zones.Today | None = None
    # Words that could be a place or a name ("hope", "orange", "independence"): the reading not
    # taken, "name" or "place", and those words; search(..., read_as=...) takes it.
    other_reading: str | None = None
    other_reading_words: str | None = None
    # A fellowship asked for that the directory has no group of ("NA"), and those it has ("AA"):
    # the list holds the other mutual-help groups, and the handler is told.
    fellowship_missing: str | None = None
    fellowships_offered: tuple[str, ...] = ()

    @property
    def needs_a_place(self) -> bool:
        """Needs asked for with no place ("detox", "metadona hoy"): services everywhere, in name
        order, the first of them as likely a thousand miles away as near. The handler is told to
        add the caller's place."""
        asked = any(g.concept and g.concept[0] != "language" for g in (self.plan.groups if self.plan else ()))
        return asked and self.place is None and self.nearest_to is None and self.total > FEW_RESULTS

    @property
    def concepts_read(self) -> list[concepts_mod.Concept]:
        """The service concepts the query was read as asking for ("help paying rent": Rent help)."""
        return [c for c in (concepts_mod.get(g.concept_read) for g in (self.plan.groups if self.plan else ())
                            if g.concept_read) if c is not None]

    @property
    def place_read_from(self) -> str | None:
        """The words a place was read from, when they are not its name as labelled ("philly" for
        Philadelphia, PA; "bostn"; "condado de orange"): said beside the place, so nothing is
        misread silently."""
        place = self.place or self.nearest_to
        if not self.place_words or place is None:
            return None
        same = self.place_words in (fold(place.city), fold(place.label), place.zip or "")
        return None if same else self.place_words

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "filters": self.filters.as_json(), "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "place": self.place.label if self.place else None, "place_from_query": self.place_from_query,
            "place_words": self.place_words,
            "nearest_to": self.nearest_to.label if self.nearest_to else None,
            "nearest_miles": None if self.nearest_miles is None else round(self.nearest_miles, 1),
            "nearest_outside": self.nearest_outside.as_json() if self.nearest_outside else None,
            "every_word_matched": self.every_word, "words_not_found": list(self.words_not_found),
            "days": [{"weekday": days.weekday_of(d), "part": days.PART_NAMES.get(days.part_of(d)),
                      "evening": days.part_of(d) == "ev"} for d in self.days],
            "today": self.today.as_json() if self.today else None,
            "other_reading": self.other_reading, "other_reading_words": self.other_reading_words,
            **({"fellowship_missing": self.fellowship_missing, "fellowships_offered": list(self.fellowships_offered)}
               if self.fellowship_missing else {}),
            "concepts_read": [{"id": c.id, "label": c.en} for c in self.concepts_read],
            "results": [h.as_json() for h in self.hits],
        }


RESULT_COLUMNS = (
    "rid", "id", "kind", "name", "organization", "site_name", "street", "city", "state", "zip",
    "phone", "intake_phone", "hotline_phone", "latitude", "longitude", "geo_precision",
    "service_area_list", "languages", "needs", "populations", "payment", "status", "source",
    "last_verified", "name_fold", "hours", "source_codes",  # source_codes: a meeting's types asked ("Closed")
    "concepts", "concepts_inferred",
)


def _shown(value: Any) -> str:
    """A user's value quoted back in an error: one line, printable, not too long."""
    return cleaning.clean_text(str(value), limit=40)


def normalise_filters(conn: sqlite3.Connection, filters: Filters) -> tuple[Filters, geo.Place | None]:
    """Validate every filter value; raise FilterError with one clear sentence."""
    vocab = vocabulary.load()
    state = (filters.state or "").strip().upper() or None
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        raise FilterError(f"state '{_shown(filters.state)}' is not a two-letter code such as NY or PR", usage=True)
    lang = (filters.lang or "").strip().lower() or None
    if lang and not vocab.canonical_language(lang):
        raise FilterError(f"language '{_shown(filters.lang)}' is not a language code helpline knows; "
                          f"use en, es, asl or another ISO 639-1 or 639-3 code such as fr, zh or kea", usage=True)
    lang = vocab.canonical_language(lang) if lang else None
    kind = (filters.kind or "").strip().lower() or None
    if kind and kind not in KINDS:
        raise FilterError(f"kind '{_shown(filters.kind)}' is not one of {', '.join(KINDS)}", usage=True)
    needs = []
    for need in filters.needs:
        need = (need or "").strip().lower()
        if vocab.term(need) is None:
            raise FilterError(f"need '{_shown(need)}' is not a need id; 'helpline needs' lists them", usage=True)
        if need not in needs:
            needs.append(need)
    radius = filters.radius
    place = None
    if radius is not None and not (filters.near is not None and str(filters.near).strip()):
        # a radius alone would be silently ignored: the caller meant "near somewhere"
        shown = f"{radius:g}" if isinstance(radius, (int, float)) else _shown(radius)
        raise FilterError(f"radius {shown} needs a place to measure from; add near (--near) "
                          f"as a ZIP code or 'City, ST'", usage=True)
    if filters.near is not None and str(filters.near).strip():
        try:
            place = geo.resolve_place(conn, str(filters.near))
        except geo.PlaceError as exc:
            raise FilterError(str(exc)) from None
        if radius is None:
            radius = DEFAULT_RADIUS_MILES
    if radius is not None:
        try:
            radius = float(radius)
        except (TypeError, ValueError):
            raise FilterError(f"radius '{_shown(filters.radius)}' is not a number of miles", usage=True) from None
        if not (0 < radius <= MAX_RADIUS_MILES) or radius != radius:
            raise FilterError(f"radius {_shown(filters.radius)} must be between 0 and {MAX_RADIUS_MILES} miles",
                              usage=True)
    clean = Filters(
        near=place.label if place else None, radius=radius if place else None, state=state, lang=lang,
        needs=tuple(needs), kind=kind, include_inactive=filters.include_inactive,
    )
    return clean, place


def _filter_sql(filters: Filters, place: geo.Place | None) -> tuple[list[str], list[Any]]:
    """Every filter as SQL over `services s` (paths that do not start from the text index)."""
    where, params = [], []
    if not filters.include_inactive:
        where.append("s.status = 'active'")
    if filters.state:
        where.append("s.state = ?")
        params.append(filters.state)
    if filters.kind:
        where.append("s.kind = ?")
        params.append(filters.kind)
    if filters.lang:
        where.append("EXISTS (SELECT 1 FROM service_languages l WHERE l.lang = ? AND l.rid = s.rid)")
        params.append(filters.lang)
    for need in filters.needs:
        where.append("EXISTS (SELECT 1 FROM service_facets f WHERE f.value = ? AND f.rid = s.rid)")
        params.append(need)
    return where, params


def _filter_tags(filters: Filters) -> list[str]:
    """The same filters (but place) as index tags, for paths that start from the text index."""
    tags = [] if filters.include_inactive else [query_mod.tag_token("status", "active")]
    if filters.state:
        tags.append(query_mod.tag_token("state", filters.state))
    if filters.kind:
        tags.append(query_mod.tag_token("kind", filters.kind))
    if filters.lang:
        tags.append(query_mod.keyword_token("language", filters.lang))
    tags += [query_mod.keyword_token("need", need) for need in filters.needs]
    return tags


CANDIDATE_COLUMNS = (
    "rid", "id", "name_fold", "match_fold", "place_fold", "city_fold", "state", "needs", "populations", "payment",
    "languages", "latitude", "longitude", "geo_precision", "hours",  # hours: a group's meetings by weekday
    "meeting",  # meetings.MEETING_SQL: a meeting's types, attendance and fellowship, for ranking
    "concepts", "concepts_inferred", "category_names",
)
FEW_RESULTS = 10  # fewer than this and the query is widened; fixed, so every caller ranks alike
CANDIDATE_CAP = 300  # rows ranked in Python; beyond it, names matching come first, then index order
RANK_AT_MOST = 3000  # bm25 pre-ranking of name matches costs ~2 us a match: only up to this many


def _display_rows(conn: sqlite3.Connection, rids: list[int]) -> dict[int, dict[str, Any]]:
    if not rids:
        return {}
    cols = ", ".join(RESULT_COLUMNS)
    rows = conn.execute(f"SELECT {cols} FROM services WHERE rid IN ({','.join('?' * len(rids))})", rids)
    out = {}
    for row in rows:
        rec = dict(zip(RESULT_COLUMNS, row))
        for key in RECORD_JSON_FIELDS:
            if key in rec and isinstance(rec[key], str):
                rec[key] = json.loads(rec[key])
        out[rec["rid"]] = rec
    # A site several sources describe lists them all, its primary source first.
    members = sources_of(conn, [rec["id"] for rec in out.values()])
    for rec in out.values():
        rec["sources"] = [m["source"] for m in members[rec["id"]]] if rec["id"] in members else [rec["source"]]
    return out


def _fetch(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(zip(CANDIDATE_COLUMNS, row)) for row in conn.execute(sql, params)]


_COLS = ", ".join(f"s.{c}" if c != "meeting" else meetings.MEETING_SQL for c in CANDIDATE_COLUMNS)


class _Scope:
    """Where candidates come from: the filters as SQL and as index tags, and the set of services
    near the place (computed once per place and radius, then reused keystroke after keystroke)."""

    def __init__(self, conn: sqlite3.Connection, filters: Filters, place: geo.Place | None):
        where, params = _filter_sql(filters, None)
        self.near = None if place is None else _near_rids(conn, place, filters.radius or 0)
        if self.near is not None:
            where.append("s.rid IN (SELECT value FROM json_each(?))")
            params.append(self.near[1])
        self.where, self.params = where, params
        self.tags = _filter_tags(filters)
        self.place_expr = None
        if place is not None:
            # Grid cells around the place, or an area that covers it: a small superset the index
            # finds fast; the exact radius is then checked against the near set.
            lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, _cells_reach(conn, place, filters.radius or 0))
            cells = query_mod.cell_tokens_covering(lat0, lat1, lon0, lon1)
            areas = [query_mod.area_token(t) for t in ["US", place.state] + ([f"zip:{place.zip}"] if place.zip else [])]
            self.place_expr = "keywords: (" + " OR ".join(f'"{t}"' for t in cells + areas) + ")"

    def expression(self, match: str | None) -> str | None:
        """An FTS expression with the filters as tags and the place's cells (None: no condition)."""
        match = query_mod.with_tags(match, self.tags)
        if self.place_expr:
            match = f"({match}) AND {self.place_expr}" if match else self.place_expr
        return match

    def text_query(self, conn, match: str | None, cap: int, ranked: bool = False,
                   rid_range: tuple[int, int] | None = None, count: bool = True) -> tuple[list[dict[str, Any]], int]:
        """Rows matching an FTS expression (filters included as tags), at most `cap`, and the total.
        Rowids follow name order, so unranked rows come alphabetically; `ranked` takes the best
        `cap` by bm25 (short names with rare words first); `rid_range` keeps names in a range."""
        match = self.expression(match)
        if not match:
            return self.sql_query(conn, "s.rid BETWEEN ? AND ?" if rid_range else "", list(rid_range or ()),
                                  "ORDER BY s.rid", cap)
        order = " ORDER BY bm25(services_fts, 4.0, 1.0, 0.0)" if ranked else ""
        between, args = ("", [match]) if rid_range is None else (" AND rowid BETWEEN ? AND ?", [match, *rid_range])
        if self.near is not None:
            # Near a place: the index's matches, kept when in the (small, cached) near set.
            near = self.near[0]
            rids = [r for (r,) in conn.execute(
                f"SELECT rowid FROM services_fts WHERE services_fts MATCH ?{between}", args) if r in near]
            total = len(rids)
            if total > cap and not ranked:
                # More than are ranked: the nearest (the town's own before the next town's), not
                # the first in name order ('upper darby' meetings after 300 others by name).
                rids.sort(key=near.__getitem__)
            if ranked and total > cap:
                # bm25 over every match costs ~20 us a row here (place tags are phrases too);
                # the words are in these names already, so the shortest names are the likeliest.
                rids = [r for (r,) in conn.execute(
                    "SELECT rid FROM services WHERE rid IN (SELECT value FROM json_each(?)) "
                    "ORDER BY length(name_fold), rid LIMIT ?", (json.dumps(rids), cap))]
            return self.rows(conn, rids[:cap]), total
        ids = [r for (r,) in conn.execute(
            f"SELECT rowid FROM services_fts WHERE services_fts MATCH ?{between}{order} LIMIT {cap}", args)]
        rows = self.rows(conn, ids)
        if len(ids) < cap or not count:
            return rows, len(ids)
        # The index alone knows the total: no join needed to count.
        total = conn.execute(f"SELECT count(*) FROM services_fts WHERE services_fts MATCH ?{between}", args).fetchone()[0]
        return rows, total

    def rows(self, conn, rids: list[int]) -> list[dict[str, Any]]:
        if not rids:
            return []
        rows = _fetch(conn, f"SELECT {_COLS} FROM services s WHERE s.rid IN (SELECT value FROM json_each(?))",
                      [json.dumps(rids)])
        order = {rid: i for i, rid in enumerate(rids)}
        rows.sort(key=lambda r: order[r["rid"]])
        return rows

    def sql_query(self, conn, extra: str, extra_params: list[Any], order: str, cap: int):
        where = [extra] if extra else []
        where += self.where
        sql = "FROM services s" + (" WHERE " + " AND ".join(where) if where else "")
        args = [*extra_params, *self.params]
        rows = _fetch(conn, f"SELECT {_COLS} {sql} {order} LIMIT {cap}", args)
        total = len(rows) if len(rows) < cap else conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
        return rows, total


_NEAR_CACHE: dict[tuple, tuple[dict[int, float], str]] = {}


def _near_rids(conn: sqlite3.Connection, place: geo.Place, radius: float) -> tuple[dict[int, float], str]:
    """Services within the radius (the same haversine as the distance shown) or whose service
    area covers the place (national and statewide lines, the place's ZIP): ({rid: miles, inf for
    an area's}, JSON list)."""
    far = float("inf")
    index_id = conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
    key = (index_id[0] if index_id else "", place.latitude, place.longitude, place.state, place.zip, place.zips,
           radius)
    cached = _NEAR_CACHE.get(key)
    if cached is not None:
        return cached
    if place.zips and not _circle_too(place, radius):
        radius = -1.0  # an area alone: no circle (place_area)
    lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, max(radius, 0.0))
    tokens = ["US", place.state] + ([f"zip:{place.zip}"] if place.zip else [])
    miles: dict[int, float] = {rid: far for (rid,) in conn.execute(
        f"SELECT rid FROM service_areas WHERE token IN ({','.join('?' * len(tokens))})", tokens)}
    miles.update(conn.execute(
        "SELECT rid, hl_miles(latitude, longitude, ?, ?) AS d FROM services WHERE latitude BETWEEN ? AND ? "
        "AND longitude BETWEEN ? AND ? AND d <= ?", (place.latitude, place.longitude, lat0, lat1, lon0, lon1, radius)))
    if place.zips:  # an area's own services, at their distance from its centre (place_area)
        inside = json.dumps(sorted(place_area.services_in(conn, place).rids - miles.keys()))
        miles.update((rid, far if d is None else d) for rid, d in conn.execute(
            "SELECT rid, hl_miles(latitude, longitude, ?, ?) FROM services WHERE rid IN (SELECT value FROM json_each(?))",
            (place.latitude, place.longitude, inside)))
    value = (miles, json.dumps(sorted(miles)))
    if len(_NEAR_CACHE) > 32:
        _NEAR_CACHE.clear()
    _NEAR_CACHE[key] = value
    return value


def area_only(place: geo.Place | None, radius: float | None) -> bool:
    """Whether a search near this place takes its area alone (a county within its own reach), so
    "nothing within 25 mi" is "nothing in Loving County, TX"."""
    return place is not None and bool(place.zips) and not _circle_too(place, radius or 0)


def _circle_too(place: geo.Place, radius: float) -> bool:
    """Whether an area's search also takes a circle: only a radius wider than the area's own
    reach (F9 widening, `--radius 100`) goes beyond its ZIP codes."""
    return radius > _area_radius(place)


def _area_radius(place: geo.Place) -> float:
    """The radius a place named in a query is searched at, as F2 takes it: 25 miles, or a county's or
    big city's own reach when larger."""
    reach = place_area.reach_miles(place)
    return max(DEFAULT_RADIUS_MILES, round(reach)) if place.extent_miles > DEFAULT_RADIUS_MILES else DEFAULT_RADIUS_MILES


def _cells_reach(conn, place: geo.Place, radius: float) -> float:
    """How far from its centre a place's services may lie: the radius, or for an area, its farthest
    service (a service's ZIP code is the area's, its position may lie beyond the ZIP centroids)."""
    if not place.zips:
        return radius
    farthest = place_area.services_in(conn, place).farthest_miles
    return max(farthest, radius) if _circle_too(place, radius) else farthest


def _in_place(place: geo.Place, rid: int, miles: float | None, radius: float, area: frozenset[int]) -> bool:
    """Whether a service is in the place searched by where it is (not by its service area);
    `area`: the services in an area place (place_area.services_in), empty for a town or a ZIP."""
    if rid in area:
        return True
    if place.zips and not _circle_too(place, radius):
        return False
    return miles is not None and miles <= radius


def _candidates(conn, parsed: query_mod.ParsedQuery, scope: _Scope, cap: int) -> tuple[list[dict[str, Any]], int]:
    """Candidate rows (at most `cap`) and the exact number of matching records."""
    if parsed.phone:
        return scope.sql_query(conn, "s.rid IN (SELECT rid FROM service_phones WHERE digits = ?)",
                               [parsed.phone], "", cap)
    if parsed.short_prefix:
        # 1-2 letters: names beginning with them. Rowids follow name order, so they are one rowid
        # range, found in the name B-tree (search-notes §3.3); filters apply as index tags.
        p = parsed.short_prefix
        lo, hi = conn.execute("SELECT min(rid), max(rid) FROM services WHERE name_fold >= ? AND name_fold < ?",
                              (p, p + "\uffff")).fetchone()
        if lo is None:
            return [], 0
        return scope.text_query(conn, None, cap, rid_range=(lo, hi))
    if parsed.empty:
        return scope.text_query(conn, None, cap)
    rows, total = scope.text_query(conn, parsed.match_all(), cap)
    if total > len(rows) and any(g.service_concept for g in parsed.required()):
        # More matches than we rank: those carrying the service concept asked for come first
        # ("help paying rent": rent help before the rest of housing).
        carrying, _ = scope.text_query(conn, parsed.match_all(concepts_only=True), cap, count=False)
        seen = {r["rid"] for r in carrying}
        rows = (carrying + [r for r in rows if r["rid"] not in seen])[:cap]
    elif total > len(rows):
        # More matches than we rank: take those matching in names first, so a broad word
        # ("recovery", "centro") still brings the services named after it.
        named, _ = scope.text_query(conn, parsed.match_all(columns="name"), cap, ranked=total <= RANK_AT_MOST,
                                    count=False)
        seen = {r["rid"] for r in named}
        rows = (named + [r for r in rows if r["rid"] not in seen])[:cap]
    return rows, total


def filter_subquery(conn: sqlite3.Connection, filters: Filters) -> tuple[str, list[Any]]:
    """SQL selecting the rid of every record that passes `filters` (no words): the one definition
    of the filters, shared by search() and the filter pickers' counts (core/facets.py)."""
    filters, place = normalise_filters(conn, filters)
    scope = _Scope(conn, filters, place)
    return "SELECT s.rid FROM services s" + (" WHERE " + " AND ".join(scope.where) if scope.where else ""), \
        list(scope.params)


SORTS = ("relevance", "distance")
READINGS = ("name", "place")  # of words that could be a place or a name


def search(conn: sqlite3.Connection, query: str, filters: Filters | None = None, limit: int = 20,
           sort: str = "relevance", now: dt.datetime | None = None, reach_outside: bool = False,
           read_as: str | None = None) -> SearchPage:
    """Ranked results for the query text and filters, plus the exact total of matching records.
    `sort="distance"` (with a place) orders matches nearest first instead of by relevance. `now`
    (default: this computer's clock) is the moment "today" and "tonight" are taken at, in the zone
    of the place searched, else of this computer. `reach_outside`: with a place and nothing within
    the radius, find the nearest match however far (`nearest_outside`). `read_as`: "name" or
    "place", the reading of words that could be either (the page's `other_reading`)."""
    if sort not in SORTS:
        raise FilterError(f"sort '{_shown(sort)}' is not one of {', '.join(SORTS)}")
    if read_as is not None and read_as not in READINGS:
        raise FilterError(f"reading '{_shown(read_as)}' is not one of {', '.join(READINGS)}", usage=True)
    started = time.perf_counter()
    filters, place = normalise_filters(conn, filters or Filters())
    limit = max(0, min(int(limit), MAX_LIMIT))
    text = query if isinstance(query, str) else str(query or "")
    lex = lexicon.load(conn)
    now = now or dt.datetime.now(dt.timezone.utc)
    today = _TodayAt(conn, place, now)
    parsed = query_mod.parse(text, lex, today=lambda: today.weekday)
    read_days = True
    if _names_a_day(parsed):
        plain = query_mod.parse(text, lex, read_days=False)
        if _day_word_in_a_name(conn, plain):  # "a better today", "hoy recovery program": a name, as "phoenix house" is
            read_days, parsed = False, plain
    words = text
    as_read, reading_open = parsed, place is None  # a place from F2 or --near has no other reading
    rejected: list[tuple[geo.Place, str]] = []  # a place the words could be, read as a name instead
    named = _place_named(conn, parsed, filters, as_place=read_as == "place", rejected=rejected) \
        if place is None and read_as != "name" else None
    if named is not None:
        # "methadone yonkers spanish": Yonkers is where, not a word to find in names (which
        # found hospitals named for it elsewhere, and Conyers, GA): as if it were the place filter.
        place, filters, parsed, words, today = _taken_as_place(conn, named, filters, lex, read_days, now)
    scope = _Scope(conn, filters, place)
    nearest_to: geo.Place | None = None
    every_word = True
    if parsed.empty and place is None:
        rows, total = scope.text_query(conn, None, max(limit, 1))  # alphabetical: rowid order
    else:
        cap = CANDIDATE_CAP if not parsed.empty else max(CANDIDATE_CAP, limit, 5000)
        rows, total = _candidates(conn, parsed, scope, cap)
        # Few results: widen step by step (typos on every word, then relaxed typo budgets, then
        # any of the words), as Typesense's typo_tokens_threshold / drop_tokens_threshold do.
        for stage in (query_mod.TYPOS_EVERYWHERE, query_mod.RELAXED):
            if not parsed.groups or total >= FEW_RESULTS:
                break
            wider = query_mod.parse(words, lex, stage=stage, read_days=read_days, today=lambda: today.weekday)
            if wider.match_all() == parsed.match_all():
                continue
            more, more_total = _candidates(conn, wider, scope, CANDIDATE_CAP)
            if more_total > total:
                parsed, rows, total = wider, more, more_total
        nearest_to = None
        if parsed.groups and total == 0 and place is None and read_as != "name":
            # Nothing has every word, and the last one may be a city still being typed
            # ("vivienda white plai"): the likeliest city it begins is the place, as when complete.
            named = _place_named(conn, parsed, filters, complete_last=True)
            if named is not None:
                place, filters, parsed, words, today = _taken_as_place(conn, named, filters, lex, read_days, now)
                scope = _Scope(conn, filters, place)
                rows, total = _candidates(conn, parsed, scope, CANDIDATE_CAP)
        if named is not None and total == 0 and not _names_a_day(parsed) and _only_needs(parsed):
            # Nothing within the radius of the place the query named: the nearest anywhere. Not
            # for a day ("detox today boston"): the services near the place, day "not found",
            # say more than a detox with hours 1,200 miles away.
            start = (filters.radius or DEFAULT_RADIUS_MILES) * nearest.GROWTH  # nothing is nearer
            nearest_to, place, filters = place, None, replace(filters, near=None, radius=None)
            scope = _Scope(conn, filters, None)
            rows, total = _nearest_rows(conn, parsed, scope, nearest_to, max(limit, FEW_RESULTS), start)
        if parsed.groups and total == 0 and place is None and nearest_to is None and read_as != "name":
            # "metadona yonkers" with no methadone in Yonkers: methadone nearest to Yonkers, not
            # Yonkers services without methadone. The city becomes a place to measure from.
            rows, total, nearest_to, parsed = _nearest_to_city(conn, parsed, scope, max(limit, FEW_RESULTS))
        if parsed.groups and total == 0 and _names_a_day(parsed):
            # No hours on that day ("detox today boston": treatment services rarely list hours):
            # the services without the day, which is said "not found". A day alone never brings a
            # service, as the any-words list below would.
            without = query_mod.ParsedQuery(text=parsed.text, groups=[g for g in parsed.groups if not _is_day(g)])
            if without.groups or place is not None:  # "tonight 02119": the services near it
                rows, total = _candidates(conn, without, scope, CANDIDATE_CAP)
                every_word = total == 0
        if parsed.groups and total == 0 and len(parsed.required()) > 1:
            rows, total = _any_words(conn, parsed, scope, CANDIDATE_CAP)
            every_word = False
        if parsed.groups and total == 0 and named is not None and place is not None:
            # None of the words near the place the query named: the services near it, every word
            # said not found, rather than an empty list or the words searched across the country.
            rows, total = scope.text_query(conn, None, CANDIDATE_CAP)
            every_word = False

    other, other_words = _other_reading(conn, as_read, filters, named, rejected, read_as) if reading_open \
        else (None, None)
    hits = []
    area = place_area.services_in(conn, place).rids if place is not None and place.zips else frozenset()
    for rec in rows:
        hit = Hit(record=rec, score=0.0, approximate_position=rec["geo_precision"] == "zip-centroid",
                  searched_place=place)
        if place is None and nearest_to is not None and rec["latitude"] is not None:
            hit.distance_miles = geo.haversine_miles(nearest_to.latitude, nearest_to.longitude,
                                                     rec["latitude"], rec["longitude"])
        if place is not None:
            if rec["latitude"] is not None:
                hit.distance_miles = geo.haversine_miles(place.latitude, place.longitude,
                                                         rec["latitude"], rec["longitude"])
            if not _in_place(place, rec["rid"], hit.distance_miles, filters.radius or 0, area):
                hit.area_wide = True  # kept by the SQL because its service area covers the place
                hit.distance_miles = None
        hits.append(hit)
    if sort == "distance" and place is not None:
        far = float("inf")
        hits.sort(key=lambda h: (h.distance_miles if h.distance_miles is not None else far,
                                 h.record["name_fold"], ranking.week_position(h.record), h.record["id"]))
    else:
        # Read as a name, a town's name ranks no service in that town first: the named ones are meant.
        city = named[2] if named is not None else None if read_as == "name" else _query_city(conn, parsed)
        _rank(parsed, hits, city, place is not None or nearest_to is not None)
        if read_as == "name":
            _named_first(hits, other_words)
        if nearest_to is not None:  # the fallback's point: every word matched, the nearest first, read aloud
            far = float("inf")
            hits.sort(key=lambda h: (-round(h.score, 6), h.distance_miles if h.distance_miles is not None else far,
                                     h.record["rid"]))
    top = hits[:limit]
    # Among every record ranked, not only those shown: "--limit 1" must not call a word missing.
    missing = () if every_word else tuple(
        g.text for g in parsed.required() if not any(ranking.match_group(g, h.record) for h in hits))
    outside = None
    if reach_outside and place is not None and total == 0 and not (parsed.phone or parsed.short_prefix):
        outside = _nearest_outside(conn, parsed, filters, place)
    display = _display_rows(conn, [h.record["rid"] for h in top] + ([outside.record["rid"]] if outside else []))
    concepts = matched_mod.asked(parsed.groups, filters.needs, filters.lang)
    for h in top + ([outside] if outside else []):
        h.meeting = h.record.get("meeting") is not None
        tags = ranking.meeting_facts(h.record)
        h.record = display[h.record["rid"]]
        h.matched = matched_mod.held(h.record, concepts, meeting=h.meeting, tags=tags)
    elapsed = (time.perf_counter() - started) * 1000
    day_groups = [g for g in parsed.groups if _is_day(g) and g.text not in missing]
    return SearchPage(query=text, filters=filters, total=total, hits=top, elapsed_ms=elapsed, place=place,
                      plan=parsed, place_from_query=named is not None, nearest_to=nearest_to,
                      nearest_miles=next((h.distance_miles for h in hits), None) if nearest_to else None,
                      nearest_outside=outside,
                      place_words=named[3] if named is not None else None,
                      every_word=every_word, words_not_found=missing,
                      days=tuple(g.concept[1] for g in day_groups),
                      today=today.get() if any(g.from_today for g in day_groups) else None,
                      other_reading=other, other_reading_words=other_words,
                      **_fellowship_said(parsed, lex))


def _other_reading(conn, parsed: query_mod.ParsedQuery, filters: Filters, named, rejected: list,
                   read_as: str | None) -> tuple[str | None, str | None]:
    """The reading not taken of words that could be a place or a name, and those words: "name"
    beside a place read where a service's own name has the place's words away from it
    ("independence" of Independence House, Boston, beside Independence, MO); "place" beside a name
    read where the words are a place the rules read as a name and services near it have the other
    words ("housing hope": housing in Hope, AR; not "paamos counseling center": Center, TX has none)."""
    if named is not None:
        if read_as == "place" or _named_elsewhere(conn, named, filters):
            return "name", named[3]
        return None, None
    found = _place_named(conn, parsed, filters, as_place=True) if rejected or read_as == "name" else None
    if found is None or (read_as != "name" and not _serves_the_rest_near(conn, found, filters)):
        return None, None
    return "place", found[3]


def _serves_the_rest_near(conn, named, filters: Filters) -> bool:
    """Whether a service near the place a query's words were read as has the query's other words."""
    rest = " AND ".join(g.fts() for g in query_mod.parse(named[1], lexicon.load(conn)).required())
    return bool(rest) and _found_near(conn, rest, named[0], filters)


def _named_first(hits: list[Hit], words: str | None) -> None:
    """Read as a name, the services whose own name has the words come first ("detox independence":
    Independence House before a detox on Independence's Main Street), in their order."""
    if words:
        hits.sort(key=lambda h: not all(f" {w} " in f" {h.record['name_fold']} " for w in words.split()))


def _named_elsewhere(conn, named, filters: Filters) -> bool:
    """Whether a service whose own name has the words a place was read from, and the query's other
    words, lies away from that place: read as a name, the query would list it."""
    lex = lexicon.load(conn)
    place_words = [g.fts("name") for g in query_mod.parse(named[3] + " ", lex).groups]  # "la" too
    if not place_words:
        return False
    rest = [g.fts() for g in query_mod.parse(named[1], lex).required()]
    expr = query_mod.with_tags(" AND ".join(place_words + rest), _filter_tags(filters))
    near = _near_rids(conn, named[0], filters.radius or 0)[0]
    return any(rid not in near for (rid,) in conn.execute(
        "SELECT rowid FROM services_fts WHERE services_fts MATCH ? LIMIT 500", (expr,)))


def _fellowship_said(parsed: query_mod.ParsedQuery, lex: lexicon.Lexicon) -> dict[str, Any]:
    """A fellowship asked for that the directory has none of, by its label ("NA"), and the labels
    of those it has, offered instead."""
    missing = next((g.fellowship_missing for g in parsed.groups if g.fellowship_missing), None)
    if missing is None:
        return {}
    offered = tuple(meeting_words.label(f) for f in meetings.fellowships() if f in (lex.fellowships or ()))
    return {"fellowship_missing": meeting_words.label(missing), "fellowships_offered": offered}


def _day_word_in_a_name(conn, plain: query_mod.ParsedQuery) -> bool:
    """Whether the day words of a query (`plain`: parsed with them as words) are words of a
    service's name: a name has every word ("hoy recovery program"), or a day word with the word
    before it ("a better today scranton")."""
    groups = [g for g in plain.groups if not g.optional]
    if _a_name_has_every_word(conn, groups, anywhere=False):
        return True
    # Not a town before the day: "doylestown friday" is Friday in Doylestown, whatever the
    # "Doylestown Friday Noon Step Meeting" is called.
    return any(k > 0 and not groups[k - 1].concept and days.day_at([g.text], 0) is not None
               and not _exact_city(conn, groups[k - 1].text)
               and _a_name_has_every_word(conn, groups[k - 1:k + 1], anywhere=False)
               for k, g in enumerate(groups))


def _only_needs(parsed: query_mod.ParsedQuery) -> bool:
    """Whether the words beside a query's place ask only for needs, languages or days ("metadona
    yonkers"): those are worth the nearest however far. A word of a name ("urgente", "urgent",
    "blue hill ave") that no service near the place has with the rest is said not found instead,
    among the services near it with most of the words: the place is never dropped for a search of
    names across the country."""
    return all(g.concept or g.optional for g in parsed.groups)


def _is_day(group: query_mod.WordGroup) -> bool:
    return bool(group.concept) and group.concept[0] == "day"


def _names_a_day(parsed: query_mod.ParsedQuery) -> bool:
    return any(map(_is_day, parsed.groups))


def _taken_as_place(conn, named: tuple[geo.Place, str, Any], filters: Filters, lex: lexicon.Lexicon,
                    read_days: bool, now: dt.datetime) -> tuple[geo.Place, Filters, query_mod.ParsedQuery, str, _TodayAt]:
    """The place a query named as the place filter, at F2's default radius, and the rest of it,
    read with "today" at that place."""
    place, words = named[0], named[1]
    today = _TodayAt(conn, place, now)
    # A county or a big city is its area: its farthest ZIP code and a margin, if beyond the default.
    radius = _area_radius(place)
    return (place, replace(filters, near=place.label, radius=radius),
            query_mod.parse(words, lex, read_days=read_days, today=lambda: today.weekday), words, today)


class _TodayAt:
    """zones.today_at(place, now), worked out only when a query counts a day from today: the zone
    of a place is a look-up other queries skip."""

    def __init__(self, conn, place: geo.Place | None, now: dt.datetime):
        self.conn, self.place, self.now, self._today = conn, place, now, None

    def get(self) -> zones.Today:
        if self._today is None:
            self._today = zones.today_at(self.conn, self.place, self.now)
        return self._today

    @property
    def weekday(self) -> int:
        return self.get().weekday


def _place_named(conn, parsed: query_mod.ParsedQuery, filters: Filters, complete_last: bool = False,
                 as_place: bool = False, rejected: list | None = None
                 ) -> tuple[geo.Place, str, tuple[str, str, tuple[str, ...]] | None, str] | None:
    """The place a query names, whatever else it holds ("methadone yonkers spanish", "housing
    10701", "crisis urgente chicago", "blue hill ave boston", "aa espanol orange county"): (the
    place, the query without it, the city for ranking). The place is the longest run of words that
    is a ZIP code, a city (perhaps misspelt), an alias or a county, perhaps with its state; the one
    ending the query first, where handlers type it. Never a word alone with nothing else asked,
    nor words before a street word ("blue hill ave"), nor when a service's name has every word as
    typed ("phoenix house"). `as_place`: the place reading asked for, where words that could be a
    name were read as one; `rejected` gets (place, words) of a place so read."""
    rejected = [] if rejected is None else rejected
    typing = parsed.groups[-1] if parsed.groups and not parsed.text[-1:].isspace() else None
    phrases = vocabulary.phrase_index()

    def sure_need(g: query_mod.WordGroup) -> bool:
        # A need word still being typed is no sure need yet ("phoenix hous"), unless it is whole.
        return bool(g.concept) and (g is not typing or tuple(g.text.split()) in phrases)

    groups = _small_words_as_places(parsed)
    if parsed.phone or not groups:
        return None
    # Words of a name or an address with the town ("connetcion inc middletown", "1419 columbia
    # washington") find their service as typed, typos allowed: a place is read from words beside
    # other words than needs only when no service has every word ("crisis urgente chicago"), or
    # one near the place does ("blue hill ave boston").
    every_word: list[str | None] = []  # worked out once, when a place is found beside words of names
    found = None
    # Asked for the place reading, a small town that is a common word of names ("hope") is read
    # only when no other words are a place ("phoenix house" is Phoenix, not House, NM).
    tries = [(span, small_towns) for small_towns in ((False, True) if as_place else (False,))
             for span in _place_spans(groups)]
    for (start, stop), small_towns in tries:
        span = groups[start:stop]
        asked = [g for g in groups[:start] + groups[stop:] if not g.optional]
        if not asked or not (any(sure_need(g) for g in asked) or any(not g.concept for g in asked)):
            continue  # a place alone ("boston") is looked for in names and places, as typed
        if stop < len(groups) and groups[stop].text in _STREET_WORDS or start and groups[start - 1].text in _STREETS_BEFORE:
            continue  # "blue hill ave", "calle luna": a street's name, not Blue Hill, ME or Luna, NM
        if stop == len(groups) - 1 and groups[stop] is typing and \
                geo.cities_beginning(conn, " ".join(g.text for g in span + [typing]), 1, counties=False):
            continue  # "white plai": White Plains being typed, not White, GA
        span_words = " ".join(g.text for g in span)
        found = _place_of(conn, span, filters, typing, complete_last, small_towns, rejected)
        plain_words = any(not g.concept for g in asked) and not as_place
        if found is not None and plain_words and not every_word:
            every_word.append(_every_word_relaxed(conn, parsed))
        if found is not None and plain_words and every_word[0] and not _found_near(conn, every_word[0], found[0], filters):
            rejected.append((found[0], span_words))
            found = None  # the service the words name is elsewhere: Middletown, CT, not Middletown, NY
        if found is not None and plain_words and found[1] is not None and \
                not geo.services_in_city(conn, found[1][0], found[0].state):
            found = None  # beside words of a name, a place is read only where the directory has services
        if found is not None:
            break
    if found is None:
        return None
    place, city = found
    # A name that is a small town wherever it is ("vantage") may well be a word of a service's
    # names; a city's ("new york", "mount vernon") only when a service's own name has every word.
    small_town = city is not None and max(_exact_city(conn, city[0]).values(), default=0) <= SMALL_TOWN_ZIPS
    span_words = " ".join(g.text for g in groups[start:stop])
    # A small word read as a place by its capitals or its place at the end ("detox LA") is the place
    # even beside names with an article and the other words ("La Esperanza Detox": the other reading).
    as_place = as_place or all(g is not parsed.groups[k] for k, g in enumerate(groups[start:stop], start))
    if not as_place and _a_name_has_every_word(conn, [g for g in groups if not g.optional], anywhere=small_town):
        rejected.append((place, span_words))
        return None  # "phoenix house", "vantage women and chilren": a service's name
    words = [g for g in groups if not g.optional and not g.concept]
    if not as_place and len(words) > stop - start and _a_name_has_every_word(conn, words, anywhere=True):
        rejected.append((place, span_words))
        return None  # "douglas gardns homeless services": words of a name beside the place's are a name
    kept = groups[:start] + groups[stop:]
    typed = " ".join(city[2]) if city is not None else ""
    if city is not None and city[0] not in geo.city_spellings(typed) and not city[0].startswith(typed):
        kept = groups  # a misspelt town ("walingford aa") is also a word of names there: the Wallingford meeting
    still_typing = bool(kept) and kept[-1] is typing
    return place, " ".join(g.text for g in kept) + ("" if still_typing else " "), city, span_words


def _small_words_as_places(parsed: query_mod.ParsedQuery) -> list[query_mod.WordGroup]:
    """The query's words, a small word that may also be a place's name ("la": Spanish "the", and
    LA) made a word that may be the place where the caller means one: written in capitals in a
    query that is not ("detox LA", "metadona en LA"), or the query's last word after a word that is
    not small ("detox la", "aa meetings la"). An article ends no phrase, and after a small word it is
    still one ("clinica de la" being typed, "casa de la esperanza", "la clinica")."""
    text = parsed.text
    capitals = set() if text.isupper() else {fold(w) for w in re.findall(r"[^\W\d_]{2,}", text) if w.isupper()}
    groups = list(parsed.groups)
    for k, group in enumerate(groups):
        last_after_a_word = k == len(groups) - 1 and k > 0 and not groups[k - 1].optional
        if group.optional and not group.concept and (group.text in capitals or last_after_a_word):
            groups[k] = replace(group, optional=False)
    return groups


# Words after which the words before are a street's name ("blue hill ave", "calle ocho"), in
# English and Spanish as handlers type them.
_STREET_WORDS = frozenset(
    "ave av avenue avenida st street rd road blvd boulevard bulevar dr drive ln lane way hwy highway pkwy "
    "parkway pl ct court ter terrace sq square cir circle calle camino carretera".split())
_STREETS_BEFORE = frozenset("calle avenida camino carretera paseo".split())  # "calle luna", "avenida central"
MAX_PLACE_WORDS = 6  # "condado de miami dade fl": the longest place name tried


def _place_spans(groups: list[query_mod.WordGroup]) -> list[tuple[int, int]]:
    """(start, stop) of each run of words that may be a place, in the order tried: runs ending the
    query first (handlers type the place last), longest first; then the others, rightmost and
    longest first. A need, language or small word alone is no place; in a longer name it may be
    ("spanish harlem", "the bronx", "los angeles")."""
    n = len(groups)
    spans = []
    for stop in range(n, 0, -1):
        for start in range(max(0, stop - MAX_PLACE_WORDS), stop):
            if stop - start > 1 or not (groups[start].optional or groups[start].concept):
                spans.append((start, stop))
    return sorted(spans, key=lambda sp: (sp[1] != n, -(sp[1] - sp[0]) if sp[1] == n else 0, -sp[1], sp[0]))


def _every_word_relaxed(conn, parsed: query_mod.ParsedQuery) -> str | None:
    """The query's words with every typo the widest search allows, as an FTS expression, when
    some service has them all (a name or an address with its town); else None."""
    wider = query_mod.parse(parsed.text, lexicon.load(conn), stage=query_mod.RELAXED, read_days=False)
    expr = " AND ".join(g.fts() for g in wider.groups if not g.optional)  # a town being typed too
    found = expr and conn.execute("SELECT 1 FROM services_fts WHERE services_fts MATCH ? LIMIT 1", (expr,)).fetchone()
    return expr if found else None


def _found_near(conn, expr: str, place: geo.Place, filters: Filters) -> bool:
    """Whether a service with these words is near the place, as the search would take it."""
    scope = _Scope(conn, replace(filters, near=place.label, radius=DEFAULT_RADIUS_MILES), place)
    return scope.text_query(conn, expr, 1)[1] > 0


def _a_name_has_every_word(conn, groups: list[query_mod.WordGroup], anywhere: bool) -> bool:
    """Whether a service's own name (not its site name or organisation: "Methadone Treatment" of
    New York Presbyterian is no name with "methadone new york") has every word, typos allowed;
    `anywhere`: or its names together."""
    every_word = " AND ".join(g.fts("name") for g in groups)
    if anywhere:
        return conn.execute("SELECT 1 FROM services_fts WHERE services_fts MATCH ? LIMIT 1", (every_word,)).fetchone() \
            is not None
    for (name_fold,) in conn.execute(
            "SELECT s.name_fold FROM services_fts JOIN services s ON s.rid = services_fts.rowid "
            "WHERE services_fts MATCH ? LIMIT 200", (every_word,)):
        rec = {"match_fold": name_fold, "place_fold": "", "needs": "", "populations": "", "payment": "",
               "languages": ""}
        ranking.prepare(rec)
        if all(ranking.match_group(g, rec) for g in groups):
            return True
    return False


SMALL_TOWN_ZIPS = 2  # ZIP codes of a town whose name is as likely a word of a service's names
COMMON_WORD_DOCS = 20  # a small town's name in this many records is likelier a name's word ("hope")


def _place_of(conn, groups: list[query_mod.WordGroup], filters: Filters, typing: query_mod.WordGroup | None,
              complete_last: bool, as_place: bool = False, rejected: list | None = None) -> tuple[geo.Place, tuple[str, str, tuple[str, ...]] | None] | None:
    """The place these words are, all of them: a ZIP code, or a city, perhaps with its state (a
    code or a name) or ZIP after it. A city still being typed that longer city names begin
    ("white" of White Plains) is not one yet; with `complete_last` it is the likeliest it begins."""
    words = [g.text for g in groups]
    named_state = None
    for size in (2, 1) if not _exact_city(conn, " ".join(words)) else ():  # "orange co" is a county, not Orange, CO
        tail = " ".join(words[-size:])
        code = _STATE_WORDS.get(tail) or geo.STATE_NAMES.get(tail)
        if len(words) > size and code:
            named_state, words = code, words[:-size]
            break
    try:
        if words[-1].isdigit() and len(words[-1]) == 5:
            zip_place = geo.resolve_place(conn, words[-1])
            if len(words) == 1 or _exact_city(conn, " ".join(words[:-1])):
                return zip_place, None
            return None
        name = " ".join(words)
        being_typed = typing is not None and groups[-1] is typing and named_state is None
        states = _exact_city(conn, name)
        if being_typed and complete_last and not states:
            likeliest = geo.cities_beginning(conn, name, 1) if len(words[-1]) >= CITY_PREFIX_MIN else []
            if not likeliest:
                return None
            _, name, state = likeliest[0]
            states = {state: 1}
        elif being_typed and states:
            # "white" may become White Plains (more ZIPs than White, GA): wait for the next word;
            # "new york" will hardly become New York Mills.
            longer = geo.cities_beginning(conn, name + " ", 1, counties=False)
            if longer and _exact_city(conn, longer[0][1]).get(longer[0][2], 0) > max(states.values()):
                return None
        if not states or not being_typed:
            name, states = _likeliest_spelling(conn, name, states, being_typed, named_state)
        if not states:
            return None
        state = next((s for s in (named_state, filters.state) if s in states), None) or geo.likeliest_states(conn, name, states)[0]
        if len(words) == 1 and states[state] <= SMALL_TOWN_ZIPS and not as_place \
                and _in_names(conn, name) >= COMMON_WORD_DOCS:
            if rejected is not None:
                rejected.append((geo.resolve_place(conn, f"{name}, {state}"), " ".join(words)))
            return None  # Hope, AR in "housing hope": Hope House and its like
        return geo.resolve_place(conn, f"{name}, {state}"), (name, state, tuple(words))
    except geo.PlaceError:
        return None


def _in_names(conn, word: str) -> int:
    """In how many names a word is (up to COMMON_WORD_DOCS): a town's name in the addresses of its
    twenty meetings (Doylestown) is no word of names, as Hope is."""
    match = '{name}: "' + word.replace('"', '""') + '"'
    return conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM services_fts WHERE services_fts MATCH ? "
                        f"LIMIT {COMMON_WORD_DOCS})", (match,)).fetchone()[0]


def _within_budget(typed: str, other: str) -> bool:
    """Each word of a place name within its own typo budget ("bostn", "san fransisco"; not
    "hood" for "cook", whose 4 letters take no typo)."""
    a, b = typed.split(), other.split()
    return len(a) == len(b) and all(OSA.distance(x, y) <= lexicon.typo_budget(len(y)) for x, y in zip(a, b))


def _likeliest_spelling(conn, name: str, states: dict[str, int], being_typed: bool,
                        named_state: str | None = None) -> tuple[str, dict[str, int]]:
    """A place name, or the one it is a typo of ('bostn' -> boston): when the name is no place
    where the directory has services, the name within the typo budget where it has most (a
    misspelling that is another town's name means the town with services). A name still being
    typed only when no place name begins with it."""
    budget = lexicon.typo_budget(len(name))
    if not budget or len(name.split()) > 3 or any(geo.services_in_city(conn, name, s) for s in states):
        return name, states
    if not states and all(word in lexicon.load(conn) for word in name.split()):
        return name, states  # words of the directory, and no town's ('hose'): no misspelt town
    if being_typed and geo.cities_beginning(conn, name, 1):
        return name, states
    best = None
    for other, typos in geo.place_names_near(conn, name, budget):
        other_states = _exact_city(conn, other)
        if not _within_budget(name, other) or (named_state and named_state not in other_states):
            continue
        services = max((geo.services_in_city(conn, other, s) for s in other_states), default=0)
        if services and (best is None or (-services, typos) < (-best[2], best[3])):
            best = (other, other_states, services, typos)
    return (best[0], best[1]) if best else (name, states)


def _exact_city(conn, name: str) -> dict[str, int]:
    """State -> ZIP codes of the cities with this name (either spelling of its first word)."""
    states: dict[str, int] = {}
    for spelling in geo.city_spellings(name):
        for state, count in conn.execute(
                f"SELECT state, count(*) FROM {geo.place_names(conn)} WHERE city_fold = ? GROUP BY state", (spelling,)):
            states[state] = states.get(state, 0) + count
    return states


def _nearest_rows(conn, parsed: query_mod.ParsedQuery, scope: _Scope, point: geo.Place, count: int,
                  start_miles: float) -> tuple[list[dict[str, Any]], int]:
    """Rows with every word: the `count` nearest to `point`, however far (exact: core/nearest.py),
    and the best matches anywhere (a name typed: "teen residential at chesapeake" is a site in
    Maryland), to be ranked by how well they match, then distance; and the number with every word."""
    match = scope.expression(parsed.match_all())
    if any(not g.concept for g in parsed.required()):
        best, total = _candidates(conn, parsed, scope, CANDIDATE_CAP)
    else:  # needs and languages alone match alike, anywhere: the nearest are the best
        best, total = [], conn.execute("SELECT count(*) FROM services_fts WHERE services_fts MATCH ?", (match,)
                                       ).fetchone()[0] if match else conn.execute("SELECT count(*) FROM services").fetchone()[0]
    if not total:
        return [], 0
    found = nearest.nearest(conn, match, point.latitude, point.longitude, count, start_miles)
    seen = {row["rid"] for row in best}
    return scope.rows(conn, [rid for _, rid in found if rid not in seen]) + best, total


def _nearest_outside(conn, parsed: query_mod.ParsedQuery, filters: Filters, place: geo.Place) -> Hit | None:
    """Nothing within the radius of the place: the nearest service with every word and the other
    filters, however far (None: none anywhere)."""
    scope = _Scope(conn, replace(filters, near=None, radius=None), None)
    start = (filters.radius or DEFAULT_RADIUS_MILES) * nearest.GROWTH
    found = nearest.nearest(conn, scope.expression(parsed.match_all()), place.latitude, place.longitude, 1, start)
    if not found:
        return None
    miles, rid = found[0]
    row = scope.rows(conn, [rid])[0]
    return Hit(record=row, score=0.0, distance_miles=miles, approximate_position=row["geo_precision"] == "zip-centroid",
               searched_place=place)


def _nearest_to_city(conn, parsed: query_mod.ParsedQuery, scope: _Scope, count: int):
    """Rows for the query without the city it names, the `count` nearest to that city first."""
    city = _query_city(conn, parsed, complete_last=True)
    if city is None:
        return [], 0, None, parsed
    words = list(city[2])
    groups = list(parsed.groups)
    for start in range(len(groups) - len(words), -1, -1):
        if [g.text for g in groups[start:start + len(words)]] == words:
            del groups[start:start + len(words)]
            break
    if not groups or all(g.optional for g in groups):
        return [], 0, None, parsed
    try:
        place = geo.resolve_place(conn, f"{city[0]}, {city[1]}")
    except geo.PlaceError:
        return [], 0, None, parsed
    rest = query_mod.ParsedQuery(text=parsed.text, groups=groups)
    rows, total = _nearest_rows(conn, rest, scope, place, count, DEFAULT_RADIUS_MILES)
    return rows, total, (place if total else None), (rest if total else parsed)


def _any_words(conn, parsed, scope: _Scope, cap: int):
    """No record has every word: score records by the rarer words they have (each group's rows
    from the index alone, search-notes §6.1 step D), rank the best; total counts any-word matches."""
    n = max(1, conn.execute("SELECT max(rid) FROM services").fetchone()[0] or 1)
    weights: dict[int, float] = {}
    for group in parsed.groups:
        if group.optional or query_mod.narrows_nothing(group):
            continue
        rids = [r[0] for r in conn.execute(
            "SELECT rowid FROM services_fts WHERE services_fts MATCH ? LIMIT 5000", (scope.expression(group.fts()),))]
        if scope.near is not None:
            rids = [r for r in rids if r in scope.near[0]]
        weight = math.log(1 + n / max(1, len(rids)))
        for rid in rids:
            weights[rid] = weights.get(rid, 0.0) + weight
    best = sorted(weights, key=lambda rid: (-weights[rid], rid))[: cap * 2]
    if not best:
        return [], 0
    rows = scope.rows(conn, best)  # every filter was applied by the index (tags, cells) and the near set
    rows.sort(key=lambda r: -weights[r["rid"]])
    match_any = parsed.match_any()
    _, total = scope.text_query(conn, match_any, 1)
    return rows[:cap], max(total, min(len(rows), cap))


def _query_city(conn, parsed: query_mod.ParsedQuery, complete_last: bool = False) -> tuple[str, str, tuple[str, ...]] | None:
    """A known city named in the query ("... new york", "terapia familiar miami") ranks services
    there first: (folded city, state, the words typed for it). Tried longest first, from the end,
    where handlers type the place. A state after it decides ("portland me"); else the state where
    that name has most ZIPs. `complete_last`: a city still being typed at the end ("metadona yonk")
    counts too, as the likeliest city it begins; only where nothing else matched, since "hous" is
    as likely a house as Houston."""
    words = [g.text for g in parsed.groups if not g.concept]
    last = parsed.groups[-1] if parsed.groups else None
    typing_city = complete_last and last is not None and not last.concept and last.text in last.prefixes
    for size in (3, 2, 1):
        for start in range(len(words) - size, -1, -1):
            name = " ".join(words[start:start + size])
            if len(name) < 3:
                continue
            for spelling in geo.city_spellings(name):  # "st louis" is Saint Louis
                states = dict(conn.execute(
                    f"SELECT state, count(*) FROM {geo.place_names(conn)} WHERE city_fold = ? GROUP BY state",
                    (spelling,)).fetchall())
                if states:
                    after = words[start + size] if start + size < len(words) else ""
                    named = _STATE_WORDS.get(after)
                    state = named if named in states else geo.likeliest_states(conn, spelling, states)[0]
                    return spelling, state, tuple(words[start:start + size])
        typed = tuple(words[-size:]) if typing_city and len(words) >= size else ()
        if typed and len(typed[-1]) >= CITY_PREFIX_MIN:
            likeliest = geo.cities_beginning(conn, " ".join(typed), 1)
            if likeliest:
                _, city_fold, state = likeliest[0]
                return city_fold, state, typed
    return None


CITY_PREFIX_MIN = 4  # letters of a half-typed city before it is taken for the likeliest city it begins


_STATE_WORDS = {fold_name: code for fold_name, code in (
    *((c.lower(), c) for c in ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO "
                               "MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR").split()),
)}


def _rank(parsed, hits: list[Hit], city: str | None, by_distance: bool) -> None:
    if parsed.empty or (parsed.short_prefix and not by_distance):
        far = float("inf")
        hits.sort(key=lambda h: ((h.distance_miles if h.distance_miles is not None else far) if by_distance else 0,
                                 h.record["name_fold"], ranking.week_position(h.record), h.record["id"]))
        for h in hits:
            h.score = 1.0
        hits[:] = [h for _, h in _each_group_once_first([((), h) for h in hits])]
        return
    keyed = []
    for h in hits:
        ranking.prepare(h.record)
        key = ranking.sort_key(parsed, city, h.record, h.distance_miles if by_distance else None)
        keyed.append((key, h))
    keyed.sort(key=lambda kh: kh[0])
    groups = max(1, sum(1 for g in parsed.groups if not g.filler))
    for key, h in keyed:
        # A readable 0..1 score: share of words matched (small words too), less a little per typo.
        h.score = min(1.0, max(0.0, (-key[0] - key[ranking.SMALL_WORDS]) / groups - 0.1 * key[1]))
    hits[:] = [h for _, h in _each_group_once_first([(key[:ranking.MATCH_RULES], h) for key, h in keyed])]


def _each_group_once_first(ranked: list[tuple[tuple, Hit]]) -> list[tuple[tuple, Hit]]:
    """A group meeting every day is a record per meeting: 'aa philadelphia' listed one group's
    seven meetings before any other group. Among results that match alike (`ranked` is in order,
    with the part of each key that says how well it matched), each group's first meeting comes
    before any group's second one; a group's meetings keep their order (Sunday to Saturday)."""
    seen: dict[tuple, int] = {}
    nth = []
    for tier, h in ranked:
        group = (tier, h.record["name_fold"], h.record["place_fold"])
        nth.append(seen.get(group, 0))
        seen[group] = nth[-1] + 1
    order = sorted(range(len(ranked)), key=lambda i: (ranked[i][0], nth[i]))
    return [ranked[i] for i in order]
