"""The reading of a query, as a value: what the words were read as (needs, languages, days, name
words, the place they name), the filters in force, and what that reading found. search() reads a
query once (`read_query`), then each widening step (search_widening) takes a reading and returns
the next one.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, replace
from typing import Any

from helpline_tui.core import days, geo, lexicon, ranking, zones
from helpline_tui.core import query as query_mod
from helpline_tui.core.search_place import PlaceNamed, a_name_has_every_word, exact_city, place_named
from helpline_tui.core.search_scope import CANDIDATE_CAP, Scope, area_radius, fetch_candidates, normalise_filters
from helpline_tui.core.search_types import MAX_LIMIT, Filters


@dataclass(frozen=True)
class Asked:
    """What the caller asked besides the words, the same for every step of one search."""

    conn: sqlite3.Connection
    lex: lexicon.Lexicon
    limit: int
    now: dt.datetime
    read_as: str | None  # "name" or "place": the reading of words that could be either
    place_given: bool  # a place from F2 or --near, which has no other reading


@dataclass(frozen=True)
class Reading:
    """What a query was read as and what that reading found."""

    asked: Asked
    text: str  # the query as typed
    words: str  # the words searched: the query without the place it named
    parsed: query_mod.ParsedQuery  # the words as read: needs, languages, days, name words
    as_read: query_mod.ParsedQuery  # the first reading, before a place was taken out of it
    read_days: bool  # False when day words are words of a name ("a better today")
    filters: Filters  # the filters in force: a place the query named is the place filter
    place: geo.Place | None
    scope: Scope  # where candidates come from, for these filters and this place
    today: TodayAt
    named: PlaceNamed | None = None  # the place the query named
    rejected: tuple[tuple[geo.Place, str], ...] = ()  # places the words could be, read as a name instead
    # Nothing near the place named, or in the city named: the nearest to it, however far.
    nearest_to: geo.Place | None = None
    rows: list[dict[str, Any]] | None = None  # candidate rows found (None: not looked for yet)
    total: int = 0  # the exact number of records matching
    every_word: bool = True  # False: rows have only some of the words

    @property
    def days(self) -> list[query_mod.WordGroup]:
        return [g for g in self.parsed.groups if is_day(g)]

    @property
    def concepts(self) -> list[query_mod.WordGroup]:
        """Needs, languages and service concepts read from the words (not days)."""
        return [g for g in self.parsed.groups if g.concept and not is_day(g)]

    @property
    def name_words(self) -> list[query_mod.WordGroup]:
        return [g for g in self.parsed.groups if not g.concept and not g.optional]

    @property
    def few(self) -> bool:
        """Words were read and nothing has them all: a widening step may try."""
        return bool(self.parsed.groups) and self.total == 0

    def words_not_found(self, ranked: list[dict[str, Any]]) -> tuple[str, ...]:
        """The words none of the records ranked has, when not every word was found (among every
        record ranked, not only those shown: "--limit 1" must not call a word missing)."""
        if self.every_word:
            return ()
        return tuple(g.text for g in self.parsed.required() if not any(ranking.match_group(g, rec) for rec in ranked))

    def reparse(self, words: str, stage: query_mod.Stage = query_mod.Stage.EXACT_FIRST) -> query_mod.ParsedQuery:
        """Words read as this reading reads them: day words or not, "today" where it is searched."""
        return query_mod.parse(words, self.asked.lex, stage=stage, read_days=self.read_days,
                               today=lambda: self.today.weekday)

    def at_place(self, named: PlaceNamed) -> Reading:
        """The place a query named taken as the place filter, at F2's default radius (a county's or
        big city's own reach when larger), and the rest of the words read with "today" there."""
        today = TodayAt(self.asked.conn, named.place, self.asked.now)
        filters = replace(self.filters, near=named.place.label, radius=area_radius(named.place))
        parsed = query_mod.parse(named.rest, self.asked.lex, read_days=self.read_days, today=lambda: today.weekday)
        return replace(self, place=named.place, filters=filters, parsed=parsed, words=named.rest, today=today,
                       named=named, scope=Scope(self.asked.conn, filters, named.place))

    def found(self, rows: list[dict[str, Any]], total: int, **changes: Any) -> Reading:
        return replace(self, rows=rows, total=total, **changes)


def read_query(conn: sqlite3.Connection, query: str, filters: Filters, limit: int, now: dt.datetime | None,
               read_as: str | None) -> Reading:
    """The query read: filters checked, day words read as days unless they are a name's, and a
    place the words name taken as the place filter ("methadone yonkers spanish": Yonkers is where,
    not a word to find in names, which found hospitals named for it elsewhere)."""
    filters, place = normalise_filters(conn, filters)
    text = query if isinstance(query, str) else str(query or "")
    asked = Asked(conn=conn, lex=lexicon.load(conn), limit=max(0, min(int(limit), MAX_LIMIT)),
                  now=now or dt.datetime.now(dt.timezone.utc), read_as=read_as, place_given=place is not None)
    today = TodayAt(conn, place, asked.now)
    parsed = query_mod.parse(text, asked.lex, today=lambda: today.weekday)
    read_days = True
    if names_a_day(parsed):
        plain = query_mod.parse(text, asked.lex, read_days=False)
        if day_word_in_a_name(conn, plain):  # "a better today", "hoy recovery program": a name, as "phoenix house" is
            read_days, parsed = False, plain
    reading = Reading(asked=asked, text=text, words=text, parsed=parsed, as_read=parsed, read_days=read_days,
                      filters=filters, place=place, scope=Scope(conn, filters, place), today=today)
    if place is not None or read_as == "name":
        return reading
    rejected: list[tuple[geo.Place, str]] = []
    named = place_named(conn, parsed, filters, as_place=read_as == "place", rejected=rejected)
    reading = replace(reading, rejected=tuple(rejected))
    return reading.at_place(named) if named is not None else reading


def first_candidates(r: Reading) -> Reading:
    """The rows with every word as read (no words and no place: the directory in name order)."""
    if r.parsed.empty and r.place is None:
        return r.found(*r.scope.text_query(r.asked.conn, None, max(r.asked.limit, 1)))  # alphabetical: rowid order
    cap = CANDIDATE_CAP if not r.parsed.empty else max(CANDIDATE_CAP, r.asked.limit, 5000)
    return r.found(*fetch_candidates(r.asked.conn, r.parsed, r.scope, cap))


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


def is_day(group: query_mod.WordGroup) -> bool:
    return group.concept is not None and group.concept[0] == "day"


def names_a_day(parsed: query_mod.ParsedQuery) -> bool:
    return any(map(is_day, parsed.groups))


class TodayAt:
    """zones.today_at(place, now), worked out only when a query counts a day from today: the zone
    of a place is a look-up other queries skip."""

    def __init__(self, conn, place: geo.Place | None, now: dt.datetime):
        self.conn, self.place, self.now = conn, place, now
        self._today: zones.Today | None = None

    def get(self) -> zones.Today:
        if self._today is None:
            self._today = zones.today_at(self.conn, self.place, self.now)
        return self._today

    @property
    def weekday(self) -> int:
        return self.get().weekday
