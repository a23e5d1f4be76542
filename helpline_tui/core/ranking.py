"""Ranking by discrete rules, as Meilisearch and Algolia do (docs/search-notes.md, "Typo budgets and ranking rules"), in this order:

1. more query words matched (small words such as "in", "de" aside);  2. fewer typos;  3. a meeting
with a room before one only online, unless online was asked;  4. query words side by side and in
order in a name (proximity);  5. in the city the query names;  6. where the words matched: name
before address before need/language tags;  7. a whole name field matched;  8. fewer name words left
unmatched;  9. more small words matched;  10. fewer spelling variants and half-typed words;
11. distance;  then name and id, so equal results always come in the same order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from helpline_tui.core import concepts, days, meeting_words, meetings
from helpline_tui.core.query import OPTIONAL_WORDS, ParsedQuery, WordGroup
from helpline_tui.core.records import WEEKDAYS
from helpline_tui.core.textnorm import fold

NAME, PLACE, TAG = 0, 1, 2
FIELD_SEPARATOR = " | "  # between name, site name and organisation in match_fold
# Words a name may carry that nobody types ("Vogue Recovery Center LLC").
IGNORABLE = frozenset("inc llc pc ltd corp co dba lcsw the of and at for".split())


@dataclass(frozen=True)
class Match:
    typos: int
    where: int  # NAME, PLACE or TAG
    whole: bool  # a whole word, not the beginning of one
    variant: bool = False
    field: int = -1  # which name field (name, site, organisation)
    position: int = -1  # word index in that field
    length: int = 1  # words covered (phrases)


def prepare(rec: dict[str, Any]) -> None:
    """A candidate's words as matching reads them. The word lists are shared between records
    with the same text and only ever read: a handler's keystrokes rank mostly the same records
    again, and many records share a category list."""
    if "_fields" in rec:
        return
    rec["_fields"] = _name_fields(rec["match_fold"])
    rec["_place"] = _place_words(rec["place_fold"])
    rec["_categories"] = _category_words(rec.get("category_names"))


_WORDS_CACHED = 4096  # distinct texts kept per kind: the candidates of a query's keystrokes, a few MB


@lru_cache(maxsize=_WORDS_CACHED)
def _name_fields(match_fold: str) -> list[list[str]]:
    return [f.split() for f in match_fold.split(FIELD_SEPARATOR)]


@lru_cache(maxsize=_WORDS_CACHED)
def _place_words(place_fold: str) -> list[list[str]]:
    return [place_fold.replace("|", " ").split()]


_NO_CATEGORIES: list[list[str]] = [[]]


def _category_words(json_list: str | None) -> list[list[str]]:
    return _decoded_category_words(json_list) if json_list and json_list != "[]" else _NO_CATEGORIES


@lru_cache(maxsize=_WORDS_CACHED)
def _decoded_category_words(json_list: str) -> list[list[str]]:
    return [fold(" ".join(json.loads(json_list))).split()]


def _in_fields(group: WordGroup, stems: tuple[str, ...], fields: list[list[str]]) -> Match | None:
    exact, variants, prefixes = group.exact, group.variants, group.prefixes
    best: tuple | None = None  # (typos, variant, not whole, field, position): smaller is better
    for f, words in enumerate(fields):
        for i, word in enumerate(words):
            cost = exact.get(word)
            if cost is not None:
                cand = (cost, word in variants, False, f, i)
            elif stems and word.startswith(stems):
                cand = (min(c for stem, c in prefixes.items() if word.startswith(stem)), False, True, f, i)
            else:
                continue
            if best is None or cand[:3] < best[:3]:
                best = cand
                if cand[:3] == (0, False, False):
                    break
        for phrase in group.phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == phrase:
                    return Match(0, NAME, True, False, f, i, n)
    if best is None:
        return None
    return Match(best[0], NAME, not best[2], best[1], best[3], best[4])


def match_group(group: WordGroup, rec: dict[str, Any], stems: tuple[str, ...] | None = None) -> Match | None:
    if stems is None:
        stems = tuple(group.prefixes)
    m = _in_fields(group, stems, rec["_fields"])
    if m is not None:
        return m
    m = _in_fields(group, stems, rec["_place"])
    if m is not None:
        return Match(m.typos, PLACE, m.whole, m.variant, m.field, m.position, m.length)
    if group.concept and _has_concept(group, rec):
        return Match(group.concept_typos, TAG, True)
    if rec["_categories"][0] and not group.filler:
        m = _in_fields(group, stems, rec["_categories"])  # the source's own category names
        if m is not None:
            return Match(m.typos, TAG, m.whole, m.variant)
    return None


NOT_CARRIED, INFERRED, CODED = 2, 1, 0


def concept_rank(group: WordGroup, rec: dict[str, Any]) -> int:
    """How surely a record has the service concept a query phrase was read as (or, for a need
    word, any concept of that need): coded by its source, inferred from its own words, or not
    at all."""
    need = None if group.service_concept or group.concept is None else group.concept[1]
    wanted = _quoted_concepts(group.service_concept, need)
    coded, inferred = rec.get("concepts") or "", rec.get("concepts_inferred") or ""
    if any(c in coded for c in wanted):
        return CODED
    if not group.service_concept:
        # A need: where the source codes nothing, its record is as likely to have it as any;
        # where it codes other things, the need was read from words alone.
        return INFERRED if coded in ("", "[]") else NOT_CARRIED
    return INFERRED if any(c in inferred for c in wanted) else NOT_CARRIED


@lru_cache(maxsize=512)
def _quoted_concepts(service_concept: str | None, need: str | None) -> tuple[str, ...]:
    """The concept ids a group asks for, quoted as they stand in a record's JSON list."""
    wanted = (service_concept,) if service_concept else concepts.ids_of_need(need or "")
    return tuple(f'"{c}"' for c in wanted)


