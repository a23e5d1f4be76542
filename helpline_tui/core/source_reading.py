"""Reading a source into cleaned, encoded rows for staging: in this process in batches, or, for a
source given in parts (`SourceParts`), by a pool of worker processes, each reading and cleaning
one part while this process stages the rows of the previous one. Either way the rows, and so the
directory, are the same as from reading the source in one pass.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import multiprocessing
import sqlite3
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from typing import Any, cast

from helpline_tui.core import files
from helpline_tui.core.record_cleaning import CleaningStats, RowProblem, clean_record, list_first, merge_rows
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceParts
from helpline_tui.core.row_encoding import encode_row
from helpline_tui.core.safe_write import file_of
from helpline_tui.core.workers import start_worker

Items = Iterable[ServiceRecord | SkippedRow]  # what an importer's read() yields

BATCH_ITEMS = 1000  # records cleaned between two writes to staging, read in this process
PARTS_IN_FLIGHT = 3  # one more than the workers, so none waits for the next part; more only holds memory


@dataclass
class CleanedPart:
    """Records read and cleaned: staging rows (in staging column order, each id once: the part's
    own repeated sites merged) and what the summary needs to know about them."""

    rows: list[tuple]
    read: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_ROWS_LISTED
    skipped_count: int = 0
    stats: CleaningStats = field(default_factory=CleaningStats)
    duplicates: int = 0
    facts: Any = None  # what a SourceParts part's reader returned


def import_workers() -> int:
    """Processes reading and cleaning a source given in parts. Two on two cores: the main process
    only stages their rows meanwhile."""
    from helpline_tui.core import settings

    return settings.IMPORT_WORKERS.read()


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off while importing. An import makes millions of small objects
    (rows, lists, strings), none of them in reference cycles, and every collector pass walks all
    that are alive again: it cost a third to half of a large import's time. Reference counting
    still frees everything as usual; the collector is back on when the import ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def clean_part(items: Items, conn: sqlite3.Connection, source: str, started_at: str,
               columns: list[str]) -> CleanedPart:
    """Records cleaned into staging rows; `conn` gives ZIP centroids for records without a position."""
    stats = CleaningStats()
    skipped: list[dict[str, Any]] = []
    rows: dict[str, dict[str, Any]] = {}
    read = duplicates = skipped_count = 0
    for item in items:
        read += 1
        if isinstance(item, SkippedRow):
            skipped_count += 1
            list_first(skipped, [{"row": item.row, "field": item.field, "reason": item.reason}])
            continue
        item.source = source  # records are filed under the import's source name, whatever the importer set
        try:
            row = clean_record(item, conn, stats)
        except RowProblem as problem:
            skipped_count += 1
            list_first(skipped, [{"row": item.row, "field": problem.field, "reason": problem.reason}])
            continue
        row["imported_at"] = started_at
        rid = row["id"]
        if rid in rows:  # SAMHSA lists a site once per survey, SU then MH, usually one after the other
            duplicates += 1
            rows[rid] = merge_rows(rows[rid], row)
        else:
            rows[rid] = row
    encoded = list(map(itemgetter(*columns), map(encode_row, rows.values())))
    return CleanedPart(encoded, read, skipped, skipped_count, stats, duplicates)


class _Returning:
    """An iterator that keeps what the generator it wraps returned."""

    def __init__(self, iterator: Iterator[Any]):
        self.iterator = iterator
        self.value: Any = None

    def __iter__(self) -> Iterator[Any]:
        # A part's records come from a generator (SourceParts), whose return value is kept.
        self.value = yield from cast(Generator[Any, None, Any], self.iterator)


def cleaned(items: Items | SourceParts, conn: sqlite3.Connection, source: str, started_at: str,
            columns: list[str], pool: ProcessPoolExecutor | None) -> Iterator[CleanedPart]:
    """The source's records cleaned, part after part (a batch, or a part of SourceParts), in order.
    Raises PartsMisaligned when a part's cut fell inside a record (the caller reads it whole)."""
    if not isinstance(items, SourceParts):
        yield from _cleaned_batches(items, conn, source, started_at, columns)
        return
    if pool is not None:
        yield from _cleaned_in_workers(items, pool, file_of(conn), source, started_at, columns)
        return
    for index, part in enumerate(items.parts):
        reading = _Returning(part())
        yield from _cleaned_batches(reading, conn, source, started_at, columns)
        items.check(index, reading.value)


def _cleaned_batches(items: Items, conn: sqlite3.Connection, source: str, started_at: str,
                     columns: list[str]) -> Iterator[CleanedPart]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_ITEMS)):
        yield clean_part(batch, conn, source, started_at, columns)


@contextlib.contextmanager
def worker_pool(items: Items | SourceParts, workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes for a source given in parts, started at once so that they have started
    Python and imported the importer while this process prepares the directory copy. Spawned,
    not forked: a fork would inherit the import lock and the open connection."""
    if not isinstance(items, SourceParts) or workers < 2 or len(items.parts) < 2:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_worker)
    try:
        module = getattr(items.parts[0], "func", items.parts[0]).__module__
        for _ in range(workers):
            pool.submit(importlib.import_module, module)
        yield pool
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _cleaned_in_workers(parts: SourceParts, pool: ProcessPoolExecutor, database: str, source: str,
                        started_at: str, columns: list[str]) -> Iterator[CleanedPart]:
    """Parts cleaned by the worker processes, a few ahead of the one being staged, in order."""
    queue = iter(parts.parts)
    running: deque[Future[CleanedPart]] = deque()

    def start_next() -> None:
        part = next(queue, None)
        if part is not None:
            running.append(pool.submit(_clean_part_in_worker, part, database, source, started_at, columns))

    for _ in range(PARTS_IN_FLIGHT):
        start_next()
    index = 0
    while running:
        part_cleaned = running.popleft().result()
        start_next()
        parts.check(index, part_cleaned.facts)
        index += 1
        yield part_cleaned


def _clean_part_in_worker(part: Callable[[], Iterator[ServiceRecord | SkippedRow]], database: str, source: str,
                          started_at: str, columns: list[str]) -> CleanedPart:
    # Read-only: ZIP centroids for records without a position.
    conn = sqlite3.connect(files.readonly_uri(database), uri=True)
    try:
        with collector_paused():
            reading = _Returning(part())
            part_cleaned = clean_part(reading, conn, source, started_at, columns)
            part_cleaned.facts = reading.value
            return part_cleaned
    finally:
        conn.close()
