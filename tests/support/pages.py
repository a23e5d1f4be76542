"""What tests read off a search page."""

from __future__ import annotations

from helpline_tui.core.search import SearchPage


def names(page: SearchPage) -> list[str]:
    """The names of the services a page lists, in its order."""
    return [h.record["name"] for h in page.hits]
