"""Query understanding: what the handler typed -> word groups the index can answer.

Each query word becomes a group of acceptable index words (itself, spelling equivalents such as
ctr/center, typo and sound-alike variants, and prefixes for the word still being typed). Need and
language phrases ("metadona", "dual diagnosis", "en español") also accept any record carrying that
need or language. A phone number becomes a phone lookup. Nothing the user types can reach FTS5 as
syntax: every word is folded and quoted.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from dataclasses import dataclass, field
from enum import IntEnum

from rapidfuzz import process
from rapidfuzz.distance import OSA

from helpline_tui.core import concepts, days, meeting_words, vocabulary
from helpline_tui.core.lexicon import Lexicon, equivalents, typo_budget
from helpline_tui.core.records import STATUSES
from helpline_tui.core.textnorm import fold

# Words that may be missing from a name without costing the match (they still help ranking).
OPTIONAL_WORDS = frozenset(
    "the of at and for in on a an to de del la las el los y en para con que speaking speaks hablan habla hable "
    "hablen se near cerca no".split()
)
# Ambiguous as concepts: 'ca' is California far more often than Cocaine Anonymous.
# Spanish 'en', 'el', 'la' ("metadona en yonkers") are small words, not English, Greek or Lao.
NOT_CONCEPTS = frozenset({("ca",), ("co",), ("op",), ("pa",), ("ma",), ("in",), ("oh",), ("me",), ("or",),
                          ("en",), ("el",), ("la",)})
MAX_WORDS = 12
BROAD_PREFIX_SHARE = 0.3  # a half-typed last word in more than this share of records only ranks  # longer text is cut: nobody types more while a caller waits


def keyword_token(facet: str, term_id: str) -> str:
    """The token a record's need, language, service concept or day (core/days.py) has in the index's
    `keywords` column."""
    if facet == "day":
        return days.token(term_id)
    if facet in meeting_words.MEETING_FACETS:
        return meeting_words.token(facet, term_id)
    prefix = {"language": "lg", "concept": "cc"}.get(facet, "kw")
    return prefix + re.sub(r"[^0-9a-z]", "", term_id.lower())


# Grid cells for place filters, coarse to fine: a radius is answered by the finest level whose
# cells covering it number at most MAX_CELLS, intersected by FTS5 like any other tag.
CELL_DEGREES = (0.25, 1.0, 4.0)
MAX_CELLS = 25


def _signed(i: int) -> str:
    return f"p{i}" if i >= 0 else f"m{-i}"


def cell_token(level: int, lat: float, lon: float) -> str:
    size = CELL_DEGREES[level]
    return f"g{level}{_signed(math.floor(lat / size))}{_signed(math.floor(lon / size))}"


def cell_tokens_covering(lat0: float, lat1: float, lon0: float, lon1: float) -> list[str]:
    for level, size in enumerate(CELL_DEGREES):
        rows = range(math.floor(lat0 / size), math.floor(lat1 / size) + 1)
        cols = range(math.floor(lon0 / size), math.floor(lon1 / size) + 1)
        if len(rows) * len(cols) <= MAX_CELLS or level == len(CELL_DEGREES) - 1:
            return [f"g{level}{_signed(r)}{_signed(c)}" for r in rows for c in cols]
    return []


def area_token(token: str) -> str:
    """A service-area token ("US", "NY", "zip:10701") as an index tag: 'arus', 'arny', 'arzip10701'."""
    return "ar" + re.sub(r"[^0-9a-z]", "", token.lower())


def tag_token(field: str, value: str) -> str:
    """State, kind and status tokens in the `keywords` column: 'stny', 'kdsupportgroup', 'ssactive'."""
    prefix = {"state": "st", "kind": "kd", "status": "ss"}[field]
    return prefix + re.sub(r"[^0-9a-z]", "", (value or "none").lower())


@dataclass
class WordGroup:
    """One query word (or phrase) and every index word that satisfies it, with its typo cost."""

    text: str  # as typed, folded
    exact: dict[str, int] = field(default_factory=dict)  # index word -> typos
    prefixes: dict[str, int] = field(default_factory=dict)  # index word beginning -> typos
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # multi-word alternatives
    variants: frozenset[str] = frozenset()  # spelling equivalents (ctr for center): matches, but not exact
    concept: tuple[str, str] | None = None  # (facet, id) of a need or language phrase, or ("day", "mon")
    concept_typos: int = 0  # typos between the word typed and the need word it stands for
    # The service concept (core/concepts.py) a phrase was read as ("help paying rent"): records
    # carrying it match besides those with its need, and rank above them.
    service_concept: str | None = None
    concept_read: str | None = None  # the concept a phrase was read as, said to the handler (even one as wide as its need)
    filler: bool = False  # a word with no service meaning ("help", "programas"): never required, never counted
    from_today: bool = False  # a day counted from today ("tonight", "mañana"), not a weekday's name
    # A fellowship asked for that the directory has no group of ("na" with only AA meetings): the
    # group stands for any mutual-help group, and the search says which was missing.
    fellowship_missing: str | None = None
    optional: bool = False
    # A word still being typed that would match most of the directory ("cente", one letter):
    # it narrows nothing until it is more specific, and only ranks.
    soft: bool = False
    is_number: bool = False
    # Prefixes longer than FTS5's prefix indexes, spelled out as the index words they begin.
    spelled_out: dict[str, list[str]] = field(default_factory=dict)

    def fts(self, columns: str | None = None) -> str:
        """This group as an FTS5 expression; `columns` ("name") restricts its words, not its tag."""
        alts = [_quote(w) for w in self.exact]
        for p in self.prefixes:
            words = self.spelled_out.get(p)
            alts += [_quote(p) + "*"] if words is None else [_quote(w) for w in words if w not in self.exact]
        alts += ['"' + " ".join(p).replace('"', '""') + '"' for p in self.phrases]
        words = " OR ".join(alts)
        if columns and words:
            # Restricted to names: a need word must be in the name too, not only a tag.
            return "({" + columns + "}: (" + words + "))"
        if self.concept:
            tags = [keyword_token(*self.concept)]
            if self.service_concept:
                tags.append(keyword_token("concept", self.service_concept))
            tag = "keywords: " + (_quote(tags[0]) if len(tags) == 1 else "(" + " OR ".join(map(_quote, tags)) + ")")
            words = f"{words} OR {tag}" if words else tag
        return "(" + words + ")"


def narrows_nothing(group: WordGroup) -> bool:
    """A word still being typed that is one letter, or begins most of the directory's words:
    not required of results, used only for ranking."""
    return group.soft or (len(group.text) == 1 and bool(group.prefixes) and not group.concept)


def _quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


@dataclass
class ParsedQuery:
    text: str
    groups: list[WordGroup] = field(default_factory=list)
    phone: str | None = None
    short_prefix: str | None = None  # 1-2 characters typed: answered from the name B-tree

    @property
    def empty(self) -> bool:
        return not self.groups and not self.phone and not self.short_prefix

    def required(self) -> list[WordGroup]:
        """Groups every result must match. A single letter being typed after other words
        ("detox l") narrows nothing until its second letter: FTS5 has no 1-letter prefix index,
        so it would cost a scan; it still ranks the names it begins first."""
        req = [g for g in self.groups if not g.optional and not narrows_nothing(g)]
        return req or self.groups

    def match_all(self, columns: str | None = None, tags: list[str] = (), concepts_only: bool = False) -> str:
        """Every required group; `concepts_only`: a service concept group by its concept's tag alone."""
        return with_tags(" AND ".join(
            "keywords: " + _quote(keyword_token("concept", g.service_concept)) if concepts_only and g.service_concept
            else g.fts(columns) for g in self.required()), tags)

    def match_any(self, tags: list[str] = ()) -> str:
        return with_tags(" OR ".join(g.fts() for g in self.groups if not narrows_nothing(g) and not g.filler), tags)


