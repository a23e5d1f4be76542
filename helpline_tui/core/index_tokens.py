"""The tokens the full-text index holds besides words, and the FTS5 expressions over them: needs,
languages, concepts and days in the `keywords` column, state, kind and status tags, grid cells and
service areas for place filters. The index builder writes them and the search asks for them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import overload


from helpline_tui.core import days, meeting_words
from helpline_tui.core.records import STATUSES


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


def quote(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


_ACTIVE = tag_token("status", "active")


_NOT_ACTIVE = tuple(tag_token("status", s) for s in STATUSES if s != "active")


@overload
def with_tags(expr: str, tags: Sequence[str]) -> str: ...
@overload
def with_tags(expr: str | None, tags: Sequence[str]) -> str | None: ...
def with_tags(expr: str | None, tags: Sequence[str]) -> str | None:
    """Filters as index tags, intersected by FTS5 itself. No text: the tags alone (or None).
    Nearly every record is active: when something else selects rows, taking away the few
    others (NOT) is several times cheaper than intersecting with nearly the whole index."""
    if not tags:
        return expr
    subtract = _ACTIVE in tags and (expr or len(tags) > 1)
    if subtract:
        tags = [t for t in tags if t != _ACTIVE]
    tag_expr = "keywords: (" + " AND ".join(quote(t) for t in tags) + ")" if tags else ""
    out = f"({expr}) AND {tag_expr}" if expr and tag_expr else (expr or tag_expr)
    if subtract:
        out = f"({out}) NOT keywords: (" + " OR ".join(quote(t) for t in _NOT_ACTIVE) + ")"
    return out
