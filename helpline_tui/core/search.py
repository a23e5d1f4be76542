"""The one search function. `helpline search`, the TUI and the benchmarks all call `search()`,
so what is measured is what users get.

Filters are exact SQL conditions (the `total` is the exact number of matching records); the query
text selects candidates through the full-text index and ranks them. This module is the public face
of searching (what cli, ui, plain and bench import), and reads as the order of the work: the query
read once (search_reading: a value, what was read and what it found), then each widening step in
turn (search_widening), then the page. Filters, hits and the page are in search_types; filters as
SQL and index tags and the candidate rows in search_scope; the place a query names in search_place.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from typing import Any

from helpline_tui.core import geo, lexicon, meeting_words, meetings, place_area, ranking
from helpline_tui.core import matched as matched_mod
from helpline_tui.core import query as query_mod
from helpline_tui.core.search_place import other_reading_of, query_city
from helpline_tui.core.search_reading import Reading, first_candidates, read_query
from helpline_tui.core.search_scope import (CANDIDATE_CAP, CANDIDATE_COLUMNS, area_only, display_rows,
                                            filter_subquery, in_place, normalise_filters, quoted_back)
from helpline_tui.core.search_types import (DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES, FilterError,
                                            Filters, Hit, SearchPage)
from helpline_tui.core.search_widening import WIDENINGS, nearest_outside_hit

__all__ = ["CANDIDATE_CAP", "CANDIDATE_COLUMNS", "DEFAULT_RADIUS_MILES", "MAX_RADIUS_MILES", "FilterError", "Filters",
           "Hit", "SearchPage", "area_only", "filter_subquery", "normalise_filters", "search"]


SORTS = ("relevance", "distance")


READINGS = ("name", "place")  # of words that could be a place or a name


def search(conn: sqlite3.Connection, query: str, filters: Filters | None = None, limit: int = 20,
           sort: str = "relevance", now: dt.datetime | None = None, reach_outside: bool = False,
           read_as: str | None = None) -> SearchPage:
    """Ranked results for the query text and filters, plus the exact total of matching records.
    `sort="distance"` (with a place) orders matches nearest first instead of by relevance. `now`
    (default: this computer's clock) is the moment "today" and "tonight" are taken at, in the zone
    of the place searched, else of this computer. `reach_outside`: with a place and nothing within
    the radius, find the nearest match however far (`nearest_outside`). `read_as`: "name" or
    "place", the reading of words that could be either (the page's `other_reading`)."""
    if sort not in SORTS:
        raise FilterError(f"sort '{quoted_back(sort)}' is not one of {', '.join(SORTS)}")
    if read_as is not None and read_as not in READINGS:
        raise FilterError(f"reading '{quoted_back(read_as)}' is not one of {', '.join(READINGS)}", usage=True)
    started = time.perf_counter()
    reading = first_candidates(read_query(conn, query, filters or Filters(), limit, now, read_as))
    for widen in WIDENINGS:  # each returns the reading unchanged when it does not apply
        reading = widen(reading)
    return _page(reading, sort, reach_outside, started)


def _page(r: Reading, sort: str, reach_outside: bool, started: float) -> SearchPage:
    """The page for the final reading: its rows ranked, the first `limit` shown, and what the
    handler must be told (the place read, the other reading, words not found, days, fellowships)."""
    conn, parsed, named = r.asked.conn, r.parsed, r.named
    other, other_words = other_reading_of(conn, r.as_read, r.filters, named, r.rejected, r.asked.read_as) \
        if not r.asked.place_given else (None, None)
    hits = _hits(r)
    _order(r, hits, sort, other_words)
    top = hits[:r.asked.limit]
    missing = r.words_not_found([h.record for h in hits])
    outside = None
    if reach_outside and r.place is not None and r.total == 0 and not (parsed.phone or parsed.short_prefix):
        outside = nearest_outside_hit(conn, parsed, r.filters, r.place)
    _shown_as_records(r, top + ([outside] if outside else []))
    elapsed = (time.perf_counter() - started) * 1000
    day_groups = [g for g in r.days if g.text not in missing]
    return SearchPage(query=r.text, filters=r.filters, total=r.total, hits=top, elapsed_ms=elapsed, place=r.place,
                      plan=parsed, place_from_query=named is not None, nearest_to=r.nearest_to,
                      nearest_miles=next((h.distance_miles for h in hits), None) if r.nearest_to else None,
                      nearest_outside=outside,
                      place_words=named.words if named is not None else None,
                      every_word=r.every_word, words_not_found=missing,
                      days=tuple(g.concept[1] for g in day_groups if g.concept),
                      today=r.today.get() if any(g.from_today for g in day_groups) else None,
                      other_reading=other, other_reading_words=other_words,
                      **_fellowship_said(parsed, r.asked.lex))


def _hits(r: Reading) -> list[Hit]:
    """A hit for each row found, with its distance from the place searched (or from the point the
    nearest were measured from); a row kept only for its service area is marked so."""
    place, nearest_to = r.place, r.nearest_to
    area = place_area.services_in(r.asked.conn, place).rids if place is not None and place.zips else frozenset()
    hits = []
    for rec in r.rows or ():
        hit = Hit(record=rec, score=0.0, approximate_position=rec["geo_precision"] == "zip-centroid",
                  searched_place=place)
        if place is None and nearest_to is not None and rec["latitude"] is not None:
            hit.distance_miles = geo.haversine_miles(nearest_to.latitude, nearest_to.longitude,
                                                     rec["latitude"], rec["longitude"])
        if place is not None:
            if rec["latitude"] is not None:
                hit.distance_miles = geo.haversine_miles(place.latitude, place.longitude,
                                                         rec["latitude"], rec["longitude"])
            if not in_place(place, rec["rid"], hit.distance_miles, r.filters.radius or 0, area):
                hit.area_wide = True  # kept by the SQL because its service area covers the place
                hit.distance_miles = None
        hits.append(hit)
    return hits


def _order(r: Reading, hits: list[Hit], sort: str, other_words: str | None) -> None:
    far = float("inf")
    if sort == "distance" and r.place is not None:
        hits.sort(key=lambda h: (h.distance_miles if h.distance_miles is not None else far,
                                 h.record["name_fold"], ranking.week_position(h.record), h.record["id"]))
        return
    read_as = r.asked.read_as
    # Read as a name, a town's name ranks no service in that town first: the named ones are meant.
    city = r.named.city if r.named is not None else None if read_as == "name" else query_city(r.asked.conn, r.parsed)
    _rank(r.parsed, hits, city, r.place is not None or r.nearest_to is not None)
    if read_as == "name":
        _named_first(hits, other_words)
    if r.nearest_to is not None:  # the fallback's point: every word matched, the nearest first, read aloud
        hits.sort(key=lambda h: (-round(h.score, 6), h.distance_miles if h.distance_miles is not None else far,
                                 h.record["rid"]))


def _shown_as_records(r: Reading, hits: list[Hit]) -> None:
    """The hits shown get their whole records (the ranked rows hold only what ranking reads) and
    what the query or filters asked for that each has."""
    display = display_rows(r.asked.conn, [h.record["rid"] for h in hits])
    concepts = matched_mod.asked(r.parsed.groups, r.filters.needs, r.filters.lang)
    for h in hits:
        h.meeting = h.record.get("meeting") is not None
        tags = ranking.meeting_facts(h.record)
        h.record = display[h.record["rid"]]
        h.matched = matched_mod.held(h.record, concepts, meeting=h.meeting, tags=tags)


def _named_first(hits: list[Hit], words: str | None) -> None:
    """Read as a name, the services whose own name has the words come first ("detox independence":
    Independence House before a detox on Independence's Main Street), in their order."""
    if words:
        hits.sort(key=lambda h: not all(f" {w} " in f" {h.record['name_fold']} " for w in words.split()))


def _fellowship_said(parsed: query_mod.ParsedQuery, lex: lexicon.Lexicon) -> dict[str, Any]:
    """A fellowship asked for that the directory has none of, by its label ("NA"), and the labels
    of those it has, offered instead."""
    missing = next((g.fellowship_missing for g in parsed.groups if g.fellowship_missing), None)
    if missing is None:
        return {}
    offered = tuple(meeting_words.label(f) for f in meetings.fellowships() if f in (lex.fellowships or ()))
    return {"fellowship_missing": meeting_words.label(missing), "fellowships_offered": offered}


def _rank(parsed: query_mod.ParsedQuery, hits: list[Hit], city: tuple[str, str, tuple[str, ...]] | None,
          by_distance: bool) -> None:
    if parsed.empty or (parsed.short_prefix and not by_distance):
        far = float("inf")
        hits.sort(key=lambda h: ((h.distance_miles if h.distance_miles is not None else far) if by_distance else 0,
                                 h.record["name_fold"], ranking.week_position(h.record), h.record["id"]))
        for h in hits:
            h.score = 1.0
        hits[:] = [h for _, h in _each_group_once_first([((), h) for h in hits])]
        return
    keyed = []
    city_state = city[:2] if city is not None else None  # its services rank first, in its main state first
    for h in hits:
        ranking.prepare(h.record)
        key = ranking.sort_key(parsed, city_state, h.record, h.distance_miles if by_distance else None)
        keyed.append((key, h))
    keyed.sort(key=lambda kh: kh[0])
    groups = max(1, sum(1 for g in parsed.groups if not g.filler))
    for key, h in keyed:
        # A readable 0..1 score: share of words matched (small words too), less a little per typo.
        h.score = min(1.0, max(0.0, (-key[0] - key[ranking.SMALL_WORDS]) / groups - 0.1 * key[1]))
    hits[:] = [h for _, h in _each_group_once_first([(key[:ranking.MATCH_RULES], h) for key, h in keyed])]


def _each_group_once_first(ranked: list[tuple[tuple, Hit]]) -> list[tuple[tuple, Hit]]:
    """A group meeting every day is a record per meeting: 'aa philadelphia' listed one group's
    seven meetings before any other group. Among results that match alike (`ranked` is in order,
    with the part of each key that says how well it matched), each group's first meeting comes
    before any group's second one; a group's meetings keep their order (Sunday to Saturday)."""
    seen: dict[tuple, int] = {}
    nth = []
    for tier, h in ranked:
        group = (tier, h.record["name_fold"], h.record["place_fold"])
        nth.append(seen.get(group, 0))
        seen[group] = nth[-1] + 1
    order = sorted(range(len(ranked)), key=lambda i: (ranked[i][0], nth[i]))
    return [ranked[i] for i in order]