_ACTIVE = tag_token("status", "active")
_NOT_ACTIVE = tuple(tag_token("status", s) for s in STATUSES if s != "active")


def with_tags(expr: str | None, tags: list[str]) -> str | None:
    """Filters as index tags, intersected by FTS5 itself. No text: the tags alone (or None).
    Nearly every record is active: when something else selects rows, taking away the few
    others (NOT) is several times cheaper than intersecting with nearly the whole index."""
    if not tags:
        return expr
    subtract = _ACTIVE in tags and (expr or len(tags) > 1)
    if subtract:
        tags = [t for t in tags if t != _ACTIVE]
    tag_expr = "keywords: (" + " AND ".join(_quote(t) for t in tags) + ")" if tags else ""
    out = f"({expr}) AND {tag_expr}" if expr and tag_expr else (expr or tag_expr)
    if subtract:
        out = f"({out}) NOT keywords: (" + " OR ".join(_quote(t) for t in _NOT_ACTIVE) + ")"
    return out


_PHONE_CHARS = re.compile(r"^[\d\s().+\-/]+$")
_EXTENSION = re.compile(r"\s*(?:x|ext\.?|extension|#)\s*\d{1,6}\s*$", re.I)


class Stage(IntEnum):
    """Stages of widening, tried in order while a query finds fewer than a screenful."""

    EXACT_FIRST = 0  # typo variants only for words the directory does not know
    TYPOS_EVERYWHERE = 1  # typo variants for every word
    RELAXED = 2  # a wider typo budget too


