"""The services matching a search nearest to a place, however far: exact, across state lines, in
distance order.

Rings grow from the place. Each ring's candidates come from the text index (the query's words and
filters as tags, ANDed with the map cells covering the ring's box: FTS5 intersects them itself), and
the same haversine as the distance shown keeps those inside the ring. Once a ring holds `count`
services they are the nearest `count`: every other match lies outside the ring, so farther. A ring
too wide for the cells (half a continent, or over a pole) takes every match instead.
"""

from __future__ import annotations

import heapq
import json
import sqlite3

from helpline_tui.core import geo
from helpline_tui.core import query as query_mod

GROWTH = 2.0  # each ring's radius is this many times the last (four times the area)
MAX_RING_CELLS = 150  # a ring needing more map cells than this is answered from every match


def nearest(conn: sqlite3.Connection, expression: str | None, latitude: float, longitude: float, count: int,
            start_miles: float) -> list[tuple[float | None, int]]:
    """(miles, rid) of the `count` services matching the FTS `expression` (None: every service)
    nearest to the point, nearest first, ties in name order (rowid). Services with no position
    are never nearer than one with a position: they come last, once every positioned match is in,
    without a distance."""
    count = max(1, count)
    radius = max(1.0, start_miles)
    measured: dict[int, float | None] = {}  # rid -> miles, kept from ring to ring
    while True:
        cells = _ring_cells(latitude, longitude, radius)
        if cells is None:
            return _everywhere(conn, expression, latitude, longitude, count, measured)
        in_cells = "keywords: (" + " OR ".join(f'"{c}"' for c in cells) + ")"
        match = f"({expression}) AND {in_cells}" if expression else in_cells
        rids = [r for (r,) in conn.execute("SELECT rowid FROM services_fts WHERE services_fts MATCH ?", (match,))]
        _measure(conn, rids, latitude, longitude, measured)
        found = [(miles, rid) for rid in rids if (miles := measured.get(rid)) is not None and miles <= radius]
        if len(found) >= count:
            return heapq.nsmallest(count, found)
        radius *= GROWTH


def _ring_cells(latitude: float, longitude: float, radius: float) -> list[str] | None:
    """The map cells covering a ring's box; None when that takes more than MAX_RING_CELLS or the
    ring covers a pole. A box across the 180th meridian (the Aleutians) is its two halves."""
    lat0, lat1, east0, east1 = geo.bounding_box(latitude, 0.0, radius)  # at 0: no wrap, the plain reach
    if (east0, east1) == (-180.0, 180.0):
        return None
    lon0, lon1 = longitude + east0, longitude + east1
    halves = [(lon0, lon1)] if -180 <= lon0 and lon1 <= 180 else \
        [(max(lon0, -180.0), min(lon1, 180.0)), ((lon0 + 360, 180.0) if lon0 < -180 else (-180.0, lon1 - 360))]
    cells = [c for west, east in halves for c in query_mod.cell_tokens_covering(lat0, lat1, west, east)]
    return cells if len(cells) <= MAX_RING_CELLS else None


def _everywhere(conn, expression: str | None, latitude: float, longitude: float, count: int,
                measured: dict[int, float | None]):
    if expression:
        rids = [r for (r,) in conn.execute("SELECT rowid FROM services_fts WHERE services_fts MATCH ?", (expression,))]
    else:
        rids = [r for (r,) in conn.execute("SELECT rid FROM services")]
    _measure(conn, rids, latitude, longitude, measured)
    placed = heapq.nsmallest(count, [(measured[rid], rid) for rid in rids if measured.get(rid) is not None])
    unplaced = sorted(rid for rid in rids if rid in measured and measured[rid] is None)[:count - len(placed)]
    return placed + [(None, rid) for rid in unplaced]


def _measure(conn, rids: list[int], latitude: float, longitude: float, measured: dict[int, float | None]) -> None:
    """Miles from the point to each service not measured yet (None: it has no position)."""
    new = [rid for rid in rids if rid not in measured]
    if not new:
        return
    rows = conn.execute("SELECT rid, latitude, longitude FROM services WHERE rid IN (SELECT value FROM json_each(?))",
                        (json.dumps(new),))
    miles = geo.haversine_miles  # the argument order of the distance each result shows (search.Hit): equal figures
    for rid, lat, lon in rows:
        measured[rid] = None if lat is None or lon is None else miles(latitude, longitude, lat, lon)
