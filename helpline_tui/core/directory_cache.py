"""One cache per directory for what searching works out from it and asks again keystroke after
keystroke: its lexicon, the services near a place, the services in a city, an area's services.

Kept per index build: every import gives the directory a new `index_id` in its meta table, so a
re-imported directory gets a new, empty cache and nothing stale is ever read.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from helpline_tui.core.lexicon import Lexicon
    from helpline_tui.core.place_area import AreaServices

MAX_DIRECTORIES = 8  # directories kept (a re-import is a new one); past that, all are dropped
# Entries kept per table and directory; past that the table is emptied and fills again.
MOST_NEAR_SETS = 32
MOST_NEAR_ASKED = 1024
MOST_CITIES = 4096
MOST_AREAS = 32


class DirectoryCache:
    """What is kept for one index build of a directory."""

    def __init__(self) -> None:
        self.lexicon: Lexicon | None = None  # loaded on first use
        self.near: dict[tuple, tuple[dict[int, float], str]] = {}  # (place, radius) -> the near set
        # (place, radius) whose matches alone were measured once: asked again, the whole set is kept.
        self.near_asked: dict[tuple, bool] = {}
        self.services_in_city: dict[tuple[str, str], int] = {}  # (city, state) -> services
        self.area_services: dict[frozenset[str], AreaServices] = {}  # an area's ZIP codes -> its services

    @staticmethod
    def keep(table: dict, key: Any, value: Any, most: int) -> None:
        if len(table) > most:
            table.clear()
        table[key] = value


_BY_INDEX: dict[str, DirectoryCache] = {}
_LOCK = threading.Lock()


def of(conn: sqlite3.Connection) -> DirectoryCache:
    """The cache of the directory `conn` reads, as it is now."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
    index_id = row[0] if row else ""
    with _LOCK:
        cache = _BY_INDEX.get(index_id)
        if cache is None:
            if len(_BY_INDEX) > MAX_DIRECTORIES:
                _BY_INDEX.clear()
            cache = _BY_INDEX[index_id] = DirectoryCache()
        return cache
