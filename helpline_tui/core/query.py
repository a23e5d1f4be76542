"""Query understanding: what the handler typed -> word groups the index can answer.

Each query word becomes a group of acceptable index words (itself, spelling equivalents such as
ctr/center, typo and sound-alike variants, and prefixes for the word still being typed). Need and
language phrases ("metadona", "dual diagnosis", "en español") also accept any record carrying that
need or language. A phone number becomes a phone lookup. Nothing the user types can reach FTS5 as
syntax: every word is folded and quoted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from helpline_tui.core import vocabulary
from helpline_tui.core.lexicon import Lexicon, equivalents, typo_budget
from helpline_tui.core.textnorm import fold

# Words that may be missing from a name without costing the match (they still help ranking).
OPTIONAL_WORDS = frozenset(
    "the of at and for in on a an to de del la las el los y en para con que speaking speaks hablan habla se".split()
)
# Ambiguous as concepts: 'ca' is California far more often than Cocaine Anonymous.
NOT_CONCEPTS = frozenset({("ca",), ("co",), ("op",), ("pa",), ("ma",), ("in",), ("oh",), ("me",), ("or",)})
MAX_WORDS = 12  # longer text is cut: nobody types more while a caller waits


def keyword_token(facet: str, term_id: str) -> str:
    """The token a record's need or language gets in the index's `keywords` column."""
    prefix = "lg" if facet == "language" else "kw"
    return prefix + term_id.replace("-", "")


@dataclass
class WordGroup:
    """One query word (or phrase) and every index word that satisfies it, with its typo cost."""

    text: str  # as typed, folded
    exact: dict[str, int] = field(default_factory=dict)  # index word -> typos
    prefixes: dict[str, int] = field(default_factory=dict)  # index word beginning -> typos
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # multi-word alternatives
    variants: frozenset[str] = frozenset()  # spelling equivalents (ctr for center): matches, but not exact
    concept: tuple[str, str] | None = None  # (facet, id) of a need or language phrase
    optional: bool = False
    is_number: bool = False

    def fts(self) -> str:
        alts = [_quote(w) for w in self.exact]
        alts += [_quote(p) + "*" for p in self.prefixes]
        alts += ['"' + " ".join(p).replace('"', '""') + '"' for p in self.phrases]
        if self.concept:
            alts.append("keywords:" + _quote(keyword_token(*self.concept)))
        return "(" + " OR ".join(alts) + ")"


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
        req = [g for g in self.groups if not g.optional]
        return req or self.groups

    def match_all(self) -> str:
        return " AND ".join(g.fts() for g in self.required())

    def match_any(self) -> str:
        return " OR ".join(g.fts() for g in self.groups)


_PHONE_CHARS = re.compile(r"^[\d\s().+\-/]+$")


# Stages of widening, tried in order while a query finds fewer than a screenful:
EXACT_FIRST, TYPOS_EVERYWHERE, RELAXED = 0, 1, 2


def parse(text: str, lexicon: Lexicon | None, stage: int = EXACT_FIRST) -> ParsedQuery:
    """Stage EXACT_FIRST takes typo variants only for words the directory does not know;
    TYPOS_EVERYWHERE for every word; RELAXED with the larger relaxed typo budgets."""
    text = text if isinstance(text, str) else ""
    parsed = ParsedQuery(text=text)
    digits = re.sub(r"\D", "", text)
    if _PHONE_CHARS.match(text) and len(digits) >= 7 and len(digits.replace(" ", "")) <= 11:
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) in (7, 10):
            parsed.phone = digits
            return parsed
    words = fold(text).split()[:MAX_WORDS]
    if not words:
        return parsed
    typing_last = not text[-1:].isspace()  # the last word is still being typed
    if len(words) == 1 and len(words[0]) <= 2 and typing_last:
        parsed.short_prefix = words[0]
        return parsed
    phrase_index = vocabulary.phrase_index()
    i = 0
    while i < len(words):
        # Longest need/language phrase starting here ("en espanol", "dual diagnosis", "metadona").
        for size in range(min(4, len(words) - i), 0, -1):
            key = tuple(words[i:i + size])
            hit = phrase_index.get(key)
            if hit and key not in NOT_CONCEPTS and not (size == 1 and len(key[0]) <= 1):
                last = i + size == len(words)
                parsed.groups.append(_concept_group(key, hit, lexicon, last and typing_last))
                i += size
                break
        else:
            last = i == len(words) - 1
            parsed.groups.append(_word_group(words[i], lexicon, prefix=last and typing_last, stage=stage))
            i += 1
    return parsed


def _concept_group(words: tuple[str, ...], concept: tuple[str, str], lexicon: Lexicon | None, prefix: bool) -> WordGroup:
    group = WordGroup(text=" ".join(words), concept=concept)
    if len(words) == 1:
        group.exact = {w: 0 for w in equivalents(words[0])}
        group.variants = frozenset(group.exact) - {words[0]}
        if prefix and len(words[0]) >= 3:
            group.prefixes[words[0]] = 0
    else:
        group.phrases.append(words)
    return group


def _word_group(word: str, lexicon: Lexicon | None, prefix: bool, stage: int) -> WordGroup:
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
        if prefix:
            for stem, cost in lexicon.prefix_variants(word, budget).items():
                group.prefixes.setdefault(stem, cost)
        if not known:
            for variant in lexicon.sound_alikes(word):
                group.exact.setdefault(variant, 1)
    return group
