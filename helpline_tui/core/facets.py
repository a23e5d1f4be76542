"""How many services each filter value would leave, for the filter pickers ("Methadone  181").

Counts are exact SQL over `services`, `service_facets` and `service_languages` with the current
filters applied (status, state, kind, language, needs, and the place: distance within the radius or a
service area covering the place, as `search()` decides). The search words are not counted: a picker
shows what a filter narrows the directory to, and it stays fast (a few ms at 20k records).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from helpline_tui.core import geo, vocabulary
from helpline_tui.core.search import DEFAULT_RADIUS_MILES, Filters

FACETS = ("need", "population", "payment", "language", "kind")


def _miles(lat1: float | None, lon1: float | None, lat2: float, lon2: float) -> float | None:
    if lat1 is None or lon1 is None:
        return None
    return geo.haversine_miles(lat1, lon1, lat2, lon2)


def _where(conn: sqlite3.Connection, filters: Filters) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if not filters.include_inactive:
        where.append("s.status = 'active'")
    if filters.state:
        where.append("s.state = ?")
        params.append(filters.state.upper())
    if filters.kind:
        where.append("s.kind = ?")
        params.append(filters.kind)
    if filters.lang:
        where.append("EXISTS (SELECT 1 FROM service_languages l WHERE l.lang = ? AND l.rid = s.rid)")
        params.append(filters.lang)
    for need in filters.needs:
        where.append("EXISTS (SELECT 1 FROM service_facets f2 WHERE f2.value = ? AND f2.rid = s.rid)")
        params.append(need)
    if filters.near:
        place = geo.resolve_place(conn, filters.near)
        radius = float(filters.radius or DEFAULT_RADIUS_MILES)
        conn.create_function("helpline_miles", 4, _miles, deterministic=True)
        lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, radius)
        area = ["s.service_area_list LIKE '%\"US\"%'", "s.service_area_list LIKE ?"]
        area_params: list[Any] = [f'%"{place.state}"%']
        if place.zip:
            area.append("s.service_area_list LIKE ?")
            area_params.append(f'%"zip:{place.zip}"%')
        where.append(
            "((s.latitude BETWEEN ? AND ? AND s.longitude BETWEEN ? AND ? "
            "AND helpline_miles(s.latitude, s.longitude, ?, ?) <= ?) OR " + " OR ".join(area) + ")"
        )
        params += [lat0, lat1, lon0, lon1, place.latitude, place.longitude, radius, *area_params]
    return where, params


def counts(conn: sqlite3.Connection, filters: Filters, facet: str) -> dict[str, int]:
    """value -> number of services matching `filters` plus that value. For a single-choice facet
    (language, kind) pass filters without that facet's own value. Raises geo.PlaceError for a place
    that cannot be resolved."""
    if facet not in FACETS:
        raise ValueError(f"unknown facet {facet!r}")
    where, params = _where(conn, filters)
    cond = "".join(f" AND {w}" for w in where)
    subquery = "SELECT s.rid FROM services s" + (" WHERE " + " AND ".join(where) if where else "")
    if facet == "language":
        sql = f"SELECT lang, count(*) FROM service_languages WHERE rid IN ({subquery}) GROUP BY lang"
    elif facet == "kind":
        sql = f"SELECT s.kind, count(*) FROM services s WHERE 1 = 1{cond} GROUP BY s.kind"
    else:
        # One pass over the (value, rid) index; the facet of each value comes from the vocabulary.
        sql = f"SELECT value, count(*) FROM service_facets WHERE rid IN ({subquery}) GROUP BY value"
        vocab = vocabulary.load()
        return {value: n for value, n in conn.execute(sql, params) if vocab.facet_of(value) == facet}
    return {value: n for value, n in conn.execute(sql, params)}


def total(conn: sqlite3.Connection, filters: Filters) -> int:
    where, params = _where(conn, filters)
    sql = "SELECT count(*) FROM services s" + (" WHERE " + " AND ".join(where) if where else "")
    return conn.execute(sql, params).fetchone()[0]
