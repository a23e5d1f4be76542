"""Why a search found nothing: the same search without each filter, and with a wider radius.
Runs in the search worker's thread; gives up as soon as a newer search is asked for."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from helpline_tui.core.live_directory import LiveDirectory
from helpline_tui.core.search import FilterError, search
from helpline_tui.ui.state import RADIUS_CHOICES, FilterState
from helpline_tui.ui.widgets.empty_state import Alternative, Explanation


def explain(directory: LiveDirectory, query: str, filters: FilterState,
            still_current: Callable[[], bool], now: dt.datetime | None = None) -> Explanation | None:
    """`now`: the moment the search was made at ("tonight" is the same evening in each count)."""
    alternatives: list[Alternative] = []

    def total(state: FilterState) -> int | None:
        if not still_current():
            return None
        with directory.lock:
            try:
                return search(directory.conn, query, state.to_core(), limit=0, now=now).total
            except FilterError:
                return 0

    if filters.place:
        # The radius grows (as little as finds something, up to the widest choice) before the place
        # itself may go: even 250 miles away is nearer the caller than a nationwide list.
        for radius in (r for r in RADIUS_CHOICES if r > filters.effective_radius):
            n = total(filters.with_value("radius", radius))
            if n is None:
                return None
            if n > 0:
                alternatives.append(Alternative("radius", n, radius))
                break
    for facet in filters.active():
        n = total(filters.without(facet))
        if n is None:
            return None
        alternatives.append(Alternative(facet, n))
    wider_radius = next((a for a in alternatives if a.facet == "radius"), None)
    drops = sorted((a for a in alternatives if a.facet != "radius" and a.total > 0), key=lambda a: -a.total)
    return Explanation(tuple(alternatives), wider_radius or (drops[0] if drops else None))
