"""How many services each filter value would leave, for the filter pickers ("Methadone  181").

Counts are exact SQL over `services`, `service_facets` and `service_languages` with the current
filters applied through the same definition `search()` uses (`search.filter_subquery`). The search words are not counted: a picker
shows what a filter narrows the directory to, and it stays fast (a few ms at 20k records).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from helpline_tui.core import geo, vocabulary
from helpline_tui.core.search import Filters, FilterError, filter_subquery

FACETS = ("language", "need", "kind", "population", "payment")  # in the order the interface shows them


def counts(conn: sqlite3.Connection, filters: Filters, facet: str) -> dict[str, int]:
    """value -> number of services matching `filters` plus that value. For a single-choice facet
    (language, kind) pass filters without that facet's own value. Raises geo.PlaceError for a place
    that cannot be resolved."""
    if facet not in FACETS:
        raise ValueError(f"unknown facet {facet!r}")
    subquery, params = _subquery(conn, filters)
    if facet == "language":
        sql = f"SELECT lang, count(*) FROM service_languages WHERE rid IN ({subquery}) GROUP BY lang"
    elif facet == "kind":
        sql = f"SELECT kind, count(*) FROM services WHERE rid IN ({subquery}) GROUP BY kind"
    else:
        # One pass over the (value, rid) index; the facet of each value comes from the vocabulary.
        sql = f"SELECT value, count(*) FROM service_facets WHERE rid IN ({subquery}) GROUP BY value"
        vocab = vocabulary.load()
        return {value: n for value, n in conn.execute(sql, params) if vocab.facet_of(value) == facet}
    return {value: n for value, n in conn.execute(sql, params)}


def total(conn: sqlite3.Connection, filters: Filters) -> int:
    subquery, params = _subquery(conn, filters)
    return conn.execute(f"SELECT count(*) FROM ({subquery})", params).fetchone()[0]


def _subquery(conn: sqlite3.Connection, filters: Filters) -> tuple[str, list[Any]]:
    """The filters exactly as search() applies them; a place that cannot be found is a PlaceError."""
    try:
        return filter_subquery(conn, filters)
    except FilterError as exc:
        raise geo.PlaceError(str(exc)) from None