EXACT_FIRST, TYPOS_EVERYWHERE, RELAXED = Stage.EXACT_FIRST, Stage.TYPOS_EVERYWHERE, Stage.RELAXED


def parse(text: str, lexicon: Lexicon | None, stage: Stage = Stage.EXACT_FIRST, read_days: bool = True,
          today=days.computer_today) -> ParsedQuery:
    """Stage EXACT_FIRST takes typo variants only for words the directory does not know;
    TYPOS_EVERYWHERE for every word; RELAXED with the larger relaxed typo budgets. Without
    `read_days`, day words are words ("A Better Today"); "today" is the weekday `today()` gives."""
    text = text if isinstance(text, str) else ""
    parsed = ParsedQuery(text=text)
    number = _EXTENSION.sub("", text)  # "617-442-8800 x1289" is that number's extension
    digits = re.sub(r"\D", "", number)
    if _PHONE_CHARS.match(number) and len(digits) >= 7 and len(digits.replace(" ", "")) <= 11:
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) in (7, 10):
            parsed.phone = digits
            return parsed
    words = fold(text).split()[:MAX_WORDS]
    if not words:
        return parsed
    typing_last = not text[-1:].isspace()  # the last word is still being typed
    phrase_index = vocabulary.phrase_index()
    if len(words) == 1 and len(words[0]) <= 2 and typing_last and (words[0],) not in phrase_index:
        parsed.short_prefix = words[0]  # 1-2 letters that are not a need word ("aa", "na")
        return parsed
    known = (lambda w: w in lexicon) if lexicon is not None else (lambda w: False)
    meeting_asked = meeting_words.asks_for_a_meeting(words, phrase_index, known)
    concept_phrases = concepts.phrase_index()
    filler_at, lead_in = _filler_positions(words, concept_phrases)
    i = 0
    while i < len(words):
        day = _day_at(words, i, lexicon, today, part_alone=meeting_asked) if read_days else None
        if day is not None:
            # "aa monday", "alcoholicos anonimos hoy": only the day's tag, never the word in names
            # ("Today's Recovery", "Monday Night Group" on a Tuesday).
            size, key, from_today = day
            parsed.groups.append(WordGroup(text=" ".join(words[i:i + size]), concept=("day", key),
                                           from_today=from_today))
            i += size
            continue
        meeting = meeting_words.phrase_at(words, i, meeting_asked, known)
        if meeting is not None:
            # "closed aa", "big book", "en línea", "narcotics anonymous": before the need words,
            # where 'aa' is any mutual-help group.
            size, concept = meeting
            last = i + size == len(words)
            parsed.groups.append(_meeting_group(tuple(words[i:i + size]), concept, lexicon, last and typing_last))
            i += size
            continue
        size = _concept_phrase_at(words, i, concept_phrases)
        if size:
            # A service concept's phrase ("help paying rent", "light bill"): read as its need, and its own tag.
            key = tuple(words[i:i + size])
            concept = concepts.get(concept_phrases[key])
            group = _concept_group(key, ("need", concept.need), lexicon, i + size == len(words) and typing_last)
            group.service_concept = None if concept.is_its_need else concept.id
            group.concept_read = concept.id
            parsed.groups.append(group)
            i += size
            continue
        if i in lead_in:  # "help paying the light bill", "ayuda para pagar la luz": the concept, not payment
            parsed.groups.append(_filler_group(words[i]))
            i += 1
            continue
        misspelt = _misspelt_phrase_at(tuple(words[i:]), lexicon) if lexicon is not None else None
        if misspelt is not None:
            # "mental helth": the need phrase with a typo in one word, as a misspelt need word is;
            # "ayuda con el alquler": a service concept's.
            phrase, concept, typos = misspelt
            service = concepts.get(concept[1]) if concept[0] == "service" else None
            if service is not None:
                concept = ("need", service.need)
            group = _concept_group(phrase, concept, lexicon, False)
            group.service_concept = service.id if service is not None and not service.is_its_need else None
            group.concept_read = service.id if service is not None else None
            group.concept_typos = typos
            parsed.groups.append(group)
            i += len(phrase)
            continue
        # Longest need/language phrase starting here ("en espanol", "dual diagnosis", "metadona").
        for size in range(min(4, len(words) - i), 0, -1):
            key = tuple(words[i:i + size])
            hit = phrase_index.get(key)
            if hit and key not in NOT_CONCEPTS and len(" ".join(key)) >= 2:
                last = i + size == len(words)
                parsed.groups.append(_concept_group(key, hit, lexicon, last and typing_last))
                i += size
                break
        else:
            if i in filler_at:
                parsed.groups.append(_filler_group(words[i]))
                i += 1
                continue
            last = i == len(words) - 1
            group = _word_group(words[i], lexicon, prefix=last and typing_last, stage=stage)
            if last and typing_last and len(words) > 1 and lexicon is not None and group.prefixes:
                group.soft = lexicon.share_beginning(group.prefixes) > BROAD_PREFIX_SHARE
            if not group.optional and not group.is_number and not (lexicon is not None and words[i] in lexicon):
                # A need word being typed or misspelt ('suboxon', 'metadone') also stands for its
                # need, beside the directory's words it may be a typo of; a record found only by
                # the need costs the typo in ranking, so a name with the word still comes first.
                group.concept = _need_word_begun_or_misspelt(words[i], last and typing_last, False) \
                    or _need_word_corrected(group)
                if group.concept:
                    group.soft = False  # a need word narrows to that need, however common its letters
                    group.concept_typos = _need_word_typos(group)
            parsed.groups.append(group)
            i += 1
    if all(g.filler or g.optional for g in parsed.groups):
        # Nothing but filler ("help", "services"): the words are what was asked, a name's words.
        parsed.groups = [_word_group(g.text, lexicon, prefix=k == len(parsed.groups) - 1 and typing_last, stage=stage)
                         if g.filler else g for k, g in enumerate(parsed.groups)]
    if lexicon is not None:
        for group in parsed.groups:
            _spell_out_prefixes(group, lexicon)
    return parsed


