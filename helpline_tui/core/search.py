"""The one search function. `helpline search`, the TUI and the benchmarks all call `search()`,
so what is measured is what users get.

Filters are exact SQL conditions (the `total` is the exact number of matching records); the query
text selects candidates through the full-text index and ranks them. This module is the public face
of searching (what cli, ui, plain and bench import); the work is in search_types (what a search
takes and returns), search_scope (filters and candidate rows), search_place (the place a query
names) and search_widening (the reading of a query and the steps that widen it).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from dataclasses import replace
from typing import Any


from helpline_tui.core import (geo, lexicon, meeting_words, meetings, nearest, place_area,
                               ranking)
from helpline_tui.core import matched as matched_mod
from helpline_tui.core import query as query_mod
from helpline_tui.core.search_place import other_reading_of, place_named, query_city
from helpline_tui.core.search_scope import (CANDIDATE_CAP, CANDIDATE_COLUMNS, Scope, area_only, display_rows,
                                            fetch_candidates, filter_subquery, in_place, normalise_filters, quoted_back)
from helpline_tui.core.search_types import (DEFAULT_RADIUS_MILES, FEW_RESULTS, MAX_LIMIT, MAX_RADIUS_MILES, FilterError,
                                            Filters, Hit, SearchPage)
from helpline_tui.core.search_widening import (TodayAt, any_words, day_word_in_a_name, is_day, names_a_day,
                                               nearest_outside_hit, nearest_rows, nearest_to_city, only_needs,
                                               taken_as_place)

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
    filters, place = normalise_filters(conn, filters or Filters())
    limit = max(0, min(int(limit), MAX_LIMIT))
    text = query if isinstance(query, str) else str(query or "")
    lex = lexicon.load(conn)
    now = now or dt.datetime.now(dt.timezone.utc)
    today = TodayAt(conn, place, now)
    parsed = query_mod.parse(text, lex, today=lambda: today.weekday)
    read_days = True
    if names_a_day(parsed):
        plain = query_mod.parse(text, lex, read_days=False)
        if day_word_in_a_name(conn, plain):  # "a better today", "hoy recovery program": a name, as "phoenix house" is
            read_days, parsed = False, plain
    words = text
    as_read, reading_open = parsed, place is None  # a place from F2 or --near has no other reading
    rejected: list[tuple[geo.Place, str]] = []  # a place the words could be, read as a name instead
    named = place_named(conn, parsed, filters, as_place=read_as == "place", rejected=rejected) \
        if place is None and read_as != "name" else None
    if named is not None:
        # "methadone yonkers spanish": Yonkers is where, not a word to find in names (which
        # found hospitals named for it elsewhere, and Conyers, GA): as if it were the place filter.
        place, filters, parsed, words, today = taken_as_place(conn, named, filters, lex, read_days, now)
    scope = Scope(conn, filters, place)
    nearest_to: geo.Place | None = None
    every_word = True
    if parsed.empty and place is None:
        rows, total = scope.text_query(conn, None, max(limit, 1))  # alphabetical: rowid order
    else:
        cap = CANDIDATE_CAP if not parsed.empty else max(CANDIDATE_CAP, limit, 5000)
        rows, total = fetch_candidates(conn, parsed, scope, cap)
        # Few results: widen step by step (typos on every word, then relaxed typo budgets, then
        # any of the words), as Typesense's typo_tokens_threshold / drop_tokens_threshold do.
        for stage in (query_mod.TYPOS_EVERYWHERE, query_mod.RELAXED):
            if not parsed.groups or total >= FEW_RESULTS:
                break
            wider = query_mod.parse(words, lex, stage=stage, read_days=read_days, today=lambda: today.weekday)
            if wider.match_all() == parsed.match_all():
                continue
            more, more_total = fetch_candidates(conn, wider, scope, CANDIDATE_CAP)
            if more_total > total:
                parsed, rows, total = wider, more, more_total
        nearest_to = None
        if parsed.groups and total == 0 and place is None and read_as != "name":
            # Nothing has every word, and the last one may be a city still being typed
            # ("vivienda white plai"): the likeliest city it begins is the place, as when complete.
            named = place_named(conn, parsed, filters, complete_last=True)
            if named is not None:
                place, filters, parsed, words, today = taken_as_place(conn, named, filters, lex, read_days, now)
                scope = Scope(conn, filters, place)
                rows, total = fetch_candidates(conn, parsed, scope, CANDIDATE_CAP)
        if named is not None and total == 0 and not names_a_day(parsed) and only_needs(parsed):
            # Nothing within the radius of the place the query named: the nearest anywhere. Not
            # for a day ("detox today boston"): the services near the place, day "not found",
            # say more than a detox with hours 1,200 miles away.
            start = (filters.radius or DEFAULT_RADIUS_MILES) * nearest.GROWTH  # nothing is nearer
            nearest_to, place, filters = place, None, replace(filters, near=None, radius=None)
            scope = Scope(conn, filters, None)
            rows, total = nearest_rows(conn, parsed, scope, nearest_to, max(limit, FEW_RESULTS), start)
        if parsed.groups and total == 0 and place is None and nearest_to is None and read_as != "name":
            # "metadona yonkers" with no methadone in Yonkers: methadone nearest to Yonkers, not
            # Yonkers services without methadone. The city becomes a place to measure from.
            rows, total, nearest_to, parsed = nearest_to_city(conn, parsed, scope, max(limit, FEW_RESULTS))
        if parsed.groups and total == 0 and names_a_day(parsed):
            # No hours on that day ("detox today boston": treatment services rarely list hours):
            # the services without the day, which is said "not found". A day alone never brings a
            # service, as the any-words list below would.
            without = query_mod.ParsedQuery(text=parsed.text, groups=[g for g in parsed.groups if not is_day(g)])
            if without.groups or place is not None:  # "tonight 02119": the services near it
                rows, total = fetch_candidates(conn, without, scope, CANDIDATE_CAP)
                every_word = total == 0
        if parsed.groups and total == 0 and len(parsed.required()) > 1:
            rows, total = any_words(conn, parsed, scope, CANDIDATE_CAP)
            every_word = False
        if parsed.groups and total == 0 and named is not None and place is not None:
            # None of the words near the place the query named: the services near it, every word
            # said not found, rather than an empty list or the words searched across the country.
            rows, total = scope.text_query(conn, None, CANDIDATE_CAP)
            every_word = False

    other, other_words = other_reading_of(conn, as_read, filters, named, rejected, read_as) if reading_open \
        else (None, None)
    hits = []
    area = place_area.services_in(conn, place).rids if place is not None and place.zips else frozenset()
    for rec in rows:
        hit = Hit(record=rec, score=0.0, approximate_position=rec["geo_precision"] == "zip-centroid",
                  searched_place=place)
        if place is None and nearest_to is not None and rec["latitude"] is not None:
            hit.distance_miles = geo.haversine_miles(nearest_to.latitude, nearest_to.longitude,
                                                     rec["latitude"], rec["longitude"])
        if place is not None:
            if rec["latitude"] is not None:
                hit.distance_miles = geo.haversine_miles(place.latitude, place.longitude,
                                                         rec["latitude"], rec["longitude"])
            if not in_place(place, rec["rid"], hit.distance_miles, filters.radius or 0, area):
                hit.area_wide = True  # kept by the SQL because its service area covers the place
                hit.distance_miles = None
        hits.append(hit)
    if sort == "distance" and place is not None:
        far = float("inf")
        hits.sort(key=lambda h: (h.distance_miles if h.distance_miles is not None else far,
                                 h.record["name_fold"], ranking.week_position(h.record), h.record["id"]))
    else:
        # Read as a name, a town's name ranks no service in that town first: the named ones are meant.
        city = named[2] if named is not None else None if read_as == "name" else query_city(conn, parsed)
        _rank(parsed, hits, city, place is not None or nearest_to is not None)
        if read_as == "name":
            _named_first(hits, other_words)
        if nearest_to is not None:  # the fallback's point: every word matched, the nearest first, read aloud
            far = float("inf")
            hits.sort(key=lambda h: (-round(h.score, 6), h.distance_miles if h.distance_miles is not None else far,
                                     h.record["rid"]))
    top = hits[:limit]
    # Among every record ranked, not only those shown: "--limit 1" must not call a word missing.
    missing = () if every_word else tuple(
        g.text for g in parsed.required() if not any(ranking.match_group(g, h.record) for h in hits))
    outside = None
    if reach_outside and place is not None and total == 0 and not (parsed.phone or parsed.short_prefix):
        outside = nearest_outside_hit(conn, parsed, filters, place)
    display = display_rows(conn, [h.record["rid"] for h in top] + ([outside.record["rid"]] if outside else []))
    concepts = matched_mod.asked(parsed.groups, filters.needs, filters.lang)
    for h in top + ([outside] if outside else []):
        h.meeting = h.record.get("meeting") is not None
        tags = ranking.meeting_facts(h.record)
        h.record = display[h.record["rid"]]
        h.matched = matched_mod.held(h.record, concepts, meeting=h.meeting, tags=tags)
    elapsed = (time.perf_counter() - started) * 1000
    day_groups = [g for g in parsed.groups if is_day(g) and g.text not in missing]
    return SearchPage(query=text, filters=filters, total=total, hits=top, elapsed_ms=elapsed, place=place,
                      plan=parsed, place_from_query=named is not None, nearest_to=nearest_to,
                      nearest_miles=next((h.distance_miles for h in hits), None) if nearest_to else None,
                      nearest_outside=outside,
                      place_words=named[3] if named is not None else None,
                      every_word=every_word, words_not_found=missing,
                      days=tuple(g.concept[1] for g in day_groups),
                      today=today.get() if any(g.from_today for g in day_groups) else None,
                      other_reading=other, other_reading_words=other_words,
                      **_fellowship_said(parsed, lex))


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


def _rank(parsed, hits: list[Hit], city: str | None, by_distance: bool) -> None:
    if parsed.empty or (parsed.short_prefix and not by_distance):
        far = float("inf")
        hits.sort(key=lambda h: ((h.distance_miles if h.distance_miles is not None else far) if by_distance else 0,
                                 h.record["name_fold"], ranking.week_position(h.record), h.record["id"]))
        for h in hits:
            h.score = 1.0
        hits[:] = [h for _, h in _each_group_once_first([((), h) for h in hits])]
        return
    keyed = []
    for h in hits:
        ranking.prepare(h.record)
        key = ranking.sort_key(parsed, city, h.record, h.distance_miles if by_distance else None)
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
