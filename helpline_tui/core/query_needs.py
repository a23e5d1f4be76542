"""Need words read from what a handler types half or misspelt: a need word still being typed
('suboxon'), misspelt ('methdone') or a need phrase with one word misspelt ("mental helth").
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from helpline_tui.core import concepts, vocabulary
from helpline_tui.core.lexicon import Lexicon, typo_budget

if TYPE_CHECKING:
    from helpline_tui.core.query import WordGroup


# Ambiguous as concepts: 'ca' is California far more often than Cocaine Anonymous.
# Spanish 'en', 'el', 'la' ("metadona en yonkers") are small words, not English, Greek or Lao.
NOT_CONCEPTS = frozenset({("ca",), ("co",), ("op",), ("pa",), ("ma",), ("in",), ("oh",), ("me",), ("or",),
                          ("en",), ("el",), ("la",)})


def misspelt_phrase_at(words: tuple[str, ...], lexicon: Lexicon) -> tuple[tuple[str, ...], tuple[str, str], int] | None:
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


CONCEPT_PREFIX_MIN = 4  # letters of a need word being typed before it stands for the need


@lru_cache(maxsize=4096)
def need_word_begun_or_misspelt(word: str, typing: bool, explained: bool) -> tuple[str, str] | None:
    """The need or language a word stands for when it is one being typed ('suboxon', 'vivien')
    or misspelt within the typo budget ('methdone'; only when the directory's own words do not
    explain the word). Only when exactly one need fits: 'metha' could be methadone or meth."""
    if len(word) < CONCEPT_PREFIX_MIN or not word.isalpha():
        return None
    words = single_word_concepts()
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


def need_word_corrected(group: WordGroup) -> tuple[str, str] | None:
    """The need the directory's word a typo or sound-alike was taken for is ('sikiatric' ->
    psychiatric, 'detoks' -> detox), when only one need fits."""
    needs = single_word_concepts()
    found = {needs[w] for w, typos in group.exact.items() if typos and w in needs}
    return found.pop() if len(found) == 1 else None


def need_word_typos(group: WordGroup) -> int:
    """0 for a need word being typed ('suboxon'), else the typos to the nearest of its words
    (as the lexicon counted them for the words it offered, sound-alikes included)."""
    words = [w for w, c in single_word_concepts().items() if c == group.concept]
    if any(w.startswith(group.text) for w in words):
        return 0
    offered = [typos for w, typos in group.exact.items() if w in words]
    return min(offered or [OSA.distance(group.text, w) for w in words] or [1])


@lru_cache(maxsize=1)
def single_word_concepts() -> dict[str, tuple[str, str]]:
    return {key[0]: concept for key, concept in vocabulary.phrase_index().items()
            if len(key) == 1 and len(key[0]) >= CONCEPT_PREFIX_MIN and key not in NOT_CONCEPTS}