def _concept_phrase_at(words: list[str], i: int, phrases: dict[tuple[str, ...], str]) -> int:
    """Words taken by the longest service concept phrase starting at words[i] (0: none). A
    word still being typed is taken only whole, as typed."""
    for size in range(min(concepts.MAX_PHRASE_WORDS, len(words) - i), 0, -1):
        key = tuple(words[i:i + size])
        if key in phrases and key not in NOT_CONCEPTS:
            return size
    return 0


def _filler_positions(words: list[str], concept_phrases: dict[tuple[str, ...], str]) -> tuple[set[int], set[int]]:
    """Indexes of the words that are filler ("my son needs", "ayuda con", "near"), longest first,
    left to right, concept phrases left whole; and of those leading into a concept phrase
    ("help paying | the light bill"), which are filler even where a need phrase would read them."""
    filler = concepts.filler_phrases()
    out: set[int] = set()
    lead_in: set[int] = set()
    run: list[int] = []  # filler and small words since the last word of meaning
    i = 0
    while i < len(words):
        size = _concept_phrase_at(words, i, concept_phrases)
        if size:
            lead_in.update(run)
            run = []
            i += size
            continue
        for size in range(min(4, len(words) - i), 0, -1):
            if tuple(words[i:i + size]) in filler:
                # A concept phrase beginning inside is left whole ("ayuda para | pagar la luz").
                size = next((j - i for j in range(i + 1, i + size) if _concept_phrase_at(words, j, concept_phrases)),
                            size)
                out.update(range(i, i + size))
                run += range(i, i + size)
                i += size
                break
        else:
            if words[i] not in OPTIONAL_WORDS:
                run = []
            else:
                run.append(i)  # "help paying the light bill": 'the' leads in too
            i += 1
    return out, lead_in


def _filler_group(word: str) -> WordGroup:
    """A word with no service meaning: it may rank a name that has it, it never narrows."""
    group = WordGroup(text=word, optional=True, filler=True)
    group.exact = {w: 0 for w in equivalents(word)}
    group.variants = frozenset(group.exact) - {word}
    return group


