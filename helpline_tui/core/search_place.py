"""Reading the place in a query: the run of words that is a ZIP code, a city (perhaps misspelt),
an alias or a county, and when those words are rather a service's name ("phoenix house").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import NamedTuple

from rapidfuzz.distance import OSA

from helpline_tui.core import geo, index_tokens, lexicon, ranking, vocabulary
from helpline_tui.core import query as query_mod
from helpline_tui.core.search_scope import Scope, filter_tags, near_rids
from helpline_tui.core.search_types import DEFAULT_RADIUS_MILES, Filters
from helpline_tui.core.states import CODE_WORDS, LONGEST_NAME_WORDS, STATE_NAMES
from helpline_tui.core.textnorm import fold


class PlaceNamed(NamedTuple):
    """A place a query names and what is left of the query around it."""

    place: geo.Place
    rest: str  # the query without the place's words (a space after it unless a word is being typed)
    city: tuple[str, str, tuple[str, ...]] | None  # (folded city, state, the words typed): ranks its services first
    words: str  # the words the place was read from ("philly", "bostn")


def other_reading_of(conn, parsed: query_mod.ParsedQuery, filters: Filters, named: PlaceNamed | None,
                     rejected: Sequence[tuple[geo.Place, str]], read_as: str | None) -> tuple[str | None, str | None]:
    """The reading not taken of words that could be a place or a name, and those words: "name"
    beside a place read where a service's own name has the place's words away from it
    ("independence" of Independence House, Boston, beside Independence, MO); "place" beside a name
    read where the words are a place the rules read as a name and services near it have the other
    words ("housing hope": housing in Hope, AR; not "paamos counseling center": Center, TX has none)."""
    if named is not None:
        if read_as == "place" or _named_elsewhere(conn, named, filters):
            return "name", named.words
        return None, None
    found = place_named(conn, parsed, filters, as_place=True) if rejected or read_as == "name" else None
    if found is None or (read_as != "name" and not _serves_the_rest_near(conn, found, filters)):
        return None, None
    return "place", found[3]


def _serves_the_rest_near(conn, named, filters: Filters) -> bool:
    """Whether a service near the place a query's words were read as has the query's other words."""
    rest = " AND ".join(g.fts() for g in query_mod.parse(named.rest, lexicon.load(conn)).required())
    return bool(rest) and found_near(conn, rest, named.place, filters)


def _named_elsewhere(conn, named, filters: Filters) -> bool:
    """Whether a service whose own name has the words a place was read from, and the query's other
    words, lies away from that place: read as a name, the query would list it."""
    lex = lexicon.load(conn)
    place_words = [g.fts("name") for g in query_mod.parse(named.words + " ", lex).groups]  # "la" too
    if not place_words:
        return False
    rest = [g.fts() for g in query_mod.parse(named.rest, lex).required()]
    expr = index_tokens.with_tags(" AND ".join(place_words + rest), filter_tags(filters))
    near = near_rids(conn, named.place, filters.radius or 0)[0]
    return any(rid not in near for (rid,) in conn.execute(
        "SELECT rowid FROM services_fts WHERE services_fts MATCH ? LIMIT 500", (expr,)))


def place_named(conn, parsed: query_mod.ParsedQuery, filters: Filters, complete_last: bool = False,
                as_place: bool = False, rejected: list | None = None) -> PlaceNamed | None:
    """The place a query names, whatever else it holds ("methadone yonkers spanish", "housing
    10701", "crisis urgente chicago", "blue hill ave boston", "aa espanol orange county"): (the
    place, the query without it, the city for ranking). The place is the longest run of words that
    is a ZIP code, a city (perhaps misspelt), an alias or a county, perhaps with its state; the one
    ending the query first, where handlers type it. Never a word alone with nothing else asked,
    nor words before a street word ("blue hill ave"), nor when a service's name has every word as
    typed ("phoenix house"). `as_place`: the place reading asked for, where words that could be a
    name were read as one; `rejected` gets (place, words) of a place so read."""
    rejected = [] if rejected is None else rejected
    typing = parsed.groups[-1] if parsed.groups and not parsed.text[-1:].isspace() else None
    phrases = vocabulary.phrase_index()

    def sure_need(g: query_mod.WordGroup) -> bool:
        # A need word still being typed is no sure need yet ("phoenix hous"), unless it is whole.
        return bool(g.concept) and (g is not typing or tuple(g.text.split()) in phrases)

    groups = _small_words_as_places(parsed)
    if parsed.phone or not groups:
        return None
    # Words of a name or an address with the town ("connetcion inc middletown", "1419 columbia
    # washington") find their service as typed, typos allowed: a place is read from words beside
    # other words than needs only when no service has every word ("crisis urgente chicago"), or
    # one near the place does ("blue hill ave boston").
    every_word: list[str | None] = []  # worked out once, when a place is found beside words of names
    found = None
    # Asked for the place reading, a small town that is a common word of names ("hope") is read
    # only when no other words are a place ("phoenix house" is Phoenix, not House, NM).
    tries = [(span, small_towns) for small_towns in ((False, True) if as_place else (False,))
             for span in _place_spans(groups)]
    for (start, stop), small_towns in tries:
        span = groups[start:stop]
        asked = [g for g in groups[:start] + groups[stop:] if not g.optional]
        if not asked or not (any(sure_need(g) for g in asked) or any(not g.concept for g in asked)):
            continue  # a place alone ("boston") is looked for in names and places, as typed
        if stop < len(groups) and groups[stop].text in _STREET_WORDS or start and groups[start - 1].text in _STREETS_BEFORE:
            continue  # "blue hill ave", "calle luna": a street's name, not Blue Hill, ME or Luna, NM
        if stop == len(groups) - 1 and groups[stop] is typing and \
                geo.cities_beginning(conn, " ".join(g.text for g in span + [typing]), 1, counties=False):
            continue  # "white plai": White Plains being typed, not White, GA
        span_words = " ".join(g.text for g in span)
        found = _place_of(conn, span, filters, typing, complete_last, small_towns, rejected)
        plain_words = any(not g.concept for g in asked) and not as_place
        if found is not None and plain_words and not every_word:
            every_word.append(_every_word_relaxed(conn, parsed))
        if found is not None and plain_words and every_word[0] and not found_near(conn, every_word[0], found[0], filters):
            rejected.append((found[0], span_words))
            found = None  # the service the words name is elsewhere: Middletown, CT, not Middletown, NY
        if found is not None and plain_words and found[1] is not None and \
                not geo.services_in_city(conn, found[1][0], found[0].state):
            found = None  # beside words of a name, a place is read only where the directory has services
        if found is not None:
            break
    if found is None:
        return None
    place, city = found
    # A name that is a small town wherever it is ("vantage") may well be a word of a service's
    # names; a city's ("new york", "mount vernon") only when a service's own name has every word.
    small_town = city is not None and max(exact_city(conn, city[0]).values(), default=0) <= SMALL_TOWN_ZIPS
    span_words = " ".join(g.text for g in groups[start:stop])
    # A small word read as a place by its capitals or its place at the end ("detox LA") is the place
    # even beside names with an article and the other words ("La Esperanza Detox": the other reading).
    as_place = as_place or all(g is not parsed.groups[k] for k, g in enumerate(groups[start:stop], start))
    if not as_place and a_name_has_every_word(conn, [g for g in groups if not g.optional], anywhere=small_town):
        rejected.append((place, span_words))
        return None  # "phoenix house", "vantage women and chilren": a service's name
    words = [g for g in groups if not g.optional and not g.concept]
    if not as_place and len(words) > stop - start and a_name_has_every_word(conn, words, anywhere=True):
        rejected.append((place, span_words))
        return None  # "douglas gardns homeless services": words of a name beside the place's are a name
    kept = groups[:start] + groups[stop:]
    typed = " ".join(city[2]) if city is not None else ""
    if city is not None and city[0] not in geo.city_spellings(typed) and not city[0].startswith(typed):
        kept = groups  # a misspelt town ("walingford aa") is also a word of names there: the Wallingford meeting
    still_typing = bool(kept) and kept[-1] is typing
    return PlaceNamed(place, " ".join(g.text for g in kept) + ("" if still_typing else " "), city, span_words)


def _small_words_as_places(parsed: query_mod.ParsedQuery) -> list[query_mod.WordGroup]:
    """The query's words, a small word that may also be a place's name ("la": Spanish "the", and
    LA) made a word that may be the place where the caller means one: written in capitals in a
    query that is not ("detox LA", "metadona en LA"), or the query's last word after a word that is
    not small ("detox la", "aa meetings la"). An article ends no phrase, and after a small word it is
    still one ("clinica de la" being typed, "casa de la esperanza", "la clinica")."""
    text = parsed.text
    capitals = set() if text.isupper() else {fold(w) for w in re.findall(r"[^\W\d_]{2,}", text) if w.isupper()}
    groups = list(parsed.groups)
    for k, group in enumerate(groups):
        last_after_a_word = k == len(groups) - 1 and k > 0 and not groups[k - 1].optional
        if group.optional and not group.concept and (group.text in capitals or last_after_a_word):
            groups[k] = replace(group, optional=False)
    return groups


# Words after which the words before are a street's name ("blue hill ave", "calle ocho"), in
# English and Spanish as handlers type them.
_STREET_WORDS = frozenset(
    "ave av avenue avenida st street rd road blvd boulevard bulevar dr drive ln lane way hwy highway pkwy "
    "parkway pl ct court ter terrace sq square cir circle calle camino carretera".split())


_STREETS_BEFORE = frozenset("calle avenida camino carretera paseo".split())  # "calle luna", "avenida central"


MAX_PLACE_WORDS = 6  # "condado de miami dade fl": the longest place name tried


def _place_spans(groups: list[query_mod.WordGroup]) -> list[tuple[int, int]]:
    """(start, stop) of each run of words that may be a place, in the order tried: runs ending the
    query first (handlers type the place last), longest first; then the others, rightmost and
    longest first. A need, language or small word alone is no place; in a longer name it may be
    ("spanish harlem", "the bronx", "los angeles")."""
    n = len(groups)
    spans = []
    for stop in range(n, 0, -1):
        for start in range(max(0, stop - MAX_PLACE_WORDS), stop):
            if stop - start > 1 or not (groups[start].optional or groups[start].concept):
                spans.append((start, stop))
    return sorted(spans, key=lambda sp: (sp[1] != n, -(sp[1] - sp[0]) if sp[1] == n else 0, -sp[1], sp[0]))


def _every_word_relaxed(conn, parsed: query_mod.ParsedQuery) -> str | None:
    """The query's words with every typo the widest search allows, as an FTS expression, when
    some service has them all (a name or an address with its town); else None."""
    wider = query_mod.parse(parsed.text, lexicon.load(conn), stage=query_mod.Stage.RELAXED, read_days=False)
    expr = " AND ".join(g.fts() for g in wider.groups if not g.optional)  # a town being typed too
    found = expr and conn.execute("SELECT 1 FROM services_fts WHERE services_fts MATCH ? LIMIT 1", (expr,)).fetchone()
    return expr if found else None


def found_near(conn, expr: str, place: geo.Place, filters: Filters) -> bool:
    """Whether a service with these words is near the place, as the search would take it."""
    scope = Scope(conn, replace(filters, near=place.label, radius=DEFAULT_RADIUS_MILES), place)
    return scope.has_match(conn, expr)


def a_name_has_every_word(conn, groups: list[query_mod.WordGroup], anywhere: bool) -> bool:
    """Whether a service's own name (not its site name or organisation: "Methadone Treatment" of
    New York Presbyterian is no name with "methadone new york") has every word, typos allowed;
    `anywhere`: or its names together."""
    every_word = " AND ".join(g.fts("name") for g in groups)
    if anywhere:
        return conn.execute("SELECT 1 FROM services_fts WHERE services_fts MATCH ? LIMIT 1", (every_word,)).fetchone() \
            is not None
    for (name_fold,) in conn.execute(
            "SELECT s.name_fold FROM services_fts JOIN services s ON s.rid = services_fts.rowid "
            "WHERE services_fts MATCH ? LIMIT 200", (every_word,)):
        rec = {"match_fold": name_fold, "place_fold": "", "needs": "", "populations": "", "payment": "",
               "languages": ""}
        ranking.prepare(rec)
        if all(ranking.match_group(g, rec) for g in groups):
            return True
    return False


SMALL_TOWN_ZIPS = 2  # ZIP codes of a town whose name is as likely a word of a service's names


COMMON_WORD_DOCS = 20  # a small town's name in this many records is likelier a name's word ("hope")


def _place_of(conn, groups: list[query_mod.WordGroup], filters: Filters, typing: query_mod.WordGroup | None,
              complete_last: bool, as_place: bool = False, rejected: list | None = None) -> tuple[geo.Place, tuple[str, str, tuple[str, ...]] | None] | None:
    """The place these words are, all of them: a ZIP code, or a city, perhaps with its state (a
    code or a name) or ZIP after it. A city still being typed that longer city names begin
    ("white" of White Plains) is not one yet; with `complete_last` it is the likeliest it begins."""
    words = [g.text for g in groups]
    named_state = None
    for size in range(LONGEST_NAME_WORDS, 0, -1) if not exact_city(conn, " ".join(words)) else ():  # "orange co" is a county, not Orange, CO
        tail = " ".join(words[-size:])
        code = CODE_WORDS.get(tail) or STATE_NAMES.get(tail)
        if len(words) > size and code:
            named_state, words = code, words[:-size]
            break
    try:
        if words[-1].isdigit() and len(words[-1]) == 5:
            zip_place = geo.resolve_place(conn, words[-1])
            if len(words) == 1 or exact_city(conn, " ".join(words[:-1])):
                return zip_place, None
            return None
        name = " ".join(words)
        being_typed = typing is not None and groups[-1] is typing and named_state is None
        states = exact_city(conn, name)
        if being_typed and complete_last and not states:
            likeliest = geo.cities_beginning(conn, name, 1) if len(words[-1]) >= CITY_PREFIX_MIN else []
            if not likeliest:
                return None
            _, name, state = likeliest[0]
            states = {state: 1}
        elif being_typed and states:
            # "white" may become White Plains (more ZIPs than White, GA): wait for the next word;
            # "new york" will hardly become New York Mills.
            longer = geo.cities_beginning(conn, name + " ", 1, counties=False)
            if longer and exact_city(conn, longer[0][1]).get(longer[0][2], 0) > max(states.values()):
                return None
        if not states or not being_typed:
            name, states = _likeliest_spelling(conn, name, states, being_typed, named_state)
        if not states:
            return None
        state = next((s for s in (named_state, filters.state) if s in states), None) or geo.likeliest_states(conn, name, states)[0]
        if len(words) == 1 and states[state] <= SMALL_TOWN_ZIPS and not as_place \
                and _in_names(conn, name) >= COMMON_WORD_DOCS:
            if rejected is not None:
                rejected.append((geo.resolve_place(conn, f"{name}, {state}"), " ".join(words)))
            return None  # Hope, AR in "housing hope": Hope House and its like
        return geo.resolve_place(conn, f"{name}, {state}"), (name, state, tuple(words))
    except geo.PlaceError:
        return None


def _in_names(conn, word: str) -> int:
    """In how many names a word is (up to COMMON_WORD_DOCS): a town's name in the addresses of its
    twenty meetings (Doylestown) is no word of names, as Hope is."""
    match = '{name}: "' + word.replace('"', '""') + '"'
    return conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM services_fts WHERE services_fts MATCH ? "
                        f"LIMIT {COMMON_WORD_DOCS})", (match,)).fetchone()[0]


def _within_budget(typed: str, other: str) -> bool:
    """Each word of a place name within its own typo budget ("bostn", "san fransisco"; not
    "hood" for "cook", whose 4 letters take no typo)."""
    a, b = typed.split(), other.split()
    return len(a) == len(b) and all(OSA.distance(x, y) <= lexicon.typo_budget(len(y)) for x, y in zip(a, b, strict=True))


def _likeliest_spelling(conn, name: str, states: dict[str, int], being_typed: bool,
                        named_state: str | None = None) -> tuple[str, dict[str, int]]:
    """A place name, or the one it is a typo of ('bostn' -> boston): when the name is no place
    where the directory has services, the name within the typo budget where it has most (a
    misspelling that is another town's name means the town with services). A name still being
    typed only when no place name begins with it."""
    budget = lexicon.typo_budget(len(name))
    if not budget or len(name.split()) > 3 or any(geo.services_in_city(conn, name, s) for s in states):
        return name, states
    if not states and all(word in lexicon.load(conn) for word in name.split()):
        return name, states  # words of the directory, and no town's ('hose'): no misspelt town
    if being_typed and geo.cities_beginning(conn, name, 1):
        return name, states
    best = None
    for other, typos in geo.place_names_near(conn, name, budget):
        other_states = exact_city(conn, other)
        if not _within_budget(name, other) or (named_state and named_state not in other_states):
            continue
        services = max((geo.services_in_city(conn, other, s) for s in other_states), default=0)
        if services and (best is None or (-services, typos) < (-best[2], best[3])):
            best = (other, other_states, services, typos)
    return (best[0], best[1]) if best else (name, states)


def exact_city(conn, name: str) -> dict[str, int]:
    """State -> ZIP codes of the cities with this name (either spelling of its first word)."""
    states: dict[str, int] = {}
    for spelling in geo.city_spellings(name):
        for state, count in conn.execute(
                f"SELECT state, count(*) FROM {geo.place_names(conn)} WHERE city_fold = ? GROUP BY state", (spelling,)):
            states[state] = states.get(state, 0) + count
    return states


def query_city(conn, parsed: query_mod.ParsedQuery, complete_last: bool = False) -> tuple[str, str, tuple[str, ...]] | None:
    """A known city named in the query ("... new york", "terapia familiar miami") ranks services
    there first: (folded city, state, the words typed for it). Tried longest first, from the end,
    where handlers type the place. A state after it decides ("portland me"); else the state where
    that name has most ZIPs. `complete_last`: a city still being typed at the end ("metadona yonk")
    counts too, as the likeliest city it begins; only where nothing else matched, since "hous" is
    as likely a house as Houston."""
    words = [g.text for g in parsed.groups if not g.concept]
    last = parsed.groups[-1] if parsed.groups else None
    typing_city = complete_last and last is not None and not last.concept and last.text in last.prefixes
    for size in (3, 2, 1):
        for start in range(len(words) - size, -1, -1):
            name = " ".join(words[start:start + size])
            if len(name) < 3:
                continue
            for spelling in geo.city_spellings(name):  # "st louis" is Saint Louis
                states = dict(conn.execute(
                    f"SELECT state, count(*) FROM {geo.place_names(conn)} WHERE city_fold = ? GROUP BY state",
                    (spelling,)).fetchall())
                if states:
                    after = words[start + size] if start + size < len(words) else ""
                    named = CODE_WORDS.get(after)
                    state = named if named is not None and named in states else geo.likeliest_states(conn, spelling, states)[0]
                    return spelling, state, tuple(words[start:start + size])
        typed = tuple(words[-size:]) if typing_city and len(words) >= size else ()
        if typed and len(typed[-1]) >= CITY_PREFIX_MIN:
            likeliest = geo.cities_beginning(conn, " ".join(typed), 1)
            if likeliest:
                _, city_fold, state = likeliest[0]
                return city_fold, state, typed
    return None


CITY_PREFIX_MIN = 4  # letters of a half-typed city before it is taken for the likeliest city it begins

