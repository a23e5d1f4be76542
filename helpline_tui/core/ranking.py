"""Ranking by discrete rules, as Meilisearch and Algolia do (search-notes §2), in this order:

1. more query words matched;  2. fewer typos;  3. query words side by side and in order in a name
(proximity);  4. in the city the query names;  5. where the words matched: name before address
before need/language tags;  6. a whole name field matched;  7. fewer name words left unmatched;
8. fewer spelling variants and half-typed words;  9. distance;  then name and id, so equal results
always come in the same order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from helpline_tui.core.query import ParsedQuery, WordGroup

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
    if "_fields" in rec:
        return
    for key in ("needs", "populations", "payment", "languages", "service_area_list"):
        if isinstance(rec.get(key), str):
            rec[key] = json.loads(rec[key])
    rec["_fields"] = [f.split() for f in rec["match_fold"].split(FIELD_SEPARATOR)]
    rec["_place"] = [rec["place_fold"].replace("|", " ").split()]


def _in_fields(group: WordGroup, fields: list[list[str]]) -> Match | None:
    best: Match | None = None
    for f, words in enumerate(fields):
        for i, word in enumerate(words):
            cost = group.exact.get(word)
            if cost is not None:
                m = Match(cost, NAME, True, word in group.variants, f, i)
            else:
                cost = min((c for stem, c in group.prefixes.items() if word.startswith(stem)), default=None)
                if cost is None:
                    continue
                m = Match(cost, NAME, False, False, f, i)
            if best is None or (m.typos, m.variant, not m.whole) < (best.typos, best.variant, not best.whole):
                best = m
        for phrase in group.phrases:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == phrase:
                    return Match(0, NAME, True, False, f, i, n)
    return best


def match_group(group: WordGroup, rec: dict[str, Any]) -> Match | None:
    m = _in_fields(group, rec["_fields"])
    if m is not None:
        return m
    m = _in_fields(group, rec["_place"])
    if m is not None:
        return Match(m.typos, PLACE, m.whole, m.variant, m.field, m.position, m.length)
    if group.concept and _has_concept(group, rec):
        return Match(0, TAG, True)
    return None


def _has_concept(group: WordGroup, rec: dict[str, Any]) -> bool:
    facet, term_id = group.concept
    if facet == "language":
        return term_id in rec["languages"]
    return term_id in rec["needs"] or term_id in rec["populations"] or term_id in rec["payment"]


def sort_key(parsed: ParsedQuery, city: tuple[str, str] | None, rec: dict[str, Any],
             distance: float | None) -> tuple:
    prepare(rec)
    matches = [match_group(g, rec) for g in parsed.groups]
    matched = typos = where_sum = loose = adjacent = 0
    covered: set[tuple[int, int]] = set()
    previous: Match | None = None
    for m in matches:
        if m is None:
            previous = None
            continue
        matched += 1
        typos += m.typos
        where_sum += m.where
        loose += m.variant + (not m.whole)
        if m.where == NAME:
            covered.update((m.field, m.position + k) for k in range(m.length))
        if m.where != TAG and previous is not None and previous.where == m.where \
                and previous.field == m.field and m.position == previous.position + previous.length:
            adjacent += 1  # "new york" together in a name or an address, in the order typed
        previous = m
    fields = rec["_fields"]
    unmatched = sum(1 for f, words in enumerate(fields) for i, w in enumerate(words)
                    if (f, i) not in covered and w not in IGNORABLE)
    whole_field = any(
        words and all((f, i) in covered or w in IGNORABLE for i, w in enumerate(words))
        for f, words in enumerate(fields)
    )
    # The city the query names, in its main state (Portland, OR before Portland, ME), then elsewhere.
    away = 2 if city is None or rec["city_fold"] != city[0] else (0 if rec["state"] == city[1] else 1)
    return (-matched, typos, -adjacent, away, where_sum, not whole_field, unmatched, loose,
            distance if distance is not None else float("inf"), rec["name_fold"], rec["id"])


def words_matched(parsed: ParsedQuery, rec: dict[str, Any]) -> int:
    prepare(rec)
    return sum(1 for g in parsed.groups if match_group(g, rec) is not None)
