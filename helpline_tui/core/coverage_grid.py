"""Which services lie within a radius of ZIP centroids, for the whole country in seconds, exactly.

Services are put in a grid of small lat/lon cells. The disk around a ZIP centroid is walked row of
cells by row: the cells wholly inside it (all four corners within the radius: the farthest point of
a cell is a corner) count whole, without measuring a service; only the cells the circle crosses
have their services measured, with the same haversine as every distance shown. Pairwise, the
country is 40,000 ZIPs x 100,000 services (16 million pairs within 25 miles); this way a ZIP or a
county costs about the number of cell rows its disk spans.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from helpline_tui.core.geo import EARTH_RADIUS_MILES, haversine_miles

CELLS_PER_RADIUS = 4  # finer: more cells whole, more rows to walk; 4 measured fastest at 25 miles
MARGIN = 1e-9  # radians: a service on the circle itself is measured, never taken whole


# One row of cells a disk reaches: (row, inner0, inner1, ring0, ring1). Columns inner0..inner1 lie
# wholly inside the disk (none when inner0 > inner1); ring0..ring1 may hold services within it.
Span = tuple[int, int, int, int, int]
_EVERY_COLUMN = (1, 0, -(1 << 40), 1 << 40)


@dataclass
class ServiceGrid:
    """Services (latitude, longitude, bit mask of what they offer) by cell."""

    cell_degrees: float
    lats: list[float] = field(default_factory=list)
    lons: list[float] = field(default_factory=list)
    masks: list[int] = field(default_factory=list)
    # row -> sorted columns of its non-empty cells, and per column (same order) the cell's service
    # indices and the OR of their masks
    cols: dict[int, list[int]] = field(default_factory=dict)
    items: dict[int, list[list[int]]] = field(default_factory=dict)
    cell_masks: dict[int, list[int]] = field(default_factory=dict)
    # unit vectors of the services: a dot product tells inside from outside but on the circle
    xyz: list[tuple[float, float, float]] = field(default_factory=list)
    _edges: dict[int, tuple[float, float]] = field(default_factory=dict)  # row -> sin, cos of its lower edge

    @classmethod
    def build(cls, services: Iterable[tuple[float, float, int]], radius_miles: float) -> ServiceGrid:
        size = max(math.degrees(radius_miles / EARTH_RADIUS_MILES) / CELLS_PER_RADIUS, 0.005)
        grid = cls(size)
        cells: dict[tuple[int, int], list[int]] = {}
        radians, cos, sin, floor = math.radians, math.cos, math.sin, math.floor
        for lat, lon, mask in services:
            index = len(grid.lats)
            grid.lats.append(lat)
            grid.lons.append(lon)
            grid.masks.append(mask)
            phi, lam = radians(lat), radians(lon)  # unit_vector, inline: 100,000 calls
            grid.xyz.append((cos(phi) * cos(lam), cos(phi) * sin(lam), sin(phi)))
            cells.setdefault((floor(lat / size), floor(lon / size)), []).append(index)
        for (row, col), members in sorted(cells.items()):
            grid.cols.setdefault(row, []).append(col)
            grid.items.setdefault(row, []).append(members)
            mask = 0
            for i in members:
                mask |= grid.masks[i]
            grid.cell_masks.setdefault(row, []).append(mask)
        return grid

    def add_unplaced(self, mask: int) -> None:
        """A service with no position (an area-wide line): it has an index and a mask, no cell."""
        self.lats.append(math.nan)
        self.lons.append(math.nan)
        self.masks.append(mask)
        self.xyz.append((math.nan, math.nan, math.nan))

    def spans(self, lat: float, lon: float, radius_miles: float) -> list[Span]:
        """The rows of cells the disk of `radius_miles` around the point reaches."""
        s = self.cell_degrees
        angle = radius_miles / EARTH_RADIUS_MILES
        cos_a = math.cos(angle)
        phi = math.radians(lat)
        sin_z, cos_z = math.sin(phi), math.cos(phi)
        reach = math.degrees(angle)
        first, last = math.floor((lat - reach) / s), math.floor((lat + reach) / s)
        if abs(lat) + reach >= 90 or cos_z < 1e-9:  # a pole inside: every longitude, measured
            return [(row, *_EVERY_COLUMN) for row in range(first, last + 1)]
        # The latitude where the disk is widest (a little poleward of its centre), and its row.
        widest = math.asin(max(-1.0, min(1.0, sin_z / cos_a)))
        widest_row = math.floor(math.degrees(widest) / s)
        edges, acos, floor, ceil, margin = self._edges, math.acos, math.floor, math.ceil, MARGIN
        widths = []  # the disk's half-width in longitude (radians) at each row's lower edge; None: not reached
        for row in range(first, last + 2):
            edge = edges.get(row)
            if edge is None:
                edge = edges[row] = (math.sin(math.radians(row * s)), math.cos(math.radians(row * s)))
            x = (cos_a - edge[0] * sin_z) / (edge[1] * cos_z)
            widths.append(None if x > 1 else math.pi if x < -1 else acos(x))
        out = []
        for k, row in enumerate(range(first, last + 1)):
            lower, upper = widths[k], widths[k + 1]
            if row == widest_row:
                x = (cos_a - math.sin(widest) * sin_z) / (math.cos(widest) * cos_z)
                ring = None if x > 1 else math.pi if x < -1 else acos(x)
            else:  # the row's widest latitude is its edge nearer the disk's widest
                ring = upper if row < widest_row else lower
            if ring is None:
                continue
            ring_deg = math.degrees(ring + margin)
            if lon - ring_deg < -180 or lon + ring_deg > 180:  # across the 180th meridian: measure the row
                out.append((row, *_EVERY_COLUMN))
                continue
            if lower is None or upper is None:
                inner0, inner1 = 1, 0
            else:
                inner = math.degrees(min(lower, upper) - margin)
                inner0, inner1 = (1, 0) if inner <= 0 else (ceil((lon - inner) / s), floor((lon + inner) / s) - 1)
            out.append((row, inner0, inner1, floor((lon - ring_deg) / s), floor((lon + ring_deg) / s)))
        return out

    def within(self, i: int, lat: float, lon: float, point: tuple[float, float, float], cos_radius: float,
               radius_miles: float) -> bool:
        """Whether service `i` is within the radius of the point: by dot product of unit vectors,
        and on the circle itself (to 1e-11) by the haversine every distance shown uses."""
        x, y, z = self.xyz[i]
        dot = x * point[0] + y * point[1] + z * point[2]
        if dot > cos_radius + 1e-11:
            return True
        if dot < cos_radius - 1e-11:
            return False
        return haversine_miles(lat, lon, self.lats[i], self.lons[i]) <= radius_miles

    def covered_mask(self, lat: float, lon: float, radius_miles: float, spans: Sequence[Span]) -> int:
        """The OR of the masks of the services within the radius of the point."""
        covered = 0
        crossed = []
        for row, inner0, inner1, ring0, ring1 in spans:
            cols = self.cols.get(row)
            if not cols:
                continue
            masks = self.cell_masks[row]
            for j in range(bisect_left(cols, ring0), bisect_right(cols, ring1)):
                if inner0 <= cols[j] <= inner1:
                    covered |= masks[j]
                else:
                    crossed.append((row, j))
        if crossed:
            point, cos_radius = unit_vector(lat, lon), math.cos(radius_miles / EARTH_RADIUS_MILES)
            for row, j in crossed:
                if self.cell_masks[row][j] & ~covered:
                    for i in self.items[row][j]:
                        if self.masks[i] & ~covered and self.within(i, lat, lon, point, cos_radius, radius_miles):
                            covered |= self.masks[i]
        return covered

    def reachable(self, points: Sequence[tuple[float, float]], radius_miles: float,
                  spans: Sequence[Sequence[Span]]) -> tuple[list[tuple[int, int]], list[int]]:
        """The services within the radius of any of the points (a county's ZIP centroids): the
        cells wholly inside one disk, as (row, position in the row), each to be taken whole, and
        the services measured one by one in the cells the circles cross. No cell comes twice."""
        inner: dict[int, list[tuple[int, int]]] = {}
        ring: dict[int, list[tuple[int, int, int]]] = {}
        cols_of = self.cols
        for k, point_spans in enumerate(spans):
            for row, inner0, inner1, ring0, ring1 in point_spans:
                if row not in cols_of:
                    continue
                if inner0 <= inner1:
                    inner.setdefault(row, []).append((inner0, inner1))
                ring.setdefault(row, []).append((ring0, ring1, k))
        vectors = [unit_vector(lat, lon) for lat, lon in points]
        cos_radius = math.cos(radius_miles / EARTH_RADIUS_MILES)
        whole: list[tuple[int, int]] = []
        measured: list[int] = []
        for row, spans_in_row in ring.items():
            cols, items = self.cols[row], self.items[row]
            taken = _merged(inner.get(row, ()))
            for j in _columns_in(cols, _merged((a, b) for a, b, _ in spans_in_row)):
                col = cols[j]
                if _inside(taken, col):
                    whole.append((row, j))
                    continue
                near = [k for a, b, k in spans_in_row if a <= col <= b]
                for i in items[j]:
                    x, y, z = self.xyz[i]
                    for k in near:
                        v = vectors[k]
                        dot = x * v[0] + y * v[1] + z * v[2]
                        if dot > cos_radius + 1e-11 or (dot >= cos_radius - 1e-11 and haversine_miles(
                                *points[k], self.lats[i], self.lons[i]) <= radius_miles):
                            measured.append(i)
                            break
        return whole, measured


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    phi, lam = math.radians(lat), math.radians(lon)
    return math.cos(phi) * math.cos(lam), math.cos(phi) * math.sin(lam), math.sin(phi)


def _merged(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Integer intervals merged where they overlap or touch: every column of a merged interval
    is in one of the intervals."""
    out: list[list[int]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _columns_in(cols: list[int], intervals: list[tuple[int, int]]) -> Iterable[int]:
    for a, b in intervals:
        yield from range(bisect_left(cols, a), bisect_right(cols, b))


def _inside(intervals: list[tuple[int, int]], col: int) -> bool:
    i = bisect_right(intervals, (col, 1 << 62)) - 1
    return i >= 0 and intervals[i][0] <= col <= intervals[i][1]
