"""The one import pipeline: records in, a complete new directory out, swapped in atomically.

Every importer only yields `ServiceRecord`s (and `SkippedRow`s). An import run holds the writer's
lock and changes a private copy of the directory (core/safe_write.py); it reads and cleans the
source (core/source_reading.py, core/record_cleaning.py, core/row_encoding.py), stages the rows and
counts added / updated / unchanged / removed against the current directory (core/staging.py),
refuses what must be confirmed (core/import_refusals.py), then publishes: applies the rows, notes
the source, rebuilds what is derived and swaps the copy in with `os.replace`. A reader therefore
sees the old file or the new one, never a mix; an error or a kill at any point leaves the
directory byte-for-byte as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from helpline_tui.core import files, geo, schema, site_merging, staging, zones
from helpline_tui.core.import_refusals import (note_taken_away, refuse_demo_directory, refuse_lost_needs,
                                               refuse_mass_removal, refuse_other_feed)
from helpline_tui.core.import_summary import ImportSummary
from helpline_tui.core.indexing import rebuild_derived
from helpline_tui.core.record_cleaning import CleaningStats, list_first
from helpline_tui.core.records import PartsMisaligned, SourceError, SourceParts
from helpline_tui.core.safe_write import file_of, import_lock, remove_stale_temps, writable_copy
from helpline_tui.core.source_reading import Items, cleaned, collector_paused, import_workers, worker_pool

PROGRESS_EVERY = 5000  # records read between two calls of an import's progress callback


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class _Options:
    """How run_import was asked to import (its keyword arguments, documented there)."""

    source: str
    format: str
    origin: str
    checksum: str
    replace_source: bool
    dry_run: bool
    allow_mass_removal: bool
    meta: dict[str, str] | None
    progress: Callable[[int], None] | None
    workers: int
    same_feed_only: bool
    allow_lost_needs: bool
    into_demo: bool


def run_import(
    db_path: str | Path,
    items: Items | SourceParts,
    *,
    source: str,
    format: str,
    origin: str,
    checksum: str = "",
    replace_source: bool = False,
    dry_run: bool = False,
    allow_mass_removal: bool = False,
    meta: dict[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
    same_feed_only: bool = False,
    allow_lost_needs: bool = False,
    into_demo: bool = False,
) -> ImportSummary:
    """Import records all-or-nothing. Raises SourceError (bad source), ImportLocked, or
    schema.SchemaError; in every failure case the directory file is untouched. A source given
    as SourceParts is read and cleaned by `workers` processes (default: HELPLINE_IMPORT_WORKERS,
    else up to 2 cores); the directory is the same as from reading it in one pass.
    `same_feed_only` refuses a source that shares almost none of the records already filed under
    its source name from another origin (another feed under a default name, see refuse_other_feed).
    An update taking needs, languages or populations away from many records is refused unless
    `allow_lost_needs` (refuse_lost_needs); an import into a demo directory unless `into_demo`."""
    options = _Options(source=source, format=format, origin=origin, checksum=checksum, replace_source=replace_source,
                       dry_run=dry_run, allow_mass_removal=allow_mass_removal, meta=meta, progress=progress,
                       workers=import_workers() if workers is None else workers, same_feed_only=same_feed_only,
                       allow_lost_needs=allow_lost_needs, into_demo=into_demo)
    try:
        return _run_import(Path(db_path), items, options)
    except (PartsMisaligned, BrokenProcessPool):
        # A cut inside a record, or a worker process killed (out of memory, say): the same
        # source read again in one pass, in this process.
        assert isinstance(items, SourceParts)
        return _run_import(Path(db_path), items.whole(), options)


def _run_import(db_path: Path, items: Items | SourceParts, options: _Options) -> ImportSummary:
    started = time.perf_counter()
    started_at = now_iso()
    summary = ImportSummary(source=options.source, format=options.format, origin=options.origin,
                            dry_run=options.dry_run)
    with import_lock(db_path) as db_path, collector_paused(), worker_pool(items, options.workers) as pool:
        if not options.into_demo and not (options.meta or {}).get("demo"):
            refuse_demo_directory(db_path)  # under the lock: what is checked is what is replaced
        remove_stale_temps(db_path)
        with writable_copy(db_path, f"import of {options.format} as source '{options.source}'") as (db, commit):
            prepare_schema(db)
            db.conn.execute("BEGIN")
            columns = staging.create_staging(db.conn)
            _stage(items, db.conn, columns, pool, summary, started_at, options)
            _compare(db.conn, summary, options)
            if options.dry_run or (not summary.changed and not options.meta
                                   and staging.source_known(db.conn, options.source)):
                _report_without_writing(db.conn, columns, summary, options)
                summary.elapsed_s = time.perf_counter() - started
                return summary
            _publish(db, columns, summary, options, started_at, started)
            commit()
    summary.elapsed_s = time.perf_counter() - started
    return summary


def _stage(items: Items | SourceParts, conn: sqlite3.Connection, columns: list[str], pool: ProcessPoolExecutor | None,
           summary: ImportSummary, started_at: str, options: _Options) -> None:
    """The source read, cleaned and staged, with what reading it found in the summary. Raises
    SourceError when the source holds no record, or no usable one."""
    stats = CleaningStats()
    stager = staging.Stager(conn, columns)
    # Until every part is staged, only the temporary staging table is written: worker
    # processes read ZIP centroids from the same file meanwhile.
    for part in cleaned(items, conn, options.source, started_at, columns, pool):
        before = summary.read
        summary.read += part.read
        summary.skipped_count += part.skipped_count
        list_first(summary.skipped, part.skipped)
        stats.add(part.stats)
        stager.duplicates += part.duplicates
        stager.add(part.rows)
        if options.progress and summary.read // PROGRESS_EVERY != before // PROGRESS_EVERY:
            options.progress(summary.read)
    stager.flush()
    site_merging.unfold(conn)  # each source's own rows, so the diff below sees them as imported
    summary.merged_duplicates = stager.duplicates
    if summary.read and summary.read == summary.skipped_count:
        first = summary.skipped[0]
        raise SourceError(options.origin, f"no usable rows ({summary.skipped_count:,} skipped; first: {first['reason']})",
                          row=first["row"], field=first["field"])
    if summary.read == 0:
        raise SourceError(options.origin, "the source holds no records")
    summary.placeholder_phones_dropped = stats.placeholder_phones
    summary.coordinates_repaired = stats.repaired
    summary.coordinates_dropped = stats.dropped
    summary.positions_from_zip = stats.from_zip
    summary.cut, summary.cut_count = stats.cut, stats.cut_count


def _compare(conn: sqlite3.Connection, summary: ImportSummary, options: _Options) -> None:
    """The staged rows against the directory: the summary's counts, and the refusals of an update
    that needs confirming (SourceError, nothing changed)."""
    source, origin = options.source, options.origin
    staging.diff(conn, summary, source, options.replace_source)
    if options.same_feed_only:
        refuse_other_feed(conn, summary, source, origin)
    if not options.allow_mass_removal:  # a dry run too: it says what the real run would do
        refuse_mass_removal(summary, source, origin)
    note_taken_away(conn, summary, source)
    if not options.allow_lost_needs and not options.dry_run:  # a dry run lists them, and says it would be refused
        refuse_lost_needs(summary, source, origin)
    summary.changed = bool(summary.added or summary.updated or summary.removed)


def _report_without_writing(conn: sqlite3.Connection, columns: list[str], summary: ImportSummary,
                            options: _Options) -> None:
    """A dry run, or an import that changes nothing: the summary as the import would leave the
    directory (its merged sites, its total), then everything rolled back."""
    if options.dry_run:
        staging.apply(conn, columns, options.source, options.replace_source)  # rolled back below: to report merges
    staging.merge_sites(conn, summary, options.source)
    summary.total_after = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    conn.execute("ROLLBACK")


def _publish(db: sqlite_utils.Database, columns: list[str], summary: ImportSummary, options: _Options,
             started_at: str, started: float) -> None:
    """The staged rows applied, the source and the import noted, derived tables rebuilt, committed
    to the private copy (which the caller then swaps in)."""
    conn, source = db.conn, options.source
    staging.apply(conn, columns, source, options.replace_source)
    # The staging table is left to go with the connection: dropping it first walked every
    # page of it (0.2 s at 74k records) to free pages of a temporary file about to be removed.
    records = conn.execute("SELECT count(*) FROM services WHERE source = ?", (source,)).fetchone()[0]
    finished_at = now_iso()
    counts = dict(read=summary.read, added=summary.added, updated=summary.updated,
                  unchanged=summary.unchanged, removed=summary.removed, skipped=summary.skipped_count)
    noted = dict(source=source, format=options.format, origin=options.origin, checksum=options.checksum)
    db.table("sources").upsert(dict(name=source, format=options.format, origin=options.origin,
                                    checksum=options.checksum, imported_at=finished_at, records=records, **counts),
                               pk="name")
    for key, value in (options.meta or {}).items():
        db.table("meta").upsert({"key": key, "value": value}, pk="key")
    staging.merge_sites(conn, summary, source)
    # Beside the private copy, named like it: a killed import's leftovers are removed alike.
    rebuild_derived(conn, scratch=Path(file_of(conn) + "-fulltext"))
    summary.total_after = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    summary.elapsed_s = time.perf_counter() - started
    db.table("import_history").insert(dict(**noted, started_at=started_at, finished_at=finished_at,
                                           summary_json=json.dumps(summary.as_json(), default=str), **counts))
    conn.execute("COMMIT")


def prepare_schema(db: sqlite_utils.Database) -> None:
    """Create or migrate the schema of the private copy; centroids and ZIP zones are loaded once
    per directory (a directory from before ZIP zones gets them at its next import)."""
    schema.ensure_current(db)
    if db["zip_centroids"].count == 0:
        geo.fill_centroids(db.conn)
    zones.fill_zip_zones(db.conn)



def migrate_file(db_path: str | Path) -> list[int]:
    """Upgrade a directory's schema through the same all-or-nothing write as an import."""
    with import_lock(Path(db_path)) as db_path:
        remove_stale_temps(db_path)
        if _schema_version(db_path) == schema.SCHEMA_VERSION:
            return []  # nothing to do: no copy (which a full disk could not hold anyway)
        with writable_copy(db_path, "migrate") as (db, commit):
            db.conn.execute("BEGIN")
            applied = schema.ensure_current(db)
            if not applied:
                db.conn.execute("ROLLBACK")
                return []
            site_merging.unfold(db.conn)
            site_merging.fold(db.conn)  # version 2 shows a site several sources describe once
            rebuild_derived(db.conn)
            db.conn.execute("COMMIT")
            commit()
            return applied


def _schema_version(db_path: Path) -> int | None:
    """The file's schema version, read-only; None when it cannot be read (the copy then says why)."""
    try:
        conn = sqlite3.connect(files.readonly_uri(db_path), uri=True)
        try:
            return schema.version(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None
