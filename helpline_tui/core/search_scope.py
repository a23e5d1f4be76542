"""Where a search's candidates come from: the filters checked and turned into SQL and index tags,
the set of services near a place (kept per directory), and the candidate rows for a parsed query.
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import cached_property
from typing import Any

from helpline_tui.core import cleaning, directory_cache, geo, index_tokens, meetings, place_area, vocabulary
from helpline_tui.core import query as query_mod
from helpline_tui.core.directory import RECORD_JSON_FIELDS
from helpline_tui.core.records import KINDS
from helpline_tui.core.search_types import DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES, FilterError, Filters
from helpline_tui.core.site_merging import sources_of


RESULT_COLUMNS = (
    "rid", "id", "kind", "name", "organization", "site_name", "street", "city", "state", "zip",
    "phone", "intake_phone", "hotline_phone", "latitude", "longitude", "geo_precision",
    "service_area_list", "languages", "needs", "populations", "payment", "status", "source",
    "last_verified", "name_fold", "hours", "source_codes",  # source_codes: a meeting's types asked ("Closed")
    "concepts", "concepts_inferred",
)


def quoted_back(value: Any) -> str:
    """A user's value quoted back in an error: one line, printable, not too long."""
    return cleaning.clean_text(str(value), limit=40)


def normalise_filters(conn: sqlite3.Connection, filters: Filters) -> tuple[Filters, geo.Place | None]:
    """Validate every filter value; raise FilterError with one clear sentence."""
    vocab = vocabulary.load()
    state = (filters.state or "").strip().upper() or None
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        raise FilterError(f"state '{quoted_back(filters.state)}' is not a two-letter code such as NY or PR", usage=True)
    lang = (filters.lang or "").strip().lower() or None
    if lang and not vocab.canonical_language(lang):
        raise FilterError(f"language '{quoted_back(filters.lang)}' is not a language code helpline knows; "
                          f"use en, es, asl or another ISO 639-1 or 639-3 code such as fr, zh or kea", usage=True)
    lang = vocab.canonical_language(lang) if lang else None
    kind = (filters.kind or "").strip().lower() or None
    if kind and kind not in KINDS:
        raise FilterError(f"kind '{quoted_back(filters.kind)}' is not one of {', '.join(KINDS)}", usage=True)
    needs = []
    for need in filters.needs:
        need = (need or "").strip().lower()
        if vocab.term(need) is None:
            raise FilterError(f"need '{quoted_back(need)}' is not a need id; 'helpline needs' lists them", usage=True)
        if need not in needs:
            needs.append(need)
    radius = filters.radius
    place = None
    if radius is not None and not (filters.near is not None and str(filters.near).strip()):
        # a radius alone would be silently ignored: the caller meant "near somewhere"
        shown = f"{radius:g}" if isinstance(radius, (int, float)) else quoted_back(radius)
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
            raise FilterError(f"radius '{quoted_back(filters.radius)}' is not a number of miles", usage=True) from None
        if not (0 < radius <= MAX_RADIUS_MILES) or radius != radius:
            raise FilterError(f"radius {quoted_back(filters.radius)} must be between 0 and {MAX_RADIUS_MILES} miles",
                              usage=True)
    clean = Filters(
        near=place.label if place else None, radius=radius if place else None, state=state, lang=lang,
        needs=tuple(needs), kind=kind, include_inactive=filters.include_inactive,
    )
    return clean, place


def filter_sql(filters: Filters, place: geo.Place | None) -> tuple[list[str], list[Any]]:
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


def filter_tags(filters: Filters) -> list[str]:
    """The same filters (but place) as index tags, for paths that start from the text index."""
    tags = [] if filters.include_inactive else [index_tokens.tag_token("status", "active")]
    if filters.state:
        tags.append(index_tokens.tag_token("state", filters.state))
    if filters.kind:
        tags.append(index_tokens.tag_token("kind", filters.kind))
    if filters.lang:
        tags.append(index_tokens.keyword_token("language", filters.lang))
    tags += [index_tokens.keyword_token("need", need) for need in filters.needs]
    return tags


CANDIDATE_COLUMNS = (
    "rid", "id", "name_fold", "match_fold", "place_fold", "city_fold", "state", "needs", "populations", "payment",
    "languages", "latitude", "longitude", "geo_precision", "hours",  # hours: a group's meetings by weekday
    "meeting",  # meetings.MEETING_SQL: a meeting's types, attendance and fellowship, for ranking
    "concepts", "concepts_inferred", "category_names",
)


CANDIDATE_CAP = 300  # rows ranked in Python; beyond it, names matching come first, then index order


