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

from helpline_tui.core import geo, vocabulary
from helpline_tui.core.directory import RECORD_JSON_FIELDS
from helpline_tui.core.matching import QueryPlan, plan_query, rank_candidates
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
    plan: QueryPlan | None = field(default=None, repr=False)

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


def _decode(row: tuple) -> dict[str, Any]:
    rec = dict(zip(RESULT_COLUMNS, row))
    for key in RECORD_JSON_FIELDS:
        if key in rec and isinstance(rec[key], str):
            rec[key] = json.loads(rec[key])
    return rec


def search(conn: sqlite3.Connection, query: str, filters: Filters | None = None, limit: int = 20) -> SearchPage:
    """Ranked results for the query text and filters, plus the exact total of matching records."""
    started = time.perf_counter()
    filters, place = normalise_filters(conn, filters or Filters())
    limit = max(0, min(int(limit), MAX_LIMIT))
    query = query if isinstance(query, str) else str(query or "")
    plan = plan_query(conn, query)
    where, params = _filter_sql(filters, place)
    cols = ", ".join(f"s.{c}" for c in RESULT_COLUMNS)
    sql, sql_params = plan.candidate_sql(cols, where)
    rows = [_decode(r) for r in conn.execute(sql, [*sql_params, *params])]

    hits = []
    for rec in rows:
        hit = Hit(record=rec, score=0.0)
        if place is not None:
            if rec["latitude"] is not None:
                hit.distance_miles = geo.haversine_miles(place.latitude, place.longitude,
                                                         rec["latitude"], rec["longitude"])
            hit.approximate_position = rec["geo_precision"] == "zip-centroid"
            if hit.distance_miles is None or hit.distance_miles > (filters.radius or 0):
                hit.area_wide = True  # only kept by the area test in SQL; no distance shown for it
                hit.distance_miles = None
        else:
            hit.approximate_position = rec["geo_precision"] == "zip-centroid"
        hits.append(hit)
    if place is not None:
        hits = [h for h in hits if h.area_wide or h.distance_miles is not None]
        # Area-wide only when the area truly covers the place (the SQL LIKE is a pre-filter).
        hits = [h for h in hits if not h.area_wide or _area_covers(h.record, place)]
    rank_candidates(plan, hits, place is not None)
    elapsed = (time.perf_counter() - started) * 1000
    return SearchPage(query=query, filters=filters, total=len(hits), hits=hits[:limit],
                      elapsed_ms=elapsed, place=place, plan=plan)


def _area_covers(rec: dict[str, Any], place: geo.Place) -> bool:
    area = set(rec.get("service_area_list") or [])
    return "US" in area or place.state in area or (place.zip is not None and f"zip:{place.zip}" in area)