def _asks_a_need(group: WordGroup) -> bool:
    return bool(group.service_concept) or (group.concept is not None and group.concept[0] == "need")


def _has_concept(group: WordGroup, rec: dict[str, Any]) -> bool:
    # The lists are JSON text here (decoding every candidate's lists costs more than this).
    facet, term_id = group.concept or ("", "")  # called for groups with a concept
    if facet == "day":
        return term_id in days.day_keys(rec.get("hours"))
    if facet in meeting_words.MEETING_FACETS:
        return meeting_words.token(facet, term_id) in meeting_facts(rec)
    quoted = f'"{term_id}"'
    if facet == "language":
        return quoted in rec["languages"]
    if group.service_concept and concept_rank(group, rec) != NOT_CARRIED:
        return True
    return quoted in rec["needs"] or quoted in rec["populations"] or quoted in rec["payment"]


def _named_filler(group: WordGroup) -> bool:
    """Filler that is a word of names ("programs", "services", "helping"), not a small word ("in", "for")."""
    return group.filler and group.text not in OPTIONAL_WORDS


SMALL_WORDS = 9  # where sort_key has -(small words matched)
MATCH_RULES = 11  # the parts of sort_key that say how well a record matched, before distance and names


@dataclass(frozen=True)
class _QueryPlan:
    """What sort_key asks of a query's groups, worked out once per query, not per candidate."""
    stems: list[tuple[str, ...]]
    asks_need: list[bool]
    named_filler: list[bool]
    only_small: bool  # "the": then small words are the words
    asks_online: bool


def _plan(parsed: ParsedQuery) -> _QueryPlan:
    plan = getattr(parsed, "_plan", None)
    if plan is None:
        groups = parsed.groups
        plan = _QueryPlan(stems=[tuple(g.prefixes) for g in groups], asks_need=[_asks_a_need(g) for g in groups],
                          named_filler=[_named_filler(g) for g in groups],
                          only_small=all(g.optional for g in groups), asks_online=_asks_online(parsed))
        parsed._plan = plan  # type: ignore[attr-defined]  # used for every candidate of this query
    return plan