RANK_AT_MOST = 3000  # bm25 pre-ranking of name matches costs ~2 us a match: only up to this many


def display_rows(conn: sqlite3.Connection, rids: list[int]) -> dict[int, dict[str, Any]]:
    if not rids:
        return {}
    cols = ", ".join(RESULT_COLUMNS)
    rows = conn.execute(f"SELECT {cols} FROM services WHERE rid IN ({','.join('?' * len(rids))})", rids)
    out = {}
    for row in rows:
        rec = dict(zip(RESULT_COLUMNS, row, strict=True))
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
    return [dict(zip(CANDIDATE_COLUMNS, row, strict=True)) for row in conn.execute(sql, params)]


_COLS = ", ".join(f"s.{c}" if c != "meeting" else meetings.MEETING_SQL for c in CANDIDATE_COLUMNS)


class Scope:
    """Where candidates come from: the filters as SQL and as index tags, and the set of services
    near the place (computed once per place and radius, then reused keystroke after keystroke)."""

    def __init__(self, conn: sqlite3.Connection, filters: Filters, place: geo.Place | None):
        self._conn, self._place, self._radius = conn, place, filters.radius or 0
        self._filter_where, self._filter_params = filter_sql(filters, None)
        self.tags = filter_tags(filters)
        self.place_expr = None
        if place is not None:
            # Grid cells around the place, or an area that covers it: a small superset the index
            # finds fast; the exact radius is then checked against the near set.
            lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, _cells_reach(conn, place, filters.radius or 0))
            cells = index_tokens.cell_tokens_covering(lat0, lat1, lon0, lon1)
            areas = [index_tokens.area_token(t) for t in ["US", place.state] + ([f"zip:{place.zip}"] if place.zip else [])]
            self.place_expr = "keywords: (" + " OR ".join(f'"{t}"' for t in cells + areas) + ")"

    @cached_property
    def near(self) -> tuple[dict[int, float], str] | None:
        """The services near the place (None: no place), worked out when first asked: a yes/no
        (`has_match`) needs only its matches' distances."""
        return None if self._place is None else near_rids(self._conn, self._place, self._radius)

    @property
    def where(self) -> list[str]:
        """The filters (and the near set, last) as SQL conditions over `services s`."""
        near = ["s.rid IN (SELECT value FROM json_each(?))"] if self._place is not None else []
        return self._filter_where + near

    @property
    def params(self) -> list[Any]:
        near = self.near
        return self._filter_params + ([near[1]] if near is not None else [])

    def expression(self, match: str | None) -> str | None:
        """An FTS expression with the filters as tags and the place's cells (None: no condition)."""
        match = index_tokens.with_tags(match, self.tags)
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

    def has_match(self, conn, match: str) -> bool:
        """Whether any service matches an FTS expression (filters and place included): a yes/no,
        so the index's matches are read only up to the first in the near set, rows never fetched."""
        expr = self.expression(match)
        if not expr:  # no condition at all: any service the filters keep
            return bool(self.sql_query(conn, "", [], "", 1)[0])
        if self._place is None:
            return conn.execute("SELECT 1 FROM services_fts WHERE services_fts MATCH ? LIMIT 1",
                                (expr,)).fetchone() is not None
        matches = conn.execute("SELECT rowid FROM services_fts WHERE services_fts MATCH ?", (expr,))
        if "near" in self.__dict__ or not _first_asked(conn, self._place, self._radius):
            near = self._near_set()  # kept, or worked out once and kept: a place asked again
            return any(rid in near for (rid,) in matches)
        # A place asked for the first time (a town some words may be, often read as a name): the
        # near set of its matches alone, a batch at a time up to the first in it, not the
        # distances of every service around.
        while batch := matches.fetchmany(MATCHES_MEASURED_AT_ONCE):
            if near_rids(conn, self._place, self._radius, among=[rid for (rid,) in batch])[0]:
                return True
        return False

    def _near_set(self) -> dict[int, float]:
        near = self.near
        assert near is not None  # asked only with a place
        return near[0]

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


MATCHES_MEASURED_AT_ONCE = 2000  # has_match's batch: one query's worth, and an early stop


def _near_key(place: geo.Place, radius: float) -> tuple[tuple, float]:
    """The near set's cache key and the radius it takes: a county asked at 25 miles (is a word
    found there?) and at its own reach (its services) is one set, worked out once."""
    if place.zips and not circle_too(place, radius):
        radius = -1.0  # an area alone: no circle (place_area)
    return (place.latitude, place.longitude, place.state, place.zip, place.zips, radius), radius