def _misspelt_phrase_at(words: tuple[str, ...], lexicon: Lexicon) -> tuple[tuple[str, ...], tuple[str, str], int] | None:
    """(the phrase, its need, typos) when the first words are a need phrase of several words with
    one word misspelt ("mental helth", "salud mentl"): a word the directory does not know, nor
    begins (so not one still being typed), within the typo budget of the phrase's word, the
    others exact. Longest phrase first."""
    by_gap = _phrases_with_a_gap()
    for size in range(min(4, len(words)), 1, -1):
        window = words[:size]
        for j, typed in enumerate(window):
            if typed in lexicon or len(typed) < 4 or lexicon.words_beginning(typed, 1) != []:
                continue  # a word of the directory, or the beginning of some (None: of several)
            for right, concept in by_gap.get((*window[:j], None, *window[j + 1:]), ()):
                typos = OSA.distance(typed, right)
                if typos <= typo_budget(len(right)):
                    return (*window[:j], right, *window[j + 1:]), concept, typos
    return None


@lru_cache(maxsize=1)
def _phrases_with_a_gap() -> dict[tuple[str | None, ...], list[tuple[str, tuple[str, str]]]]:
    """Need phrases of several words, each with one word left out (None): what the word was."""
    out: dict[tuple[str | None, ...], list[tuple[str, tuple[str, str]]]] = {}
    service_phrases = {key: ("service", cid) for key, cid in concepts.phrase_index().items()}
    for key, concept in {**vocabulary.phrase_index(), **service_phrases}.items():
        if 2 <= len(key) <= 4 and key not in NOT_CONCEPTS:
            for j, word in enumerate(key):
                out.setdefault((*key[:j], None, *key[j + 1:]), []).append((word, concept))
    return out


def _day_at(words: list[str], i: int, lexicon: Lexicon | None, today=days.computer_today, part_alone: bool = False
            ) -> tuple[int, str, bool] | None:
    """(words taken, day key) of a day named at words[i] ("monday", "esta noche"); a misspelt day
    word ('wensday', 'saterday', 'tomorow') too, when the directory's words do not explain it."""
    def corrected(word: str) -> str | None:
        if lexicon is None or word in lexicon or len(word) < 5:
            return None
        # Day words are long and unlike other words: two typos from 7 letters ('wensday').
        found = process.extract(word, days._SPELLED, scorer=OSA.distance, processor=None,
                                score_cutoff=2 if len(word) >= 7 else 1, limit=None)
        # Fewest typos; among equals the one with the same first letter ('munday' is Monday, not Sunday).
        found.sort(key=lambda f: (f[1], f[0][0] != word[0], f[2]))
        return found[0][0] if found else None

    # A part of the day alone ("morning", "de noche") only in a query asking for a meeting: "night
    # shelter" is a kind of shelter, not one with evening hours.
    return days.day_at(words, i, corrected, today, part_alone=part_alone)


SPELLED_PREFIX_MIN = 4  # shorter prefixes have their own FTS5 prefix index ('2 3')
SPELLED_PREFIX_MAX_WORDS = 64  # per prefix, and twice that per query word


def _spell_out_prefixes(group: WordGroup, lexicon: Lexicon) -> None:
    """FTS5 answers a prefix it has no index for by merging every matching word's whole list
    of records before intersecting; the same words as plain terms are intersected lazily, which
    is what a half-typed word next to a selective one needs (measured: 5-20x less at 1M)."""
    budget = 2 * SPELLED_PREFIX_MAX_WORDS
    for stem in group.prefixes:
        if len(stem) >= SPELLED_PREFIX_MIN:
            words = lexicon.words_beginning(stem, min(budget, SPELLED_PREFIX_MAX_WORDS))
            if words:
                group.spelled_out[stem] = words
                budget -= len(words)


CONCEPT_PREFIX_MIN = 4  # letters of a need word being typed before it stands for the need


