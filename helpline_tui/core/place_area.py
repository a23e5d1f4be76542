"""A place that is an area (a county, a borough, a name for counties or ZIP codes): the services in
it, by ZIP code, not those in a circle round its centre. A circle round Los Angeles County reached
Anaheim and Santa Ana (Orange County); a long county lost its ends, a round one gained neighbours.

A service is in the area when its own ZIP code is one of the area's; a service with no ZIP code the
table knows is placed by its position's nearest ZIP centroid."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from helpline_tui.core import directory_cache, geo

# A ZIP-less service's nearest centroid is looked for among the centroids this far beyond the
# area's reach: farther ones cannot be nearer than one found within it.
NEIGHBOUR_MILES = 15.0
AREA_MARGIN_MILES = 5  # beyond the farthest ZIP centroid: a ZIP code's own extent


@dataclass(frozen=True)
class AreaServices:
    rids: frozenset[int]
    farthest_miles: float  # from the area's centre, the farthest of them (for the map cells to ask)


def reach_miles(place: geo.Place) -> float:
    """How far an area reaches from its centre: its farthest ZIP centroid and a margin."""
    return place.extent_miles + AREA_MARGIN_MILES


def services_in(conn: sqlite3.Connection, place: geo.Place) -> AreaServices:
    """The services whose ZIP code (or, lacking one, nearest ZIP centroid) is one of the area's.
    Kept per index build and area, as the near set is."""
    kept = directory_cache.of(conn).area_services
    cached = kept.get(place.zips)
    if cached is not None:
        return cached
    zips = json.dumps(sorted(place.zips))
    found = {rid: (lat, lon) for rid, lat, lon in conn.execute(
        "SELECT rid, latitude, longitude FROM services WHERE zip IN (SELECT value FROM json_each(?))", (zips,))}
    found.update(_placed_by_position(conn, place))
    farthest = max((geo.haversine_miles(place.latitude, place.longitude, lat, lon)
                    for lat, lon in found.values() if lat is not None), default=0.0)
    value = AreaServices(frozenset(found), farthest)
    directory_cache.DirectoryCache.keep(kept, place.zips, value, directory_cache.MOST_AREAS)
    return value


def _placed_by_position(conn: sqlite3.Connection, place: geo.Place) -> dict[int, tuple[float, float]]:
    """Services near the area with no ZIP code the table knows, whose position's nearest ZIP
    centroid is one of the area's."""
    reach = reach_miles(place)
    lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, reach)
    unzipped = conn.execute(
        "SELECT rid, latitude, longitude FROM services WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM zip_centroids z WHERE z.zip = services.zip)",
        (lat0, lat1, lon0, lon1)).fetchall()
    if not unzipped:
        return {}
    lat0, lat1, lon0, lon1 = geo.bounding_box(place.latitude, place.longitude, reach + NEIGHBOUR_MILES)
    centroids = conn.execute("SELECT zip, latitude, longitude FROM zip_centroids WHERE latitude BETWEEN ? AND ? "
                             "AND longitude BETWEEN ? AND ?", (lat0, lat1, lon0, lon1)).fetchall()
    out = {}
    for rid, lat, lon in unzipped:
        nearest = min(((geo.haversine_miles(lat, lon, zlat, zlon), z) for z, zlat, zlon in centroids), default=None)
        if nearest is not None and nearest[1] in place.zips and nearest[0] <= NEIGHBOUR_MILES:
            out[rid] = (lat, lon)
    return out