def _first_asked(conn: sqlite3.Connection, place: geo.Place, radius: float) -> bool:
    """Whether the near set of this place and radius is neither kept nor asked for before (and
    note that it now has been)."""
    key, cache = _near_key(place, radius)[0], directory_cache.of(conn)
    if key in cache.near or key in cache.near_asked:
        return False
    directory_cache.DirectoryCache.keep(cache.near_asked, key, True, directory_cache.MOST_NEAR_ASKED)
    return True


def near_rids(conn: sqlite3.Connection, place: geo.Place, radius: float,
              among: list[int] | None = None) -> tuple[dict[int, float], str]:
    """Services within the radius (the same haversine as the distance shown) or whose service
    area covers the place (national and statewide lines, the place's ZIP): ({rid: miles, inf for
    an area's}, JSON list). `among`: only those of these services (not kept)."""
    far = float("inf")
    key, radius = _near_key(place, radius)
    kept = directory_cache.of(conn).near
    cached = kept.get(key) if among is None else None
    if cached is not None:
        return cached
    # Either every service or those `among`, by one condition on rid (json_each of the list).
    only, only_args = ("", []) if among is None else (" AND rid IN (SELECT value FROM json_each(?))", [json.dumps(among)])
    lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, max(radius, 0.0))
    tokens = ["US", place.state] + ([f"zip:{place.zip}"] if place.zip else [])
    miles: dict[int, float] = {rid: far for (rid,) in conn.execute(
        f"SELECT rid FROM service_areas WHERE token IN ({','.join('?' * len(tokens))}){only}", [*tokens, *only_args])}
    miles.update(conn.execute(
        "SELECT rid, hl_miles(latitude, longitude, ?, ?) AS d FROM services WHERE latitude BETWEEN ? AND ? "
        f"AND longitude BETWEEN ? AND ? AND d <= ?{only}",
        (place.latitude, place.longitude, lat0, lat1, lon0, lon1, radius, *only_args)))
    if place.zips:  # an area's own services, at their distance from its centre (place_area)
        area = place_area.services_in(conn, place).rids
        inside = json.dumps(sorted((area if among is None else area.intersection(among)) - miles.keys()))
        miles.update((rid, far if d is None else d) for rid, d in conn.execute(
            "SELECT rid, hl_miles(latitude, longitude, ?, ?) FROM services WHERE rid IN (SELECT value FROM json_each(?))",
            (place.latitude, place.longitude, inside)))
    value = (miles, json.dumps(sorted(miles)))
    if among is None:
        directory_cache.DirectoryCache.keep(kept, key, value, directory_cache.MOST_NEAR_SETS)
    return value


def area_only(place: geo.Place | None, radius: float | None) -> bool:
    """Whether a search near this place takes its area alone (a county within its own reach), so
    "nothing within 25 mi" is "nothing in Loving County, TX"."""
    return place is not None and bool(place.zips) and not circle_too(place, radius or 0)


def circle_too(place: geo.Place, radius: float) -> bool:
    """Whether an area's search also takes a circle: only a radius wider than the area's own
    reach (F9 widening, `--radius 100`) goes beyond its ZIP codes."""
    return radius > area_radius(place)


def area_radius(place: geo.Place) -> float:
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
    return max(farthest, radius) if circle_too(place, radius) else farthest


def in_place(place: geo.Place, rid: int, miles: float | None, radius: float, area: frozenset[int]) -> bool:
    """Whether a service is in the place searched by where it is (not by its service area);
    `area`: the services in an area place (place_area.services_in), empty for a town or a ZIP."""
    if rid in area:
        return True
    if place.zips and not circle_too(place, radius):
        return False
    return miles is not None and miles <= radius


def fetch_candidates(conn, parsed: query_mod.ParsedQuery, scope: Scope, cap: int) -> tuple[list[dict[str, Any]], int]:
    """Candidate rows (at most `cap`) and the exact number of matching records."""
    if parsed.phone:
        return scope.sql_query(conn, "s.rid IN (SELECT rid FROM service_phones WHERE digits = ?)",
                               [parsed.phone], "", cap)
    if parsed.short_prefix:
        # 1-2 letters: names beginning with them. Rowids follow name order, so they are one rowid
        # range, found in the name B-tree (0.01 ms, where FTS5's "r"* ranked takes 80 ms at 100k:
        # docs/search-notes.md, "Cost: ranking, not matching; short queries"); filters apply as index tags.
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
    scope = Scope(conn, filters, place)
    return "SELECT s.rid FROM services s" + (" WHERE " + " AND ".join(scope.where) if scope.where else ""), \
        list(scope.params)
