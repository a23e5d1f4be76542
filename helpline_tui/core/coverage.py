"""Where the directory has no service: for each need (and service concept, where the directory
records them) and each county or state, how many of its ZIP centroids — where its people live —
have a service within the radius, and how many services are within the radius of any of them.
A county with none is a gap. No Textual here: `helpline coverage` and the admin screen call it.

How services are counted, so that nothing makes a county look covered silently:
- active services with a position count by distance (the haversine every distance shown uses);
- a service whose service area covers a county (national, statewide, a county, a ZIP code, as
  search keeps "area-wide" services) and that is not within the radius is counted apart, as
  `services_area_wide`: it never makes a county covered, and a gap reached only that way says so;
- services with neither a position nor a service area (online-only meetings, a hotline with no
  address) are counted in `counted["neither"]` and nowhere else.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from helpline_tui.core import report, vocabulary
from helpline_tui.core.coverage_grid import ServiceGrid, Span
from helpline_tui.core.geo import county_base
from helpline_tui.core.textnorm import fold
from helpline_tui.errors import UserError

# Tallied calls fewer than the install's [tally] min_cell (default 5, never below 3) are shown as "<5",
# by the same rule as `helpline report` (report.cell): no small area identifies a caller.
TALLY_FORMAT = "helpline-tally 1"


class CoverageError(UserError, ValueError):
    """A value the user gave that cannot be used: one sentence. `usage`: a malformed flag (exit 2)."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str  # "need" | "concept"
    en: str
    es: str
    domain: str | None

    def label(self, lang: str = "en") -> str:
        return self.es if lang == "es" else self.en


class UnitCoverage(NamedTuple):
    """One need in one county (or state: `county` is ""). A tuple: the whole country is 100,000 of them."""

    need: str
    kind: str
    state: str
    county: str
    zips_total: int
    zips_covered: int
    services_nearby: int  # within the radius of at least one of the ZIP centroids
    services_area_wide: int  # their service area covers it; not within the radius
    unmet_calls: int | str | None = None  # tallied "nothing suitable" calls; "<5" under min_cell; None: no tally

    @property
    def gap(self) -> bool:
        return self.services_nearby == 0

    def as_json(self) -> dict:
        return {"need": self.need, "kind": self.kind, "state": self.state, "county": self.county,
                "zips_total": self.zips_total, "zips_covered": self.zips_covered,
                "services_nearby": self.services_nearby, "services_area_wide": self.services_area_wide,
                "gap": self.gap, "unmet_calls": self.unmet_calls}


@dataclass(frozen=True)
class Gap:
    """Where people live with no service of a need within the radius (for the admin screen)."""

    need: str
    county: str
    state: str
    zips_uncovered: int
    people_zips: int  # the county's ZIP centroids, where its people live
    services_area_wide: int = 0
    kind: str = "need"


@dataclass
class Coverage:
    radius_miles: float
    by: str  # "county" | "state"
    states: tuple[str, ...]
    topics: list[Topic]
    rows: list[UnitCoverage]
    counted: dict
    tally: dict | None = None
    not_offered: list[str] = field(default_factory=list)  # topics no active service offers

    def gaps(self) -> list[UnitCoverage]:
        return [r for r in self.rows if r.gap]

    def as_json(self) -> dict:
        rows = [r.as_json() for r in self.rows]
        return {"radius_miles": self.radius_miles, "by": self.by, "states": list(self.states),
                "needs": [{"id": t.id, "kind": t.kind, "en": t.en, "es": t.es, "domain": t.domain} for t in self.topics],
                "not_offered": self.not_offered, "counted": self.counted, "tally": self.tally,
                "rows": rows, "gaps": [r for r in rows if r["gap"]]}


