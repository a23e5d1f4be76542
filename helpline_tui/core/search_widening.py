"""The steps a search takes when the query as read finds too few: the nearest services however far,
the city as a point to measure from, the words without the day, any of the words.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace
from typing import Any


from helpline_tui.core import (days, geo, lexicon, nearest, zones)
from helpline_tui.core import query as query_mod
from helpline_tui.core.search_place import a_name_has_every_word, exact_city, query_city
from helpline_tui.core.search_scope import CANDIDATE_CAP, Scope, area_radius, fetch_candidates
from helpline_tui.core.search_types import DEFAULT_RADIUS_MILES, Filters, Hit


def day_word_in_a_name(conn, plain: query_mod.ParsedQuery) -> bool:
    """Whether the day words of a query (`plain`: parsed with them as words) are words of a
    service's name: a name has every word ("hoy recovery program"), or a day word with the word
    before it ("a better today scranton")."""
    groups = [g for g in plain.groups if not g.optional]
    if a_name_has_every_word(conn, groups, anywhere=False):
        return True
    # Not a town before the day: "doylestown friday" is Friday in Doylestown, whatever the
    # "Doylestown Friday Noon Step Meeting" is called.
    return any(k > 0 and not groups[k - 1].concept and days.day_at([g.text], 0) is not None
               and not exact_city(conn, groups[k - 1].text)
               and a_name_has_every_word(conn, groups[k - 1:k + 1], anywhere=False)
               for k, g in enumerate(groups))


def only_needs(parsed: query_mod.ParsedQuery) -> bool:
    """Whether the words beside a query's place ask only for needs, languages or days ("metadona
    yonkers"): those are worth the nearest however far. A word of a name ("urgente", "urgent",
    "blue hill ave") that no service near the place has with the rest is said not found instead,
    among the services near it with most of the words: the place is never dropped for a search of
    names across the country."""
    return all(g.concept or g.optional for g in parsed.groups)


def is_day(group: query_mod.WordGroup) -> bool:
    return bool(group.concept) and group.concept[0] == "day"


def names_a_day(parsed: query_mod.ParsedQuery) -> bool:
    return any(map(is_day, parsed.groups))


def taken_as_place(conn, named: tuple[geo.Place, str, Any], filters: Filters, lex: lexicon.Lexicon,
                    read_days: bool, now: dt.datetime) -> tuple[geo.Place, Filters, query_mod.ParsedQuery, str, TodayAt]:
    """The place a query named as the place filter, at F2's default radius, and the rest of it,
    read with "today" at that place."""
    place, words = named[0], named[1]
    today = TodayAt(conn, place, now)
    # A county or a big city is its area: its farthest ZIP code and a margin, if beyond the default.
    radius = area_radius(place)
    return (place, replace(filters, near=place.label, radius=radius),
            query_mod.parse(words, lex, read_days=read_days, today=lambda: today.weekday), words, today)


class TodayAt:
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


def nearest_rows(conn, parsed: query_mod.ParsedQuery, scope: Scope, point: geo.Place, count: int,
                  start_miles: float) -> tuple[list[dict[str, Any]], int]:
    """Rows with every word: the `count` nearest to `point`, however far (exact: core/nearest.py),
    and the best matches anywhere (a name typed: "teen residential at chesapeake" is a site in
    Maryland), to be ranked by how well they match, then distance; and the number with every word."""
    match = scope.expression(parsed.match_all())
    if any(not g.concept for g in parsed.required()):
        best, total = fetch_candidates(conn, parsed, scope, CANDIDATE_CAP)
    else:  # needs and languages alone match alike, anywhere: the nearest are the best
        best, total = [], conn.execute("SELECT count(*) FROM services_fts WHERE services_fts MATCH ?", (match,)
                                       ).fetchone()[0] if match else conn.execute("SELECT count(*) FROM services").fetchone()[0]
    if not total:
        return [], 0
    found = nearest.nearest(conn, match, point.latitude, point.longitude, count, start_miles)
    seen = {row["rid"] for row in best}
    return scope.rows(conn, [rid for _, rid in found if rid not in seen]) + best, total


def nearest_outside_hit(conn, parsed: query_mod.ParsedQuery, filters: Filters, place: geo.Place) -> Hit | None:
    """Nothing within the radius of the place: the nearest service with every word and the other
    filters, however far (None: none anywhere)."""
    scope = Scope(conn, replace(filters, near=None, radius=None), None)
    start = (filters.radius or DEFAULT_RADIUS_MILES) * nearest.GROWTH
    found = nearest.nearest(conn, scope.expression(parsed.match_all()), place.latitude, place.longitude, 1, start)
    if not found:
        return None
    miles, rid = found[0]
    row = scope.rows(conn, [rid])[0]
    return Hit(record=row, score=0.0, distance_miles=miles, approximate_position=row["geo_precision"] == "zip-centroid",
               searched_place=place)


def nearest_to_city(conn, parsed: query_mod.ParsedQuery, scope: Scope, count: int):
    """Rows for the query without the city it names, the `count` nearest to that city first."""
    city = query_city(conn, parsed, complete_last=True)
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
    rows, total = nearest_rows(conn, rest, scope, place, count, DEFAULT_RADIUS_MILES)
    return rows, total, (place if total else None), (rest if total else parsed)


def any_words(conn, parsed, scope: Scope, cap: int):
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