def sort_key(parsed: ParsedQuery, city: tuple[str, str] | None, rec: dict[str, Any],
             distance: float | None) -> tuple:
    prepare(rec)
    plan = _plan(parsed)
    matches = [match_group(g, rec, st) for g, st in zip(parsed.groups, plan.stems, strict=True)]
    matched = typos = where_sum = loose = adjacent = small_words = concepts_missed = 0
    covered: set[tuple[int, int]] = set()
    word_in_name = False
    concept_where = 0
    previous: Match | None = None
    chain_has_a_word = False  # the run of side-by-side matches ending at `previous` has more than small words
    only_small = plan.only_small
    for k, (group, m) in enumerate(zip(parsed.groups, matches, strict=True)):
        if m is None:
            previous = None
            if group.service_concept:
                concepts_missed += NOT_CARRIED
            continue
        if plan.asks_need[k]:
            # Services coded with what was asked first, then those whose own words say it. A
            # need word in a name says it as surely as the source's need does, not a code.
            rank = concept_rank(group, rec)
            concepts_missed += min(rank, INFERRED) if m.where == NAME and not group.service_concept else rank
        if group.filler and m.where != NAME:
            continue  # "help", "programas": a service's tags or address having it say nothing of it
        # Small words ("in", "for", "de") rank only among equals: 'Women in Sobriety' is no better
        # an answer to "aa for women in philadelphia" than a women's meeting in Philadelphia. So
        # does filler in a name, which still covers the name's words and sits beside them ("adult
        # treatment programs" typed for Adult Treatment Programs, before Adult Treatment Center).
        if (group.optional or group.filler) and not only_small and m.whole:
            small_words += 1
        else:
            matched += 1  # a small word still being typed that begins a name's word ('choices the' of Therapy) counts
        typos += m.typos
        if group.concept:
            concept_where += m.where
        else:
            where_sum += m.where
        loose += m.variant + (not m.whole)
        if m.where == NAME:
            covered.update((m.field, m.position + k) for k in range(m.length))
            word_in_name = word_in_name or not group.concept
        if m.where != TAG and previous is not None and previous.where == m.where \
                and previous.field == m.field and m.position == previous.position + previous.length:
            if (only_small or not group.optional or plan.named_filler[k]) and chain_has_a_word:
                adjacent += 1  # "new york", "house of hope" together in a name or an address, in the order typed
        else:
            chain_has_a_word = False
        chain_has_a_word = chain_has_a_word or only_small or not group.optional
        previous = m
    # A need word says the same in a name as in a tag (the service offers it) unless the query is
    # a name ("co occurring treatment center"): then need words in the name count too.
    if word_in_name:
        where_sum += concept_where
    fields = rec["_fields"] if word_in_name else []  # only need words matched: name coverage says nothing
    unmatched = sum(1 for f, words in enumerate(fields) for i, w in enumerate(words)
                    if (f, i) not in covered and w not in IGNORABLE)
    whole_field = any(
        words and all((f, i) in covered or w in IGNORABLE for i, w in enumerate(words))
        for f, words in enumerate(fields)
    )
    # The city the query names, in its main state (Portland, OR before Portland, ME), then elsewhere.
    away = 2 if city is None or rec["city_fold"] != city[0] else (0 if rec["state"] == city[1] else 1)
    # Online meetings filed under a town come after those with a room, unless online was asked.
    remote = not plan.asks_online and meetings.online_only(meeting_facts(rec)) if rec.get("meeting") else False
    return (-matched, typos, remote, -adjacent, away, concepts_missed, where_sum, not whole_field, unmatched,
            -small_words, loose,
            distance if distance is not None else float("inf"), rec["name_fold"], week_position(rec), rec["id"])


def _asks_online(parsed: ParsedQuery) -> bool:
    return any(g.concept == (meeting_words.ATTEND, "online") for g in parsed.groups)


def meeting_facts(rec: dict[str, Any]) -> tuple[str, ...]:
    """A candidate's meeting tags, as the index has them (search.CANDIDATE_COLUMNS reads
    meetings.MEETING_SQL as `meeting`)."""
    tags = rec.get("_meeting_tags")
    if tags is None:
        tags = rec["_meeting_tags"] = meetings.meeting_tags(rec.get("meeting"), rec["match_fold"], rec.get("needs"))
    return tags


_DAY_INDEX = {day: i for i, day in enumerate(WEEKDAYS)}
NO_HOURS = (len(WEEKDAYS), "")


def week_position(rec: dict[str, Any]) -> tuple[int, str]:
    """(first weekday, its first start time) of a record's hours: a group's meetings, one record
    each, come Sunday to Saturday and by time, as SQL orders them (indexing.WEEK_ORDER)."""
    hours = rec.get("hours")
    if not hours or hours == "{}":
        return NO_HOURS
    if isinstance(hours, str):
        return _week_position_of(hours)  # every candidate's key has it: decoded once per distinct text
    return _first_start(hours)


@lru_cache(maxsize=4096)
def _week_position_of(hours_json: str) -> tuple[int, str]:
    try:
        hours = json.loads(hours_json)
    except ValueError:
        return NO_HOURS
    return _first_start(hours)


def _first_start(hours: dict[str, Any]) -> tuple[int, str]:
    starts = [(_DAY_INDEX[day], ranges[0][0]) for day, ranges in hours.items() if day in _DAY_INDEX and ranges]
    return min(starts) if starts else NO_HOURS
