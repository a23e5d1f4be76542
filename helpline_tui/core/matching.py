"""Query understanding and ranking: user text -> a safe candidate query -> ranked hits.

Raw text never reaches FTS5 MATCH: every token is folded and quoted (search-notes §3.2), so
punctuation, quotes and words like NOT or AND are plain words.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz

from helpline_tui.core.textnorm import fold

if TYPE_CHECKING:
    from helpline_tui.core.search import Hit


@dataclass
class QueryPlan:
    text: str
    tokens: list[str] = field(default_factory=list)
    phone: str | None = None  # digits, when the query is a phone number

    def candidate_sql(self, cols: str, where: list[str]) -> tuple[str, list[Any]]:
        where = list(where)
        if self.phone:
            sql = f"SELECT {cols} FROM services s WHERE s.rid IN (SELECT rid FROM service_phones WHERE digits = ?)"
            return sql + "".join(f" AND {w}" for w in where), [self.phone]
        if not self.tokens:
            sql = f"SELECT {cols} FROM services s"
            return sql + (" WHERE " + " AND ".join(where) if where else ""), []
        sql = (f"SELECT {cols} FROM services_fts JOIN services s ON s.rid = services_fts.rowid "
               f"WHERE services_fts MATCH ?")
        return sql + "".join(f" AND {w}" for w in where), [match_string(self.tokens)]


def match_string(tokens: list[str]) -> str:
    parts = ['"' + t.replace('"', '""') + '"' for t in tokens]
    parts[-1] += "*"  # the last word is still being typed
    return " AND ".join(parts)


_PHONE = re.compile(r"^[\d\s().+\-]+$")


def plan_query(conn: sqlite3.Connection, text: str) -> QueryPlan:
    plan = QueryPlan(text=text, tokens=fold(text).split())
    digits = re.sub(r"\D", "", text)
    if _PHONE.match(text or "") and len(digits) >= 7:
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        plan.phone = digits if len(digits) == 10 else digits[-7:]
    return plan


def rank_candidates(plan: QueryPlan, hits: list[Hit], by_distance: bool) -> None:
    """Strong name matches first, then distance; ties broken by name then id (deterministic)."""
    query = " ".join(plan.tokens)
    for hit in hits:
        if query and not plan.phone:
            hit.score = fuzz.WRatio(query, hit.record["name_fold"]) / 100.0
        else:
            hit.score = 1.0 if plan.phone else 0.0
    far = float("inf")
    hits.sort(key=lambda h: (
        -round(h.score, 2),
        (h.distance_miles if h.distance_miles is not None else far) if by_distance else 0,
        h.record["name_fold"], h.record["id"],
    ))