def topics(conn: sqlite3.Connection) -> list[Topic]:
    """Every need of the vocabulary, then the service concepts the directory records (its
    `service_facets` rows of facet 'concept'), if it records any."""
    vocab = vocabulary.load()
    out = [Topic(t.id, "need", t.en, t.es, t.domain) for t in vocab.needs]
    for (concept,) in conn.execute("SELECT DISTINCT value FROM service_facets WHERE facet = 'concept' ORDER BY 1"):
        out.append(Topic(concept, "concept", concept, concept, None))
    return out


def measure(conn: sqlite3.Connection, *, radius_miles: float = 25.0, needs: Sequence[str] = (),
            states: Sequence[str] = (), by: str = "county", tally_files: Sequence[str | Path] = (),
            min_cell: int = 5) -> Coverage:
    """Coverage of the needs asked (default all) in the states asked (default all), by county or state."""
    if not radius_miles > 0 or radius_miles > 5000:
        raise CoverageError(f"the radius must be more than 0 and at most 5000 miles, not {radius_miles:g}", usage=True)
    if by not in ("county", "state"):
        raise CoverageError(f"--by takes county or state, not '{by}'", usage=True)
    known = topics(conn)
    chosen = _chosen(known, needs)
    states = tuple(dict.fromkeys(s.strip().upper() for s in states))
    units, zips = _units(conn, states, by)
    bit = {t.id: i for i, t in enumerate(chosen)}
    grid, area_services, counted = _services(conn, chosen, bit, radius_miles)
    counted["zips"] = len(zips)
    if by == "county":  # ZIP codes the ZIP table gives no county (military, some PO boxes): their state's only
        counted["zips_without_county"] = conn.execute(
            "SELECT count(*) FROM zip_centroids WHERE county = ''"
            + (f" AND state IN ({','.join('?' * len(states))})" if states else ""), states).fetchone()[0]
    offered = [0] * len(chosen)  # by any counted service, area-wide ones included
    for mask in grid.masks:
        for b in _bits(mask):
            offered[b] += 1
    tally = _read_tallies(tally_files, chosen, by) if tally_files else None

    covered_zips, spans_of = _zips_covered(grid, zips, radius_miles, len(chosen))
    per_unit = _reach_by_unit(conn, grid, units, spans_of, area_services, radius_miles, len(chosen), by)
    rows: list[UnitCoverage] = []
    unmet = tally["by_unit"] if tally else {}
    for b, topic in enumerate(chosen):
        for unit, unit_zips in units.items():
            nearby, apart = per_unit[unit]
            calls = len(unmet.get((topic.id, *unit), ())) if tally else None
            rows.append(UnitCoverage(topic.id, topic.kind, unit[0], unit[1], len(unit_zips), covered_zips[unit][b],
                                     nearby[b], apart[b], report.cell(calls, min_cell) if calls is not None else None))
    if tally:
        tally = _tally_summary(tally, units, min_cell)
    return Coverage(radius_miles, by, states, chosen, rows, counted, tally,
                    [t.id for b, t in enumerate(chosen) if offered[b] == 0])


def _zips_covered(grid: ServiceGrid, zips, radius_miles: float, topics: int):
    """unit -> ZIP codes with a service of each topic within the radius; and each ZIP code's spans."""
    covered: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * topics)
    # ZIP codes sharing a centroid (a city's PO boxes) are measured once.
    spans_of: dict[str, list[Span]] = {}
    at: dict[tuple[float, float], tuple[list[Span], tuple[int, ...]]] = {}
    for zip_code, unit, lat, lon in zips:
        known_here = at.get((lat, lon))
        if known_here is None:
            spans = grid.spans(lat, lon, radius_miles)
            known_here = at[(lat, lon)] = (spans, _bits(grid.covered_mask(lat, lon, radius_miles, spans)))
        spans_of[zip_code] = known_here[0]
        counts = covered[unit]
        for b in known_here[1]:
            counts[b] += 1
    return covered, spans_of


