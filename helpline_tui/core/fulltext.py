"""The full-text index (`services_fts`): its rows from the services table, and its build, here or
in another process.

A large directory's index is built by a spawned process in a scratch file while the importing
process builds the filter tables, then copied in: FTS5 keeps an index in ordinary "shadow"
tables, so copying those rows whole gives the index a build here would have given, row for row
(tests/test_fulltext_build.py checks it). If that process fails for any reason, the index is
built here instead.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from helpline_tui.core import days, files, meetings, workers
from helpline_tui.core.query import CELL_DEGREES, area_token, cell_token, keyword_token, tag_token
from helpline_tui.core.schema import FTS_SHADOW_TABLES, FTS_TABLE
from helpline_tui.core.textnorm import fold

# What an index row is made from: the services columns read once per record.
_SOURCE_VALUES = ("rid", "match_fold", "place_fold", "needs", "populations", "payment", "languages",
                  "service_area_list", "state", "kind", "status", "latitude", "longitude", "hours",
                  meetings.MEETING_SQL,  # a meeting's types, attendance and fellowship (NULL for others)
                  "concepts", "concepts_inferred", "category_names")
SOURCE_ROWS = f"SELECT {', '.join(_SOURCE_VALUES)} FROM services"
SOURCE_COLUMNS = len(_SOURCE_VALUES)

# Called for every need, language and tag of every record (millions of calls in a national
# import) with a few hundred distinct arguments.
_keyword_token = lru_cache(maxsize=4096)(keyword_token)
_tag_token = lru_cache(maxsize=4096)(tag_token)

# Below this many records the index takes well under a second to build here: not worth a process.
ELSEWHERE_MIN_RECORDS = 20_000


def _tags(facet: str, token: Callable[[str, str], str]) -> Callable[[str], list[str]]:
    """JSON list of ids -> their index tokens; records share lists, so each distinct one is done once."""

    @lru_cache(maxsize=1 << 14)
    def tags(json_list: str) -> list[str]:
        return [token(facet, v) for v in json.loads(json_list or "[]")]

    return tags


def index_rows(source_rows: Iterable[tuple]) -> Iterator[tuple[int, str, str, str]]:
    """(rowid, name, place, keywords) for each SOURCE_ROWS row."""
    need_tags, language_tags = _tags("need", _keyword_token), _tags("language", _keyword_token)
    area_tags = _tags("area", lambda _facet, token: area_token(token))
    concept_tags = _tags("concept", _keyword_token)
    levels = range(len(CELL_DEGREES))
    for (rid, match_fold, place_fold, needs_j, pops_j, pay_j, langs_j, area_j, state, kind, status,
         lat, lon, hours, meeting, concepts_j, inferred_j, categories_j) in source_rows:
        # Needs, languages, state, kind and status as one token each: a query word like
        # "metadona" is expanded to `keywords:"kwmethadone"` (synonyms cost nothing in index
        # size), and filters become index lookups FTS5 intersects itself (no join to count).
        tags = [*need_tags(needs_j), *need_tags(pops_j), *need_tags(pay_j), *language_tags(langs_j),
                _tag_token("state", state), _tag_token("kind", kind), _tag_token("status", status),
                *area_tags(area_j), *map(days.token, days.day_keys(hours)),
                *meetings.meeting_tags(meeting, match_fold, needs_j)]
        if lat is not None and lon is not None:
            tags += [cell_token(level, lat, lon) for level in levels]
        # Service concepts as tags, and the source's own category names as words ("Food Pantries").
        tags += [*concept_tags(concepts_j), *concept_tags(inferred_j), *_category_words(categories_j)]
        yield rid, match_fold, place_fold, " ".join(tags)


@lru_cache(maxsize=1 << 14)
def _category_words(json_list: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(fold(" ".join(json.loads(json_list or "[]"))).split()))


def fill(conn: sqlite3.Connection, source_rows: Iterable[tuple]) -> None:
    """Replace the index of `conn` with one of `source_rows`, streamed (at a million records a
    list of them all was most of a 3.6 GB peak)."""
    conn.execute("INSERT INTO services_fts (services_fts) VALUES ('delete-all')")
    # No merging of index segments while every row is inserted: one 'optimize' below merges them
    # all once (0.93 -> 0.73 s of inserts at 74k records). Restored after, so the file's settings
    # stay FTS5's defaults.
    conn.execute("INSERT INTO services_fts (services_fts, rank) VALUES ('automerge', 0)")
    conn.executemany("INSERT INTO services_fts (rowid, name, place, keywords) VALUES (?,?,?,?)",
                     index_rows(source_rows))
    conn.execute("INSERT INTO services_fts (services_fts) VALUES ('optimize')")
    conn.execute("INSERT INTO services_fts (services_fts, rank) VALUES ('automerge', 4)")


class BuildElsewhere:
    """The index built by a spawned process in `scratch`, then copied in. The rows go to it
    through a table in the scratch file (written by a second connection, so the directory
    copy's transaction is not involved): this process goes on at once, where a pipe made it
    wait for the builder."""

    def __init__(self, scratch: Path):
        self.scratch = scratch
        context = multiprocessing.get_context("spawn")
        self.pipe, child_end = context.Pipe()
        self.process = context.Process(target=_build_in_worker, args=(child_end, str(scratch)), daemon=True)
        self.process.start()
        child_end.close()

    def send(self, source_rows: Iterable[tuple]) -> bool:
        """False if the builder is gone (the caller builds the index itself)."""
        self.scratch.unlink(missing_ok=True)
        os.close(files.create_private(self.scratch))  # the directory's words, as private as its copy
        out = sqlite3.connect(self.scratch, isolation_level=None)
        try:
            out.execute("PRAGMA journal_mode = OFF")  # a scratch file, thrown away on any failure
            out.execute("PRAGMA synchronous = OFF")
            out.execute("BEGIN")
            out.execute("CREATE TABLE source_rows (" + ", ".join(f"c{i}" for i in range(SOURCE_COLUMNS)) + ")")
            out.executemany(f"INSERT INTO source_rows VALUES ({', '.join('?' * SOURCE_COLUMNS)})", source_rows)
            out.execute("COMMIT")
        finally:
            out.close()
        try:
            self.pipe.send("build")
            return True
        except OSError:
            return False

    def copy_into(self, conn: sqlite3.Connection) -> bool:
        """Wait for the builder and copy its index over the index of `conn` (which this process
        must not have read or written through FTS5 in this transaction: FTS5's cache would not
        see the copy). False if the builder failed."""
        try:
            ok = self.pipe.recv() == "built"
        except (EOFError, OSError):
            ok = False
        finally:
            self.pipe.close()
            self.process.join()
        if ok:
            built = sqlite3.connect(f"{self.scratch.as_uri()}?mode=ro", uri=True)
            try:
                for table in FTS_SHADOW_TABLES:
                    conn.execute(f"DELETE FROM {table}")
                    cursor = built.execute(f"SELECT * FROM {table}")
                    marks = ", ".join("?" * len(cursor.description))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", cursor)
            finally:
                built.close()
        self.discard()
        return ok

    def discard(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.scratch.unlink(missing_ok=True)


def _build_in_worker(pipe, scratch: str) -> None:
    workers.start_worker()
    try:
        if pipe.recv() != "build":
            return
        conn = sqlite3.connect(scratch, isolation_level=None)
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute(FTS_TABLE)
        conn.execute("BEGIN")
        fill(conn, conn.execute("SELECT * FROM source_rows ORDER BY rowid"))
        conn.execute("DROP TABLE source_rows")
        conn.execute("COMMIT")
        conn.close()
        pipe.send("built")
    except BaseException:
        with contextlib.suppress(OSError):
            pipe.send("failed")
        raise
