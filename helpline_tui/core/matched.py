"""What a search asked for that a service has: the needs, populations, payment and language the
query named ("metadona medicaid spanish") or the filters set. A result row shows these first and
the slip says them, so the handler and the caller see why a service was chosen. Pure Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from helpline_tui.core import vocabulary

Concept = tuple[str, str]  # (facet, id): ("need", "methadone"), ("language", "es")

_FIELD = {"need": "needs", "population": "populations", "payment": "payment", "language": "languages"}


def asked(groups: Iterable[Any], filter_needs: Iterable[str] = (), filter_lang: str | None = None) -> tuple[Concept, ...]:
    """The concepts asked for, in the order asked: the query's need and language words (`groups`,
    query.WordGroup), then the filters'. Days are not concepts a record holds."""
    vocab = vocabulary.load()
    out: list[Concept] = [g.concept for g in groups if g.concept and g.concept[0] in _FIELD]
    out += [(vocab.facet_of(n) or "need", n) for n in filter_needs]
    if filter_lang:
        out.append(("language", filter_lang))
    return tuple(dict.fromkeys(out))


def held(rec: dict[str, Any], concepts: Iterable[Concept]) -> tuple[Concept, ...]:
    """The concepts the record holds (a service that matched on other words holds none)."""
    return tuple(c for c in concepts if c[1] in (rec.get(_FIELD[c[0]]) or ()))


def label(concept: Concept, lang: str) -> str:
    vocab = vocabulary.load()
    facet, term_id = concept
    if facet == "language":
        return vocab.language_label(term_id, lang)
    term = vocab.term(term_id)
    return term.label(lang) if term else term_id


def labels(concepts: Iterable[Concept], lang: str) -> list[str]:
    return [label(c, lang) for c in concepts]