def _reach_by_unit(conn, grid: ServiceGrid, units, spans_of, area_services, radius_miles: float, topics: int,
                   by: str) -> dict[tuple[str, str], tuple[list[int], list[int]]]:
    """unit -> (services of each topic within the radius of one of its ZIP codes, services of
    each topic whose service area covers it and that are not within the radius)."""
    area_of_unit = _area_units(conn, area_services, units, by)
    cell_counts = _cell_counts(grid)
    cell_area = _cell_area(grid, area_services)
    bits, masks = _bits, grid.masks
    out = {}
    for unit, unit_zips in units.items():
        points = [(lat, lon) for _, lat, lon in unit_zips]
        whole, measured = grid.reachable(points, radius_miles, [spans_of[z] for z, _, _ in unit_zips])
        nearby = [0] * topics
        near_area: set[int] = set()
        for row, j in whole:
            for b, n in cell_counts[row][j]:
                nearby[b] += n
            if cell_area:
                near_area.update(cell_area.get((row, j), ()))
        for i in measured:
            for b in bits(masks[i]):
                nearby[b] += 1
            if i in area_services:
                near_area.add(i)
        apart = [0] * topics
        for i in area_of_unit.get(unit, ()):
            if i not in near_area:
                for b in bits(masks[i]):
                    apart[b] += 1
        out[unit] = (nearby, apart)
    return out


def largest_gaps(conn: sqlite3.Connection, *, radius_miles: float = 25.0, limit: int = 10) -> list[Gap]:
    """The needs and counties where most ZIP centroids have no service of the need within the
    radius, largest first (for the admin screen's "largest coverage gaps"), at most 100. A need
    no service offers at all is left out (it would fill the list; `measure().not_offered` names it)."""
    index_id = conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
    key = (index_id[0] if index_id else None, radius_miles)
    gaps = _LARGEST_GAPS.get(key) if key[0] else None
    if gaps is None:
        found = measure(conn, radius_miles=radius_miles)
        rows = [r for r in found.rows if r.zips_covered < r.zips_total and r.need not in found.not_offered]
        rows.sort(key=lambda r: (-(r.zips_total - r.zips_covered), -r.zips_total, r.need, r.state, r.county))
        gaps = [Gap(r.need, r.county, r.state, r.zips_total - r.zips_covered, r.zips_total, r.services_area_wide,
                    r.kind) for r in rows[:100]]
        _LARGEST_GAPS.clear()
        _LARGEST_GAPS[key] = gaps
    return gaps[:max(0, limit)]


# Per index build and radius: the whole country takes seconds; the admin screen asks again on each visit.
_LARGEST_GAPS: dict[tuple, list[Gap]] = {}


# ------------------------------------------------------------------------------------------ inputs

def _chosen(known: list[Topic], needs: Sequence[str]) -> list[Topic]:
    if not needs:
        return known
    by_id = {t.id: t for t in known}
    chosen = []
    for need in dict.fromkeys(n.strip() for n in needs):
        if need not in by_id:
            raise CoverageError(f"'{need[:40]}' is not a need id; `helpline needs` lists them", usage=True)
        chosen.append(by_id[need])
    return chosen


def _units(conn, states: tuple[str, ...], by: str):
    """{(state, county or ''): [(zip, lat, lon)]} and [(zip, unit, lat, lon)] from the ZIP table.
    ZIP codes with no county count for their state only."""
    known = {s for (s,) in conn.execute("SELECT DISTINCT state FROM zip_centroids")}
    for state in states:
        if len(state) != 2 or not state.isalpha():
            raise CoverageError(f"state '{state[:40]}' is not a two-letter code such as FL or PR", usage=True)
        if state not in known:
            raise CoverageError(f"state '{state}' is not in the directory's ZIP table", usage=True)
    where = f" WHERE state IN ({','.join('?' * len(states))})" if states else ""
    units: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
    zips = []
    for zip_code, state, county, lat, lon in conn.execute(
            f"SELECT zip, state, county, latitude, longitude FROM zip_centroids{where} ORDER BY state, county, zip",
            states):
        if by == "county" and not county:
            continue
        unit = (state, county if by == "county" else "")
        units.setdefault(unit, []).append((zip_code, lat, lon))
        zips.append((zip_code, unit, lat, lon))
    return units, zips


