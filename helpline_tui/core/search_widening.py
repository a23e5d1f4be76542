"""The steps a search takes when the query as read finds too few, each a function from one reading
(search_reading) to the next: typos, a city still being typed, the nearest services however far,
the city as a point to measure from, the words without the day, any of the words, the services of
the place named.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from helpline_tui.core import geo, nearest
from helpline_tui.core import query as query_mod
from helpline_tui.core.search_place import place_named, query_city
from helpline_tui.core.search_reading import Reading, is_day, names_a_day
from helpline_tui.core.search_scope import CANDIDATE_CAP, Scope, fetch_candidates
from helpline_tui.core.search_types import DEFAULT_RADIUS_MILES, FEW_RESULTS, Filters, Hit


def only_needs(parsed: query_mod.ParsedQuery) -> bool:
    """Whether the words beside a query's place ask only for needs, languages or days ("metadona
    yonkers"): those are worth the nearest however far. A word of a name ("urgente", "urgent",
    "blue hill ave") that no service near the place has with the rest is said not found instead,
    among the services near it with most of the words: the place is never dropped for a search of
    names across the country."""
    return all(g.concept or g.optional for g in parsed.groups)


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
    from the index alone, weighted log(1 + records / rows with it): the "drop words" step of
    docs/search-notes.md, "One well-measured option: staged search"), rank the best; total counts
    any-word matches."""
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


# The widening steps, in the order search() takes them. Each takes the reading so far and returns
# it unchanged when it does not apply, or the wider reading and what it found.

def with_typos(r: Reading) -> Reading:
    """Few results: typos on every word, then the relaxed typo budgets, as Typesense's
    typo_tokens_threshold does; a stage is kept when it finds more."""
    for stage in (query_mod.Stage.TYPOS_EVERYWHERE, query_mod.Stage.RELAXED):
        if not r.parsed.groups or r.total >= FEW_RESULTS:
            break
        wider = r.reparse(r.words, stage)
        if wider.match_all() == r.parsed.match_all():
            continue
        more, more_total = fetch_candidates(r.asked.conn, wider, r.scope, CANDIDATE_CAP)
        if more_total > r.total:
            r = r.found(more, more_total, parsed=wider)
    return r


def city_being_typed(r: Reading) -> Reading:
    """Nothing has every word, and the last one may be a city still being typed ("vivienda white
    plai"): the likeliest city it begins is the place, as when complete."""
    if not r.few or r.place is not None or r.asked.read_as == "name":
        return r
    named = place_named(r.asked.conn, r.parsed, r.filters, complete_last=True)
    if named is None:
        return r
    r = r.at_place(named)
    return r.found(*fetch_candidates(r.asked.conn, r.parsed, r.scope, CANDIDATE_CAP))


def nearest_to_named_place(r: Reading) -> Reading:
    """Nothing within the radius of the place the query named: the nearest anywhere. Not for a day
    ("detox today boston"): the services near the place, day "not found", say more than a detox
    with hours 1,200 miles away."""
    if r.named is None or r.place is None or r.total != 0 or names_a_day(r.parsed) or not only_needs(r.parsed):
        return r
    start = (r.filters.radius or DEFAULT_RADIUS_MILES) * nearest.GROWTH  # nothing is nearer
    filters = replace(r.filters, near=None, radius=None)
    scope = Scope(r.asked.conn, filters, None)
    rows, total = nearest_rows(r.asked.conn, r.parsed, scope, r.place, max(r.asked.limit, FEW_RESULTS), start)
    return r.found(rows, total, nearest_to=r.place, place=None, filters=filters, scope=scope)


def nearest_to_the_city(r: Reading) -> Reading:
    """"metadona yonkers" with no methadone in Yonkers: methadone nearest to Yonkers, not Yonkers
    services without methadone. The city becomes a place to measure from."""
    if not r.few or r.place is not None or r.nearest_to is not None or r.asked.read_as == "name":
        return r
    rows, total, point, parsed = nearest_to_city(r.asked.conn, r.parsed, r.scope, max(r.asked.limit, FEW_RESULTS))
    return r.found(rows, total, nearest_to=point, parsed=parsed)


def without_the_day(r: Reading) -> Reading:
    """No hours on that day ("detox today boston": treatment services rarely list hours): the
    services without the day, which is said "not found". A day alone never brings a service, as
    the any-words list would."""
    if not r.few or not names_a_day(r.parsed):
        return r
    without = query_mod.ParsedQuery(text=r.parsed.text, groups=[g for g in r.parsed.groups if not is_day(g)])
    if not without.groups and r.place is None:  # a day alone; with a place ("tonight 02119"): the services near it
        return r
    rows, total = fetch_candidates(r.asked.conn, without, r.scope, CANDIDATE_CAP)
    return r.found(rows, total, every_word=total == 0)


def any_of_the_words(r: Reading) -> Reading:
    """No record has every word: those with the rarer words, as Typesense's drop_tokens_threshold."""
    if not r.few or len(r.parsed.required()) <= 1:
        return r
    return r.found(*any_words(r.asked.conn, r.parsed, r.scope, CANDIDATE_CAP), every_word=False)


def services_of_the_place(r: Reading) -> Reading:
    """None of the words near the place the query named: the services near it, every word said
    not found, rather than an empty list or the words searched across the country."""
    if not r.few or r.named is None or r.place is None:
        return r
    return r.found(*r.scope.text_query(r.asked.conn, None, CANDIDATE_CAP), every_word=False)


WIDENINGS = (with_typos, city_being_typed, nearest_to_named_place, nearest_to_the_city, without_the_day,
             any_of_the_words, services_of_the_place)
