"""The one search function. `helpline search`, the TUI and the benchmarks all call `search()`,
so what is measured is what users get.

Filters are exact SQL conditions (the `total` is the exact number of matching records); the query
text selects candidates through the full-text index and ranks them.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any

from helpline_tui.core import geo, lexicon, ranking, vocabulary
from helpline_tui.core import query as query_mod
from helpline_tui.core.directory import RECORD_JSON_FIELDS
from helpline_tui.core.records import KINDS

DEFAULT_RADIUS_MILES = 25.0
MAX_LIMIT = 1000


class FilterError(ValueError):
    """A filter value the user gave that cannot be applied; the message is one sentence."""


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

    def as_json(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": r["id"], "name": r["name"], "kind": r["kind"], "organization": r["organization"],
            "site_name": r["site_name"], "street": r["street"], "city": r["city"], "state": r["state"],
            "zip": r["zip"], "phone": r["phone"] or r["intake_phone"] or r["hotline_phone"],
            "intake_phone": r["intake_phone"], "languages": r["languages"], "needs": r["needs"],
            "populations": r["populations"], "payment": r["payment"],
            "distance_miles": None if self.distance_miles is None else round(self.distance_miles, 1),
            "approximate_position": self.approximate_position, "area_wide": self.area_wide,
            "status": r["status"], "source": r["source"], "last_verified": r["last_verified"],
            "score": round(self.score, 4),
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

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "filters": self.filters.as_json(), "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "place": self.place.label if self.place else None,
            "results": [h.as_json() for h in self.hits],
        }


RESULT_COLUMNS = (
    "rid", "id", "kind", "name", "organization", "site_name", "street", "city", "state", "zip",
    "phone", "intake_phone", "hotline_phone", "latitude", "longitude", "geo_precision",
    "service_area_list", "languages", "needs", "populations", "payment", "status", "source",
    "last_verified", "name_fold",
)


def normalise_filters(conn: sqlite3.Connection, filters: Filters) -> tuple[Filters, geo.Place | None]:
    """Validate every filter value; raise FilterError with one clear sentence."""
    vocab = vocabulary.load()
    state = (filters.state or "").strip().upper() or None
    if state and not re.fullmatch(r"[A-Z]{2}", state):
        raise FilterError(f"state '{filters.state}' is not a two-letter code such as NY or PR")
    lang = (filters.lang or "").strip().lower() or None
    if lang and not re.fullmatch(r"[a-z]{2,3}", lang):
        raise FilterError(f"language '{filters.lang}' is not a language code such as en, es or asl")
    kind = (filters.kind or "").strip().lower() or None
    if kind and kind not in KINDS:
        raise FilterError(f"kind '{filters.kind}' is not one of {', '.join(KINDS)}")
    needs = []
    for need in filters.needs:
        need = (need or "").strip().lower()
        if vocab.term(need) is None:
            raise FilterError(f"need '{need}' is not a need id; 'helpline needs' lists them")
        if need not in needs:
            needs.append(need)
    radius = filters.radius
    place = None
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
            raise FilterError(f"radius '{filters.radius}' is not a number of miles") from None
        if not (0 < radius <= 5000) or radius != radius:
            raise FilterError(f"radius {filters.radius} must be between 0 and 5000 miles")
    clean = Filters(
        near=place.label if place else None, radius=radius if place else None, state=state, lang=lang,
        needs=tuple(needs), kind=kind, include_inactive=filters.include_inactive,
    )
    return clean, place


def _filter_sql(filters: Filters, place: geo.Place | None) -> tuple[list[str], list[Any]]:
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
    if place is not None:
        lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, filters.radius or 0)
        area = ["s.service_area_list LIKE '%\"US\"%'", "s.service_area_list LIKE ?"]
        params_area = [f'%"{place.state}"%']
        if place.zip:
            area.append("s.service_area_list LIKE ?")
            params_area.append(f'%"zip:{place.zip}"%')
        where.append(
            f"((s.latitude BETWEEN ? AND ? AND s.longitude BETWEEN ? AND ?) OR {' OR '.join(area)})"
        )
        params += [lat0, lat1, lon0, lon1, *params_area]
    return where, params


CANDIDATE_COLUMNS = (
    "rid", "id", "name_fold", "match_fold", "place_fold", "city_fold", "state", "needs", "populations", "payment",
    "languages", "latitude", "longitude", "geo_precision", "service_area_list",
)
FEW_RESULTS = 10  # fewer than this and the query is widened; fixed, so every caller ranks alike
CANDIDATE_CAP = 1500  # rows ranked in Python; beyond it the full-text index's order decides


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
    return out


def _fetch(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(zip(CANDIDATE_COLUMNS, row)) for row in conn.execute(sql, params)]


def _candidates(conn, parsed: query_mod.ParsedQuery, where: list[str], params: list[Any],
                cap: int) -> tuple[list[dict[str, Any]], int]:
    """Candidate rows (at most `cap`) and the exact number of matching records."""
    cols = ", ".join(f"s.{c}" for c in CANDIDATE_COLUMNS)
    clause = "".join(f" AND {w}" for w in where)
    if parsed.phone:
        sql = f"FROM services s WHERE s.rid IN (SELECT rid FROM service_phones WHERE digits = ?){clause}"
        args = [parsed.phone, *params]
    elif parsed.short_prefix:
        # 1-2 letters: names beginning with them, from the B-tree (search-notes §3.3).
        p = parsed.short_prefix
        sql = f"FROM services s WHERE s.name_fold >= ? AND s.name_fold < ?{clause}"
        args = [p, p + "\uffff", *params]
        rows = _fetch(conn, f"SELECT {cols} {sql} ORDER BY s.name_fold LIMIT {cap}", args)
        total = len(rows) if len(rows) < cap else conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
        return rows, total
    elif parsed.empty:
        sql = "FROM services s" + (" WHERE " + " AND ".join(where) if where else "")
        args = list(params)
    else:
        sql = f"FROM services_fts JOIN services s ON s.rid = services_fts.rowid WHERE services_fts MATCH ?{clause}"
        args = [parsed.match_all(), *params]
    rows = _fetch(conn, f"SELECT {cols} {sql} LIMIT {cap}", args)
    total = len(rows) if len(rows) < cap else conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
    return rows, total


def search(conn: sqlite3.Connection, query: str, filters: Filters | None = None, limit: int = 20) -> SearchPage:
    """Ranked results for the query text and filters, plus the exact total of matching records."""
    started = time.perf_counter()
    filters, place = normalise_filters(conn, filters or Filters())
    limit = max(0, min(int(limit), MAX_LIMIT))
    text = query if isinstance(query, str) else str(query or "")
    lex = lexicon.load(conn)
    parsed = query_mod.parse(text, lex)
    where, params = _filter_sql(filters, place)
    cap = CANDIDATE_CAP if not parsed.empty else max(CANDIDATE_CAP, limit)
    if parsed.empty and place is None:
        rows, total = _empty_query(conn, where, params, limit)
    else:
        rows, total = _candidates(conn, parsed, where, params, cap)
        # Few results: widen step by step (typos on every word, then relaxed typo budgets, then
        # any of the words), as Typesense's typo_tokens_threshold / drop_tokens_threshold do.
        for stage in (query_mod.TYPOS_EVERYWHERE, query_mod.RELAXED):
            if not parsed.groups or total >= FEW_RESULTS:
                break
            wider = query_mod.parse(text, lex, stage=stage)
            more, more_total = _candidates(conn, wider, where, params, cap)
            if more_total > total:
                parsed, rows, total = wider, more, more_total
        if parsed.groups and total == 0 and len(parsed.required()) > 1:
            rows, total = _any_words(conn, parsed, where, params, cap)

    hits = []
    for rec in rows:
        hit = Hit(record=rec, score=0.0, approximate_position=rec["geo_precision"] == "zip-centroid")
        if place is not None:
            if rec["latitude"] is not None:
                hit.distance_miles = geo.haversine_miles(place.latitude, place.longitude,
                                                         rec["latitude"], rec["longitude"])
            if hit.distance_miles is None or hit.distance_miles > (filters.radius or 0):
                hit.area_wide = True  # kept because its service area covers the place
                hit.distance_miles = None
        hits.append(hit)
    if place is not None:
        for rec in rows:
            if isinstance(rec.get("service_area_list"), str):
                rec["service_area_list"] = json.loads(rec["service_area_list"])
        before = len(hits)
        hits = [h for h in hits if not h.area_wide or _area_covers(h.record, place)]
        total -= before - len(hits)
    _rank(parsed, hits, _query_city(conn, parsed), place is not None)
    top = hits[:limit]
    display = _display_rows(conn, [h.record["rid"] for h in top])
    for h in top:
        h.record = display[h.record["rid"]]
    elapsed = (time.perf_counter() - started) * 1000
    return SearchPage(query=text, filters=filters, total=total, hits=top, elapsed_ms=elapsed, place=place,
                      plan=parsed)


def _empty_query(conn, where, params, limit):
    """Filters only, no place: alphabetical, straight from the B-tree."""
    cols = ", ".join(f"s.{c}" for c in CANDIDATE_COLUMNS)
    sql = "FROM services s" + (" WHERE " + " AND ".join(where) if where else "")
    rows = _fetch(conn, f"SELECT {cols} {sql} ORDER BY s.name_fold, s.id LIMIT {max(limit, 1)}", params)
    total = conn.execute(f"SELECT count(*) {sql}", params).fetchone()[0]
    return rows, total


def _any_words(conn, parsed, where, params, cap):
    """No record has every word: take records with any of them; ranking puts most words first."""
    cols = ", ".join(f"s.{c}" for c in CANDIDATE_COLUMNS)
    clause = "".join(f" AND {w}" for w in where)
    sql = f"FROM services_fts JOIN services s ON s.rid = services_fts.rowid WHERE services_fts MATCH ?{clause}"
    args = [parsed.match_any(), *params]
    rows = _fetch(conn, f"SELECT {cols} {sql} LIMIT {cap * 4}", args)
    for rec in rows:
        ranking.prepare(rec)
    rows.sort(key=lambda r: -ranking.words_matched(parsed, r))
    rows = rows[:cap]
    total = conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0] if len(rows) >= cap else len(rows)
    return rows, total


def _query_city(conn, parsed: query_mod.ParsedQuery) -> tuple[str, str] | None:
    """A known city named in the query ("... new york", "terapia familiar miami") ranks services
    there first: (folded city, state). Tried longest first, from the end, where handlers type the
    place. A state after it decides ("portland me"); else the state where that name has most ZIPs."""
    words = [g.text for g in parsed.groups if not g.concept]
    for size in (3, 2, 1):
        for start in range(len(words) - size, -1, -1):
            name = " ".join(words[start:start + size])
            if len(name) < 3:
                continue
            states = [r[0] for r in conn.execute(
                "SELECT state FROM zip_centroids WHERE city_fold = ? GROUP BY state ORDER BY count(*) DESC",
                (name,))]
            if states:
                after = words[start + size] if start + size < len(words) else ""
                named = _STATE_WORDS.get(after)
                return name, named if named in states else states[0]
    return None


_STATE_WORDS = {fold_name: code for fold_name, code in (
    *((c.lower(), c) for c in ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO "
                               "MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY PR").split()),
)}


def _rank(parsed, hits: list[Hit], city: str | None, by_distance: bool) -> None:
    if parsed.empty or (parsed.short_prefix and not by_distance):
        far = float("inf")
        hits.sort(key=lambda h: ((h.distance_miles if h.distance_miles is not None else far) if by_distance else 0,
                                 h.record["name_fold"], h.record["id"]))
        for h in hits:
            h.score = 1.0
        return
    keyed = []
    for h in hits:
        ranking.prepare(h.record)
        key = ranking.sort_key(parsed, city, h.record, h.distance_miles if by_distance else None)
        keyed.append((key, h))
    keyed.sort(key=lambda kh: kh[0])
    groups = max(1, len(parsed.groups))
    for key, h in keyed:
        # A readable 0..1 score: share of words matched, less a little per typo.
        h.score = max(0.0, (-key[0]) / groups - 0.1 * key[1])
    hits[:] = [h for _, h in keyed]


def _area_covers(rec: dict[str, Any], place: geo.Place) -> bool:
    area = set(rec.get("service_area_list") or [])
    return "US" in area or place.state in area or (place.zip is not None and f"zip:{place.zip}" in area)