def _services(conn, chosen: list[Topic], bit: dict[str, int], radius_miles: float):
    """The grid of active services offering a chosen need, those with a service area (index ->
    its area tokens), and how each was counted."""
    masks: dict[int, int] = defaultdict(int)
    for kind in ("need", "concept"):
        values = {t.id: 1 << bit[t.id] for t in chosen if t.kind == kind}
        if values:
            for value, rid in conn.execute("SELECT value, rid FROM service_facets WHERE facet = ? AND value IN "
                                           "(SELECT value FROM json_each(?))", (kind, _json(values))):
                masks[rid] |= values[value]
    tokens: dict[int, list[str]] = defaultdict(list)
    for rid, token in conn.execute("SELECT rid, token FROM service_areas"):
        if rid in masks:
            tokens[rid].append(token)
    positioned: list[tuple[float, float, int, list[str] | None]] = []  # lat, lon, mask, area tokens or None
    unplaced: list[tuple[None, None, int, list[str]]] = []
    counts = {"services": 0, "by_position": 0, "area_wide": 0, "neither": 0}
    by_area = dict.fromkeys(_AREA_KINDS, 0)  # each service by its widest area
    for rid, lat, lon in conn.execute("SELECT rid, latitude, longitude FROM services WHERE status = 'active'"):
        mask = masks.get(rid)
        if not mask:
            continue
        counts["services"] += 1
        areas = tokens.get(rid)
        if areas:
            counts["area_wide"] += 1
            by_area[min((_area_kind(t) for t in areas), key=_AREA_KINDS.index)] += 1
        if lat is not None and lon is not None:
            counts["by_position"] += 1
            positioned.append((lat, lon, mask, areas))
        elif areas:
            unplaced.append((None, None, mask, areas))
        else:
            counts["neither"] += 1
    grid = ServiceGrid.build(((lat, lon, mask) for lat, lon, mask, _ in positioned), radius_miles)
    for *_, mask, _ in unplaced:
        grid.add_unplaced(mask)
    area_services = {i: areas for i, (*_, areas) in enumerate([*positioned, *unplaced]) if areas}
    counted: dict[str, object] = {**counts, "areas": by_area}
    return grid, area_services, counted


_AREA_KINDS = ("national", "statewide", "county", "zip")  # widest first


def _area_kind(token: str) -> str:
    if token == "US":
        return "national"
    if token.startswith("county:"):
        return "county"
    if token.startswith("zip:"):
        return "zip"
    return "statewide"


def _area_units(conn, area_services: dict[int, list[str]], units, by: str) -> dict[tuple[str, str], set[int]]:
    """unit -> the services whose service area covers it."""
    of_state: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for unit in units:
        of_state[unit[0]].append(unit)
    by_base = {(state, fold(county_base(county) or county)): (state, county if by == "county" else "")
               for state, county in conn.execute("SELECT DISTINCT state, county FROM zip_centroids WHERE county != ''")}
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    zip_units: dict[str, tuple[str, str]] = {}
    wanted = [t[4:] for ts in area_services.values() for t in ts if t.startswith("zip:")]
    if wanted:
        for zip_code, state, county in conn.execute(
                "SELECT zip, state, county FROM zip_centroids WHERE zip IN (SELECT value FROM json_each(?))",
                (_json(wanted),)):
            zip_units[zip_code] = (state, county if by == "county" else "")
    for i, tokens in area_services.items():
        for token in tokens:
            if token == "US":
                covered = list(units)
            elif token.startswith("county:"):
                _, state, name = (token.split(":", 2) + ["", ""])[:3]
                covered = [by_base.get((state, fold(name)))]
            elif token.startswith("zip:"):
                covered = [zip_units.get(token[4:])]
            else:
                covered = of_state.get(token, [])
            for unit in covered:
                if unit in units:
                    out[unit].add(i)
    return out


