"""What a search asked for that a service has: the needs, populations, payment and language the
query named ("metadona medicaid spanish") or the filters set. A result row shows these first and
the slip says them, so the handler and the caller see why a service was chosen. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from helpline_tui.core import vocabulary

Concept = tuple[str, str]  # (facet, id): ("need", "methadone"), ("language", "es")

MEETING_TYPE = "meeting-type"  # core/meeting_words.py: a Meeting Guide type code ("C"), said by its name
FELLOWSHIP = "fellowship"  # core/meeting_words.py: "aa", said as "AA"
_FIELD = {"need": "needs", "population": "populations", "payment": "payment", "language": "languages",
          MEETING_TYPE: "source_codes"}


def asked(groups: Iterable[Any], filter_needs: Iterable[str] = (), filter_lang: str | None = None) -> tuple[Concept, ...]:
    """The concepts asked for, in the order asked: the query's need and language words (`groups`,
    query.WordGroup), then the filters'. Days are not concepts a record holds."""
    vocab = vocabulary.load()
    out: list[Concept] = [g.concept for g in groups if g.concept and (g.concept[0] in _FIELD or g.concept[0] == FELLOWSHIP)]
    out += [(vocab.facet_of(n) or "need", n) for n in filter_needs]
    if filter_lang:
        out.append(("language", filter_lang))
    return tuple(dict.fromkeys(out))


def held(rec: dict[str, Any], concepts: Iterable[Concept], meeting: bool | None = None,
         tags: Iterable[str] = ()) -> tuple[Concept, ...]:
    """The concepts the record holds (a service that matched on other words holds none). A
    meeting's type ("Closed") only of a meeting (`meeting`; None: read from the record's sources),
    since other sources' codes mean other things (SAMHSA's SP is Spanish, Meeting Guide's Speaker);
    a fellowship ("AA") when the record's index `tags` (core/meetings.py) have it."""
    concepts = tuple(concepts)
    if any(c[0] == MEETING_TYPE for c in concepts) and meeting is None:
        from helpline_tui.core import meetings

        meeting = meetings.facts(rec) is not None
    tags = frozenset(tags)

    def has(c: Concept) -> bool:
        if c[0] == FELLOWSHIP:
            from helpline_tui.core import meetings

            return meetings.fellowship_token(c[1]) in tags
        return c[1] in (rec.get(_FIELD[c[0]]) or ()) and (c[0] != MEETING_TYPE or bool(meeting))

    return tuple(c for c in concepts if has(c))


def label(concept: Concept, lang: str) -> str:
    vocab = vocabulary.load()
    facet, term_id = concept
    if facet == "language":
        return vocab.language_label(term_id, lang)
    if facet == FELLOWSHIP:
        from helpline_tui.core import meetings

        return meetings.fellowships()[term_id]["label"]
    if facet == MEETING_TYPE:
        from helpline_tui.core import meetings

        return meetings.type_name(term_id, lang) or term_id
    term = vocab.term(term_id)
    return term.label(lang) if term else term_id


def labels(concepts: Iterable[Concept], lang: str) -> list[str]:
    return [label(c, lang) for c in concepts]
