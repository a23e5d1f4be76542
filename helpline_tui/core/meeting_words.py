"""Meeting words in a query: the fellowship asked ('aa', 'a.a.', 'narcotics anonymous', 'al-anon'),
a meeting's types ('closed', 'big book', 'oradores', 'stag') and how it meets ('online', 'zoom',
'en línea', 'en persona'), read as concepts whose index tags meetings carry (core/meetings.py).

The words are data (core/data/meeting_types.json). Words that say other things outside a meeting
('open', 'online', 'beginners', 'ladies') are meeting words only in a query that asks for a meeting
(a fellowship, 'meeting', 'junta', a type no other service has): 'open now' and 'online classes'
stay words. Pure Python, no Textual.
"""

from __future__ import annotations

import json
from functools import lru_cache

from rapidfuzz.distance import OSA

from helpline_tui.core import meetings
from helpline_tui.core.lexicon import typo_budget
from helpline_tui.core.textnorm import fold

FELLOWSHIP, TYPE, ATTEND = "fellowship", "meeting-type", "attend"
MEETING_FACETS = (FELLOWSHIP, TYPE, ATTEND)
MEETING_NEED = ("need", "support-group")  # what every fellowship is a kind of
MAX_PHRASE = 6


def token(facet: str, term_id: str) -> str:
    """The index tag of a meeting concept: 'fwaa', 'mtc', 'atonline'."""
    if facet == FELLOWSHIP:
        return meetings.fellowship_token(term_id)
    if facet == TYPE:
        return meetings.type_token(term_id)
    return meetings.attend_token(term_id)


@lru_cache(maxsize=1)
def phrase_index() -> dict[tuple[str, ...], tuple[tuple[str, str], bool]]:
    """folded words -> (concept, whether the words mean it only in a query asking for a meeting)."""
    data = json.loads(meetings._DATA.read_text(encoding="utf-8"))
    out: dict[tuple[str, ...], tuple[tuple[str, str], bool]] = {}
    for fid, entry in data["fellowships"].items():
        for word in entry["words"]:
            out.setdefault(tuple(fold(word).split()), ((FELLOWSHIP, fid), False))
    for code, entry in data["type_words"].items():
        concept = ("population", entry["population"]) if entry.get("population") else (TYPE, code)
        for word in entry.get("en", []) + entry.get("es", []):
            out.setdefault(tuple(fold(word).split()), (concept, bool(entry.get("context"))))
    for how, entry in data["attend_words"].items():
        for word in entry.get("en", []) + entry.get("es", []):
            out.setdefault(tuple(fold(word).split()), ((ATTEND, how), True))
    return out


def phrase_at(words: list[str], i: int, meeting_asked: bool, known=lambda word: False
              ) -> tuple[int, tuple[str, str]] | None:
    """(words taken, concept) of the longest meeting phrase at words[i], or one with a word
    misspelt within the typo budget ('cloesd', 'big bok', 'oradres') that the directory does not
    know (`known`); one that needs a meeting asked for only when `meeting_asked`."""
    index = phrase_index()
    longest = min(MAX_PHRASE, len(words) - i)
    for size in range(longest, 0, -1):
        hit = index.get(tuple(words[i:i + size]))
        if hit is not None and (meeting_asked or not hit[1]):
            return size, hit[0]
    gaps = _phrases_with_a_gap()
    for size in range(longest, 0, -1):
        window = words[i:i + size]
        for j, typed in enumerate(window):
            if len(typed) < TYPO_MIN_LETTERS or not typed.isalpha() or known(typed):
                continue
            for right, hit in gaps.get((*window[:j], None, *window[j + 1:]), ()):
                if (meeting_asked or not hit[1]) and OSA.distance(typed, right) <= typo_budget(len(right)):
                    return size, hit[0]
    return None


TYPO_MIN_LETTERS = 5  # shorter meeting words ('open', 'men', 'zoom') are taken only as spelt


@lru_cache(maxsize=1)
def _phrases_with_a_gap() -> dict[tuple[str | None, ...], list[tuple[str, tuple[tuple[str, str], bool]]]]:
    """Meeting phrases, each with one word left out (None): what the word was, and the phrase's concept."""
    out: dict[tuple[str | None, ...], list] = {}
    for key, hit in phrase_index().items():
        for j, word in enumerate(key):
            if len(word) >= TYPO_MIN_LETTERS:
                out.setdefault((*key[:j], None, *key[j + 1:]), []).append((word, hit))
    return out


def asks_for_a_meeting(words: list[str], need_phrases: dict[tuple[str, ...], tuple[str, str]],
                       known=lambda word: False) -> bool:
    """Whether a query asks for a meeting: a fellowship or a type that only meetings have (perhaps
    misspelt: 'alcoholics anonimous'), or a mutual-help word of the vocabulary ('meeting', 'junta',
    'grupo de apoyo')."""
    for i in range(len(words)):
        if phrase_at(words, i, False, known) is not None:
            return True
        if any(need_phrases.get(tuple(words[i:i + size])) == MEETING_NEED
               for size in range(1, min(MAX_PHRASE, len(words) - i) + 1)):
            return True
    return False


def label(fellowship: str) -> str:
    """'NA', 'Al-Anon'."""
    return meetings.fellowships()[fellowship]["label"]