def _cell_counts(grid: ServiceGrid) -> dict[int, list[list[tuple[int, int]]]]:
    """Per cell, (bit, services with it)."""
    out: dict[int, list[list[tuple[int, int]]]] = {}
    for row, cells in grid.items.items():
        out[row] = []
        for members in cells:
            counts: dict[int, int] = defaultdict(int)
            for i in members:
                for b in _bits(grid.masks[i]):
                    counts[b] += 1
            out[row].append(list(counts.items()))
    return out


def _cell_area(grid: ServiceGrid, area_services: dict[int, list[str]]) -> dict[tuple[int, int], list[int]]:
    """The cells holding a service with a service area, and those services."""
    out: dict[tuple[int, int], list[int]] = defaultdict(list)
    for row, cells in grid.items.items():
        for j, members in enumerate(cells):
            for i in members:
                if i in area_services:
                    out[(row, j)].append(i)
    return out


_BITS: dict[int, tuple[int, ...]] = {}


def _bits(mask: int) -> tuple[int, ...]:
    found = _BITS.get(mask)
    if found is None:
        found = _BITS[mask] = tuple(b for b in range(mask.bit_length()) if mask >> b & 1)
    return found


def _json(values: Iterable[str]) -> str:
    import json

    return json.dumps(list(values))


# ------------------------------------------------------------------------------------------ tallies

def _read_tallies(paths: Sequence[str | Path], chosen: list[Topic], by: str) -> dict:
    """Unmet needs ("nothing suitable") of the tally files, as sets of call ids per (need,
    state, county): a call in two files is one call."""
    wanted = {(t.kind, t.id) for t in chosen}
    by_unit: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    calls: set[str] = set()
    for path in paths:
        for call_id, state, county, need, concept in _tally_rows(Path(path)):
            calls.add(call_id)
            for kind, topic in (("need", need), ("concept", concept)):
                if topic and (kind, topic) in wanted:
                    by_unit[(topic, state or "", (county or "") if by == "county" else "")].add(call_id)
    return {"files": [str(p) for p in paths], "by_unit": by_unit, "calls": calls}


def _tally_rows(path: Path):
    if not path.is_file():
        raise CoverageError(f"{path}: no such tally file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise CoverageError(f"{path}: cannot open the tally file ({exc})") from None
    try:
        with conn:
            mark = conn.execute("SELECT value FROM tally_meta WHERE key = 'format'").fetchone()
            if not mark or mark[0] != TALLY_FORMAT:
                raise CoverageError(f"{path}: not a helpline tally file (its format is "
                                    f"{repr(mark[0])[:40] if mark else 'not given'}, not '{TALLY_FORMAT}')")
            unmet = conn.execute(
                "SELECT c.call_id, c.state, c.county, n.need, n.concept FROM call_needs n "
                "JOIN calls c ON c.call_id = n.call_id WHERE n.outcome = 'nothing-suitable'").fetchall()
            every = conn.execute("SELECT call_id FROM calls").fetchall()
    except sqlite3.DatabaseError as exc:
        raise CoverageError(f"{path}: not a helpline tally file ({exc})") from None
    finally:
        conn.close()
    yield from unmet
    for (call_id,) in every:
        yield call_id, None, None, "", ""


def _tally_summary(tally: dict, units, min_cell: int) -> dict:
    """What the tallies held, with the unmet needs that fell nowhere measured (no place read, or a
    county not in the ZIP table or not in the states asked), every count under min_cell as "<5"."""
    placed = unplaced = 0
    for (_topic, state, county), ids in tally["by_unit"].items():
        if (state, county) in units:
            placed += len(ids)
        else:
            unplaced += len(ids)
    return {"files": tally["files"], "calls": report.cell(len(tally["calls"]), min_cell),
            "unmet_in_measured_places": report.cell(placed, min_cell),
            "unmet_elsewhere_or_unplaced": report.cell(unplaced, min_cell)}