@lru_cache(maxsize=4096)
def _need_word_begun_or_misspelt(word: str, typing: bool, explained: bool) -> tuple[str, str] | None:
    """The need or language a word stands for when it is one being typed ('suboxon', 'vivien')
    or misspelt within the typo budget ('methdone'; only when the directory's own words do not
    explain the word). Only when exactly one need fits: 'metha' could be methadone or meth."""
    if len(word) < CONCEPT_PREFIX_MIN or not word.isalpha():
        return None
    words = _single_word_concepts()
    budget = typo_budget(len(word))
    found = set()
    if typing:
        found |= {c for w, c in words.items() if w.startswith(word)}
        if budget and not found:
            # One beginning can start words of two needs ('medica': medicaid, medicare): keep both.
            stems: dict[str, set[tuple[str, str]]] = {}
            for w, c in words.items():
                if len(w) > len(word):
                    stems.setdefault(w[:len(word)], set()).add(c)
            for stem, _, _ in process.extract(word, list(stems), scorer=OSA.distance, processor=None,
                                              score_cutoff=budget, limit=None):
                found |= stems[stem]
    if not found and not explained and budget:
        found |= {words[w] for w, _, _ in process.extract(word, list(words), scorer=OSA.distance, processor=None,
                                                          score_cutoff=budget, limit=None)}
    return found.pop() if len(found) == 1 else None


def _need_word_corrected(group: WordGroup) -> tuple[str, str] | None:
    """The need the directory's word a typo or sound-alike was taken for is ('sikiatric' ->
    psychiatric, 'detoks' -> detox), when only one need fits."""
    needs = _single_word_concepts()
    found = {needs[w] for w, typos in group.exact.items() if typos and w in needs}
    return found.pop() if len(found) == 1 else None


def _need_word_typos(group: WordGroup) -> int:
    """0 for a need word being typed ('suboxon'), else the typos to the nearest of its words
    (as the lexicon counted them for the words it offered, sound-alikes included)."""
    words = [w for w, c in _single_word_concepts().items() if c == group.concept]
    if any(w.startswith(group.text) for w in words):
        return 0
    offered = [typos for w, typos in group.exact.items() if w in words]
    return min(offered or [OSA.distance(group.text, w) for w in words] or [1])


@lru_cache(maxsize=1)
def _single_word_concepts() -> dict[str, tuple[str, str]]:
    return {key[0]: concept for key, concept in vocabulary.phrase_index().items()
            if len(key) == 1 and len(key[0]) >= CONCEPT_PREFIX_MIN and key not in NOT_CONCEPTS}


def _concept_group(words: tuple[str, ...], concept: tuple[str, str], lexicon: Lexicon | None, prefix: bool) -> WordGroup:
    group = WordGroup(text=" ".join(words), concept=concept)
    if len(words) == 1:
        group.exact = {w: 0 for w in equivalents(words[0])}
        group.variants = frozenset(group.exact) - {words[0]}
        if prefix and len(words[0]) >= 2:
            group.prefixes[words[0]] = 0
    else:
        group.phrases.append(words)
    return group


def _meeting_group(words: tuple[str, ...], concept: tuple[str, str], lexicon: Lexicon | None, prefix: bool) -> WordGroup:
    """A meeting word's group; a fellowship the directory has no group of stands for any
    mutual-help group, and says which it was."""
    missing = None
    if concept[0] == meeting_words.FELLOWSHIP and (lexicon is None or lexicon.fellowships is None
                                                    or concept[1] not in lexicon.fellowships):
        missing = concept[1] if lexicon is not None and lexicon.fellowships is not None else None
        concept = meeting_words.MEETING_NEED
    group = _concept_group(words, concept, lexicon, prefix)
    group.fellowship_missing = missing
    return group


def _word_group(word: str, lexicon: Lexicon | None, prefix: bool, stage: Stage) -> WordGroup:
    group = WordGroup(text=word, optional=word in OPTIONAL_WORDS, is_number=word.isdigit())
    group.exact = {w: 0 for w in equivalents(word)}
    group.variants = frozenset(group.exact) - {word}
    if group.is_number:
        return group  # numbers (street numbers, ZIP codes) never take typos
    if prefix:
        group.prefixes[word] = 0
    if lexicon is None or group.optional:
        return group
    budget = typo_budget(len(word), relaxed=stage >= RELAXED)
    known = word in lexicon
    if not known or stage >= TYPOS_EVERYWHERE:
        for variant, cost in lexicon.typo_variants(word, budget).items():
            group.exact.setdefault(variant, cost)
        if prefix and len(word) >= 5:
            # A short word still being typed takes no typo even when relaxed: "coln" would
            # otherwise open on every word beginning col-, con-, cou-... (most of a directory).
            for stem, cost in lexicon.prefix_variants(word, budget).items():
                group.prefixes.setdefault(stem, cost)
        if not known:
            for variant in lexicon.sound_alikes(word):
                group.exact.setdefault(variant, 1)
    return group
