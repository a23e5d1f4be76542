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

from helpline_tui.core import meetings
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


def phrase_at(words: list[str], i: int, meeting_asked: bool) -> tuple[int, tuple[str, str]] | None:
    """(words taken, concept) of the longest meeting phrase at words[i]; one that needs a meeting
    asked for only when `meeting_asked`."""
    index = phrase_index()
    for size in range(min(MAX_PHRASE, len(words) - i), 0, -1):
        hit = index.get(tuple(words[i:i + size]))
        if hit is not None and (meeting_asked or not hit[1]):
            return size, hit[0]
    return None


def asks_for_a_meeting(words: list[str], need_phrases: dict[tuple[str, ...], tuple[str, str]]) -> bool:
    """Whether a query asks for a meeting: a fellowship or a type that only meetings have, or a
    mutual-help word of the vocabulary ('meeting', 'junta', 'grupo de apoyo')."""
    index = phrase_index()
    for i in range(len(words)):
        for size in range(1, min(MAX_PHRASE, len(words) - i) + 1):
            key = tuple(words[i:i + size])
            hit = index.get(key)
            if (hit is not None and not hit[1]) or need_phrases.get(key) == MEETING_NEED:
                return True
    return False


def label(fellowship: str) -> str:
    """'NA', 'Al-Anon'."""
    return meetings.fellowships()[fellowship]["label"]
