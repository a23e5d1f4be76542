"""The one import pipeline: records in, a complete new directory out, swapped in atomically.

Every importer only yields `ServiceRecord`s (and `SkippedRow`s). This module cleans and validates
them, mints ids, fills positions from ZIP centroids, computes added / updated / unchanged / removed
against the current directory, and writes the result to a temporary file beside the directory that
replaces it with `os.replace`. A reader therefore sees the old file or the new one, never a mix; an
error or a kill at any point leaves the directory byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import gc
import hashlib
import importlib
import json
import multiprocessing
import os
import re
import shutil
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import sqlite_utils

from helpline_tui.core import cleaning, concepts, files, geo, limits, schema, site_merging, versions, vocabulary, zones
from helpline_tui.core.indexing import WEEK_ORDER, rebuild_derived
from helpline_tui.core.workers import start_worker
from helpline_tui.core.records import (GEO_PRECISIONS, KINDS, STATUSES, WEEKDAYS, PartsMisaligned, ServiceRecord,
                                       SkippedRow, SourceError, SourceParts, printable)
from helpline_tui.core.textnorm import fold

TEMP_MARK = ".import-"


@dataclass
class ImportSummary:
    source: str
    format: str
    origin: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    # The first limits.MAX_ROWS_LISTED skipped rows ({"row", "field", "reason"}); all are counted.
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skipped_count: int = 0
    # Fields cut to a size limit (core/limits.py), listed and counted like skipped rows.
    cut: list[dict[str, Any]] = field(default_factory=list)
    cut_count: int = 0
    merged_duplicates: int = 0
    # Records of this source shown as one site with another source's record, and the pairs.
    merged: int = 0
    merges: list[dict[str, Any]] = field(default_factory=list)
    # Needs, languages and populations the update takes away from records the source already
    # held (see _taken_away): {"records", "held", "bound", "over_bound", "needs", "languages",
    # "populations" (id -> records losing it), "examples"}; empty when nothing is taken away.
    taken_away: dict[str, Any] = field(default_factory=dict)
    placeholder_phones_dropped: int = 0
    coordinates_repaired: int = 0
    coordinates_dropped: int = 0
    positions_from_zip: int = 0
    dry_run: bool = False
    changed: bool = False
    total_after: int = 0
    elapsed_s: float = 0.0

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["elapsed_s"] = round(self.elapsed_s, 3)
        return out


class ImportLocked(Exception):
    pass


class DemoDirectoryRefused(Exception):
    """An import into the demo directory of fictional services, not confirmed: one sentence."""


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def mint_id(source: str, source_key: str | None, name: str, site_name: str, street: str, city: str,
            state: str, zip5: str) -> str:
    """Stable across re-imports: from the source's own key when it has one, else from the
    normalised name, site name and address (two programmes of one organisation at one address,
    e.g. its men's and women's residences, get two ids). Always within the source: a site that
    two sources describe is two records, which site matching shows as one (site_merging), so
    each source keeps, refreshes and replaces only its own."""
    if source_key:
        basis = f"key|{source}|{source_key}"
    else:
        basis = f"site|{source}|" + "|".join(map(_fold, (name, site_name, street, city, state, zip5[:5])))
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


# --------------------------------------------------------------------------------------------
# Cleaning and validation of one record


class RowProblem(Exception):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = printable(reason)


_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_STATE_CODE = re.compile(r"[A-Z]{2}")


# Encoders made once: json.dumps() with options builds a new encoder on every call, and an import
# encodes about ten values per record. Output is identical, so content hashes do not change.
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_dumps_sorted = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_dumps_hash = json.JSONEncoder(ensure_ascii=False, default=str).encode

# Folding the same city, state, name twice per record (id, then search columns) is common.
_fold = lru_cache(maxsize=1 << 16)(fold)

# List items (codes, language ids, area tokens) repeat across records, so remember the ones already
# clean: a list made only of those needs no per-item work. Keyed by the list's pattern.
_KNOWN_CLEAN: dict[str | None, set[str]] = {}


def _clean_list(values: Iterable[str], pattern: re.Pattern[str] | None = None) -> list[str]:
    if not values:
        return []
    known = _KNOWN_CLEAN.setdefault(pattern.pattern if pattern else None, set())
    try:
        if known.issuperset(values):
            return sorted(set(values))
    except TypeError:  # an unhashable item: the slow path says what it is
        pass
    out = set()
    for v in values:
        c = cleaning.clean_text(v).lower() if pattern else cleaning.clean_text(v)
        if c and (pattern is None or pattern.match(c)):
            out.add(c)
            if c == v and len(known) < 100_000:
                known.add(c)
    return sorted(out)


@lru_cache(maxsize=1)
def _vocabulary_ids() -> dict[str, frozenset[str]]:
    """Need, population and payment ids by facet: one set test per list instead of a lookup per id."""
    vocab = vocabulary.load()
    return {facet: frozenset(t.id for t in terms)
            for facet, terms in (("need", vocab.needs), ("population", vocab.populations), ("payment", vocab.payment))}


def _clean_hours(hours: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for day, ranges in (hours or {}).items():
        if day not in WEEKDAYS:
            raise RowProblem("hours", f"unknown weekday '{day}'")
        clean = []
        for pair in ranges:
            if len(pair) != 2 or not all(isinstance(t, str) and _TIME.match(t) for t in pair):
                raise RowProblem("hours", f"'{pair}' on {day} is not an HH:MM range")
            clean.append([pair[0], pair[1]])
        if clean:
            out[day] = sorted(clean)
    return out


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    for fmt in ("%m/%d/%Y", "%m/%d/%y", "%d %b %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


@dataclass
class _Stats:
    placeholder_phones: int = 0
    repaired: int = 0
    dropped: int = 0
    from_zip: int = 0
    cut: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_ROWS_LISTED
    cut_count: int = 0

    def add(self, other: _Stats) -> None:
        self.placeholder_phones += other.placeholder_phones
        self.repaired += other.repaired
        self.dropped += other.dropped
        self.from_zip += other.from_zip
        self.cut_count += other.cut_count
        list_first(self.cut, other.cut)


def list_first(listed: list[dict[str, Any]], more: Iterable[dict[str, Any]]) -> None:
    """Rows noted with their details (skipped, cut) up to limits.MAX_ROWS_LISTED; beyond that
    they are only counted, so a source of a million bad rows is not a million dicts in memory."""
    room = limits.MAX_ROWS_LISTED - len(listed)
    if room > 0:
        listed.extend(islice(more, room))


def clean_record(rec: ServiceRecord, conn: sqlite3.Connection, stats: _Stats) -> dict[str, Any]:
    """A validated, cleaned row for the services table. Raises RowProblem naming the field."""
    name = cleaning.clean_text(rec.name, limit=cleaning.MAX_NAME_CHARS)
    if not name:
        raise RowProblem("name", "the name is empty")
    if rec.kind not in KINDS:
        raise RowProblem("kind", f"'{rec.kind}' is not one of {', '.join(KINDS)}")
    if rec.status not in STATUSES:
        raise RowProblem("status", f"'{rec.status}' is not one of {', '.join(STATUSES)}")
    if not rec.source:
        raise RowProblem("source", "the record names no source")
    state = cleaning.clean_text(rec.state).upper()
    if state and not _STATE_CODE.fullmatch(state):
        state = geo.STATE_NAMES.get(fold(state), "")
        if not state:
            raise RowProblem("state", f"'{cleaning.clean_text(rec.state)}' is not a state code")
    zip5 = cleaning.clean_zip(rec.zip)
    if rec.zip and not zip5 and state in cleaning.US_STATES:
        raise RowProblem("zip", f"'{cleaning.clean_text(rec.zip)}' is not a ZIP code")
    ids = _vocabulary_ids()
    for facet, expected, values in (("needs", "need", rec.needs), ("populations", "population", rec.populations),
                                    ("payment", "payment", rec.payment)):
        if ids[expected].issuperset(values):
            continue
        for value in values:
            if vocabulary.load().facet_of(value) != expected:
                raise RowProblem(facet, f"'{value}' is not a {expected} id of the vocabulary")

    phones = {}
    for key in ("phone", "intake_phone", "hotline_phone"):
        raw = getattr(rec, key)
        formatted = cleaning.format_phone(raw)
        if raw and not formatted and cleaning.phone_digits(str(raw)):
            stats.placeholder_phones += 1
        phones[key] = formatted

    lat, lon, note = cleaning.fix_coordinates(cleaning.to_float(rec.latitude), cleaning.to_float(rec.longitude))
    if note.startswith("latitude"):
        stats.repaired += 1
    elif note:
        stats.dropped += 1
    precision = "exact" if lat is not None else "none"
    if lat is None:
        centre = geo.zip_centroid(conn, zip5) if zip5 else None
        if centre is None and rec.city and state:
            centre = geo.city_centroid(conn, cleaning.clean_text(rec.city), state)
        if centre is not None:
            lat, lon = centre
            precision = "zip-centroid"
            stats.from_zip += 1
    assert precision in GEO_PRECISIONS

    street = cleaning.clean_text(rec.street)
    city = cleaning.clean_text(rec.city)
    site_name = cleaning.clean_text(rec.site_name, limit=cleaning.MAX_NAME_CHARS)
    row: dict[str, Any] = {
        "id": mint_id(rec.source, rec.source_key, name, site_name, street, city, state, zip5),
        "kind": rec.kind,
        "name": name,
        "organization": cleaning.clean_text(rec.organization, limit=cleaning.MAX_NAME_CHARS),
        "site_name": site_name,
        "description": cleaning.clean_text(rec.description, multiline=True),
        **phones,
        "website": cleaning.clean_website(rec.website),
        "email": cleaning.clean_email(rec.email),
        "street": street,
        "city": city,
        "state": state,
        "zip": zip5,
        "county": cleaning.clean_text(rec.county),
        "latitude": round(lat, 6) if lat is not None else None,
        "longitude": round(lon, 6) if lon is not None else None,
        "geo_precision": precision,
        "service_area": cleaning.clean_text(rec.service_area),
        "service_area_list": _clean_list(rec.service_area_list),
        "hours": _clean_hours(rec.hours),
        "hours_text": cleaning.clean_text(rec.hours_text, multiline=True),
        "status": rec.status,
        "languages": _clean_list(rec.languages, _LANG),
        "needs": sorted(set(rec.needs)),
        "populations": sorted(set(rec.populations)),
        "payment": sorted(set(rec.payment)),
        "source_codes": _clean_list(rec.source_codes),
        "unmapped_codes": _clean_list(rec.unmapped_codes),
        **_concepts_of(rec, name),
        "source": rec.source,
        "source_record_id": cleaning.clean_text(rec.source_key) if rec.source_key else "",
        "last_verified": _iso_date(rec.last_verified),
        "raw": rec.raw,  # encoded as raw_json with the row, so merging SU/MH rows decodes nothing
    }
    for name, limit in limits.FIELD_LIMITS:
        value = getattr(rec, name)
        if isinstance(value, str) and len(value) > limit and row[name].endswith("…"):
            stats.cut_count += 1
            list_first(stats.cut, [{"row": rec.row, "field": name, "reason": limits.cut_message(len(value), limit)}])
    return row


def _concepts_of(rec: ServiceRecord, name: str) -> dict[str, list[str]]:
    """The record's service concepts: those its source gave (codes, category names), else those
    its own words say, marked inferred (core/concepts.py)."""
    coded = [c for c in rec.concepts if concepts.get(c) is not None]
    inferred = [] if coded else concepts.for_record(name=name, organization=rec.organization,
                                                    description=rec.description)[1]
    return {"concepts": _clean_list(coded), "concepts_inferred": _clean_list(inferred),
            "category_names": _clean_list([cleaning.clean_text(c) for c in rec.category_names if c])}


_LIST_FIELDS = schema.JSON_LIST_COLUMNS


_MERGED_APART = frozenset((*_LIST_FIELDS, "hours", "raw"))


def merge_rows(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The same site twice in one source (SAMHSA lists a site once per survey, SU and MH): one
    record with the union of its lists and the first non-empty value of every other field."""
    merged = dict(first)
    for key in _LIST_FIELDS:  # cleaned lists are sorted and free of repeats already
        extra = second[key]
        if extra and extra != first[key]:
            merged[key] = sorted(set(first[key]).union(extra))
    if not first["hours"]:
        merged["hours"] = second["hours"]
    a, b = first["raw"], second["raw"]
    if a != b:
        merged["raw"] = {"merged": [a, b] if "merged" not in a else a["merged"] + [b]}
    for key, value in second.items():
        if merged.get(key) in (None, "") and key not in _MERGED_APART:
            merged[key] = value
    return merged


def _json_list(values: list[str]) -> str:
    """json.dumps(values, ensure_ascii=False) for lists of plain strings (ids, codes), without the
    encoder's per-call set-up; anything that would need escaping takes the encoder."""
    if not values:
        return "[]"
    try:
        joined = '", "'.join(values)
    except TypeError:
        return _dumps(values)
    # No quote but the separators', no backslash, no control character: nothing to escape.
    if joined.count('"') == 2 * len(values) - 2 and "\\" not in joined and joined.isprintable():
        return f'["{joined}"]'
    return _dumps(values)


# json.dumps(sort_keys=True), made once (hours are hashed, so the encoding must not change).
_dumps_hours = json.JSONEncoder(sort_keys=True).encode


@lru_cache(maxsize=8)
def _hashed_fields(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple]:
    """The values a content hash covers, in key order: every field but the import time."""
    return itemgetter(*sorted(k for k in keys if k not in ("imported_at", "content_hash")))


def _encode(row: dict[str, Any]) -> dict[str, Any]:
    out = dict(row)
    out["raw_json"] = _dumps_sorted(out.pop("raw"))
    if len(out["raw_json"]) > limits.RAW_JSON_CHECK_CHARS:  # a huge source value: kept cut, as fields are
        out["raw_json"] = _dumps_sorted(limits.cap_raw(row["raw"]))
    for key in _LIST_FIELDS:
        out[key] = _json_list(row[key])
    out["hours"] = _dumps_hours(row["hours"]) if row["hours"] else "{}"
    out["content_hash"] = hashlib.sha1(
        _dumps_hash(list(_hashed_fields(tuple(out))(out))).encode("utf-8")
    ).hexdigest()
    out["name_fold"] = _fold(row["name"])
    # Fields kept apart by " | " (which the full-text tokenizer ignores) so ranking can tell a
    # whole site name matched from words scattered over name and organisation.
    out["match_fold"] = " | ".join(f for f in (_fold(row[k]) for k in ("name", "site_name", "organization")) if f)
    out["place_fold"] = " | ".join(
        f for f in (_fold(row[k]) for k in ("street", "city", "county", "state", "zip")) if f)
    out["city_fold"] = _fold(row["city"])
    out["phone_digits"] = " ".join(
        d for d in (cleaning.phone_digits(row[k]) for k in ("phone", "intake_phone", "hotline_phone")) if d
    )
    return out


# --------------------------------------------------------------------------------------------
# Files: lock, temporary copy, atomic swap


class CannotWrite(Exception):
    """The directory file cannot be written here (a folder at its path, a read-only file system, a
    full disk): one sentence; nothing was changed."""

    def __init__(self, db_path: Path, why: str):
        super().__init__(f"{db_path}{' ' if why.startswith('is ') else ': '}{why}")
        self.why = why


@contextlib.contextmanager
def import_lock(db_path: Path) -> Iterator[Path]:
    """Hold the one writer's lock of a directory file; gives the file to write: a symlinked path
    is followed, so the new file is swapped in beside the real one and the symlink stays."""
    db_path = files.real_path(db_path)
    if db_path.is_dir():
        raise CannotWrite(db_path, "is a folder, not a directory file; give --db the .sqlite file")
    lock_path = db_path.with_name(db_path.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")
    except OSError as exc:  # a read-only file system, a folder of someone else's
        raise CannotWrite(db_path, f"the new directory file is written beside it, but {lock_path.parent} "
                                   f"cannot be written ({exc.strerror or exc}); nothing was changed") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportLocked(
                f"{db_path}: another import into this directory is running; try again when it has finished"
            ) from None
        try:
            yield db_path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_stale_temps(db_path: Path) -> list[Path]:
    """Temporary files left by a killed import (we hold the lock, so none is in use)."""
    versions.remove_incomplete(db_path)
    removed = []
    for path in db_path.parent.glob(f".{db_path.name}{TEMP_MARK}*"):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


@contextlib.contextmanager
def writable_copy(db_path: Path, replaced_by: str = "import") -> Iterator[tuple[sqlite_utils.Database, Callable[[], None]]]:
    """A private copy of the directory to change; `commit()` swaps it in atomically, keeping the
    file it replaces (versions.py; `replaced_by` says why). Leaving the block without commit
    (error, dry run, nothing changed) deletes the copy. A full disk at any point (copying,
    writing, syncing, keeping the old file) is CannotWrite, one sentence."""
    try:
        with _private_copy(db_path, replaced_by) as copy:
            yield copy
    except (OSError, sqlite3.OperationalError) as exc:
        if not files.is_disk_full(exc):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CannotWrite(db_path, f"the disk is full ({reason}), so the new directory could not be "
                                   f"written; nothing was changed: free some space and run it again") from None


@contextlib.contextmanager
def _private_copy(db_path: Path, replaced_by: str) -> Iterator[tuple[sqlite_utils.Database, Callable[[], None]]]:
    tmp = db_path.with_name(f".{db_path.name}{TEMP_MARK}{os.getpid()}-{time.monotonic_ns()}")
    if db_path.exists():
        # Readable by this user only while it is written; the swap gives it the old file's mode.
        os.close(files.create_private(tmp))
        try:
            shutil.copyfile(db_path, tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        # The copy is private and thrown away on failure, so no journal is needed while writing it,
        # and no sync until it is complete: commit() fsyncs it once before the atomic swap.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA temp_store = FILE")
        # A larger page cache (64 MB, the default is 2 MB) keeps the services indexes in memory
        # while a large import inserts into all of them at once.
        conn.execute("PRAGMA cache_size = -65536")
    except sqlite3.DatabaseError as exc:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise schema.SchemaError(schema.not_a_directory(db_path, exc)) from None
    db = sqlite_utils.Database(conn)
    committed = False

    def commit() -> None:
        nonlocal committed
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        versions.swap_in(tmp, db_path, replaced_by)
        committed = True

    try:
        yield db, commit
    finally:
        if not committed:
            with contextlib.suppress(Exception):
                conn.close()
            with contextlib.suppress(OSError):
                tmp.unlink()


def prepare_schema(db: sqlite_utils.Database) -> None:
    """Create or migrate the schema of the private copy; centroids and ZIP zones are loaded once
    per directory (a directory from before ZIP zones gets them at its next import)."""
    schema.ensure_current(db)
    if db["zip_centroids"].count == 0:
        geo.fill_centroids(db.conn)
    zones.fill_zip_zones(db.conn)


# --------------------------------------------------------------------------------------------
# The import


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


def run_import(
    db_path: str | Path,
    items: Iterable[ServiceRecord | SkippedRow] | SourceParts,
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
    its source name from another origin (another feed under a default name, see _refuse_other_feed).
    An update taking needs, languages or populations away from many records is refused unless
    `allow_lost_needs` (_refuse_lost_needs); an import into a demo directory unless `into_demo`."""
    options = dict(source=source, format=format, origin=origin, checksum=checksum, replace_source=replace_source,
                   dry_run=dry_run, allow_mass_removal=allow_mass_removal, meta=meta, progress=progress,
                   workers=import_workers() if workers is None else workers, same_feed_only=same_feed_only,
                   allow_lost_needs=allow_lost_needs, into_demo=into_demo)
    try:
        return _run_import(Path(db_path), items, **options)
    except (PartsMisaligned, BrokenProcessPool):
        # A cut inside a record, or a worker process killed (out of memory, say): the same
        # source read again in one pass, in this process.
        assert isinstance(items, SourceParts)
        return _run_import(Path(db_path), items.whole(), **options)


def import_workers() -> int:
    """Processes reading and cleaning a source given in parts. Two on two cores: the main process
    only stages their rows meanwhile."""
    from helpline_tui.core import settings

    return settings.IMPORT_WORKERS.read()


def _run_import(db_path: Path, items: Iterable[ServiceRecord | SkippedRow] | SourceParts, *, source: str,
                format: str, origin: str, checksum: str, replace_source: bool, dry_run: bool,
                allow_mass_removal: bool, meta: dict[str, str] | None, progress: Callable[[int], None] | None,
                workers: int, same_feed_only: bool, allow_lost_needs: bool, into_demo: bool) -> ImportSummary:
    started = time.perf_counter()
    started_at = now_iso()
    summary = ImportSummary(source=source, format=format, origin=origin, dry_run=dry_run)
    stats = _Stats()
    with import_lock(db_path) as db_path, collector_paused(), _worker_pool(items, workers) as pool:
        if not into_demo and not (meta or {}).get("demo"):
            _refuse_demo_directory(db_path)  # under the lock: what is checked is what is replaced
        remove_stale_temps(db_path)
        with writable_copy(db_path, f"import of {format} as source '{source}'") as (db, commit):
            conn = db.conn
            prepare_schema(db)
            conn.execute("BEGIN")
            columns = [c for c in schema.SERVICE_COLUMNS if c != "rid"]
            conn.execute(
                "CREATE TEMP TABLE staging (" + ", ".join(
                    f"{c} {'TEXT PRIMARY KEY' if c == 'id' else ''}" for c in columns) + ")"
            )
            stager = _Stager(conn, columns)
            # Until every part is staged, only the temporary staging table is written: worker
            # processes read ZIP centroids from the same file meanwhile.
            for part in _cleaned(items, conn, source, started_at, columns, pool):
                before = summary.read
                summary.read += part.read
                summary.skipped_count += part.skipped_count
                list_first(summary.skipped, part.skipped)
                stats.add(part.stats)
                stager.duplicates += part.duplicates
                stager.add(part.rows)
                if progress and summary.read // 5000 != before // 5000:
                    progress(summary.read)
            stager.flush()
            site_merging.unfold(conn)  # each source's own rows, so the diff below sees them as imported
            summary.merged_duplicates = stager.duplicates
            if summary.read and summary.read == summary.skipped_count:
                first = summary.skipped[0]
                raise SourceError(origin, f"no usable rows ({summary.skipped_count:,} skipped; first: {first['reason']})",
                                  row=first["row"], field=first["field"])
            if summary.read == 0:
                raise SourceError(origin, "the source holds no records")
            summary.placeholder_phones_dropped = stats.placeholder_phones
            summary.coordinates_repaired = stats.repaired
            summary.coordinates_dropped = stats.dropped
            summary.positions_from_zip = stats.from_zip
            summary.cut, summary.cut_count = stats.cut, stats.cut_count
            _diff(conn, summary, source, replace_source)
            if same_feed_only:
                _refuse_other_feed(conn, summary, source, origin)
            if not allow_mass_removal:  # a dry run too: it says what the real run would do
                _refuse_mass_removal(summary, source, origin)
            _taken_away(conn, summary, source)
            if not allow_lost_needs and not dry_run:  # a dry run lists them, and says it would be refused
                _refuse_lost_needs(summary, source, origin)
            summary.changed = bool(summary.added or summary.updated or summary.removed)
            if dry_run or (not summary.changed and not meta and _source_known(conn, source)):
                if dry_run:
                    _apply(conn, columns, source, replace_source)  # rolled back below: to report merges
                _merge_sites(conn, summary, source)
                summary.total_after = conn.execute("SELECT count(*) FROM services").fetchone()[0]
                conn.execute("ROLLBACK")
                summary.elapsed_s = time.perf_counter() - started
                return summary
            _apply(conn, columns, source, replace_source)
            # The staging table is left to go with the connection: dropping it first walked every
            # page of it (0.2 s at 74k records) to free pages of a temporary file about to be removed.
            records = conn.execute("SELECT count(*) FROM services WHERE source = ?", (source,)).fetchone()[0]
            finished_at = now_iso()
            counts = dict(read=summary.read, added=summary.added, updated=summary.updated,
                          unchanged=summary.unchanged, removed=summary.removed, skipped=summary.skipped_count)
            db["sources"].upsert(dict(name=source, format=format, origin=origin, checksum=checksum,
                                      imported_at=finished_at, records=records, **counts), pk="name")
            for key, value in (meta or {}).items():
                db["meta"].upsert({"key": key, "value": value}, pk="key")
            _merge_sites(conn, summary, source)
            # Beside the private copy, named like it: a killed import's leftovers are removed alike.
            rebuild_derived(conn, scratch=Path(_file_of(conn) + "-fulltext"))
            summary.total_after = conn.execute("SELECT count(*) FROM services").fetchone()[0]
            summary.elapsed_s = time.perf_counter() - started
            db["import_history"].insert(dict(
                source=source, format=format, origin=origin, checksum=checksum, started_at=started_at,
                finished_at=finished_at, summary_json=json.dumps(summary.as_json(), default=str), **counts))
            conn.execute("COMMIT")
            commit()
    summary.elapsed_s = time.perf_counter() - started
    return summary


# --------------------------------------------------------------------------------------------
# Reading and cleaning, in this process or in worker processes


@dataclass
class CleanedPart:
    """Records read and cleaned: staging rows (in staging column order, each id once: the part's
    own repeated sites merged) and what the summary needs to know about them."""

    rows: list[tuple]
    read: int = 0
    skipped: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_ROWS_LISTED
    skipped_count: int = 0
    stats: _Stats = field(default_factory=_Stats)
    duplicates: int = 0
    facts: Any = None  # what a SourceParts part's reader returned


def clean_part(items: Iterable[ServiceRecord | SkippedRow], conn: sqlite3.Connection, source: str,
               started_at: str, columns: list[str]) -> CleanedPart:
    stats = _Stats()
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
    encoded = list(map(itemgetter(*columns), map(_encode, rows.values())))
    return CleanedPart(encoded, read, skipped, skipped_count, stats, duplicates)


class _Returning:
    """An iterator that keeps what the generator it wraps returned."""

    def __init__(self, iterator: Iterator[Any]):
        self.iterator, self.value = iterator, None

    def __iter__(self) -> Iterator[Any]:
        self.value = yield from self.iterator


BATCH_ITEMS = 1000  # records cleaned between two writes to staging, read in this process


def _cleaned(items: Iterable[ServiceRecord | SkippedRow] | SourceParts, conn: sqlite3.Connection, source: str,
             started_at: str, columns: list[str], pool: ProcessPoolExecutor | None) -> Iterator[CleanedPart]:
    if not isinstance(items, SourceParts):
        yield from _cleaned_batches(items, conn, source, started_at, columns)
        return
    if pool is not None:
        yield from _cleaned_in_workers(items, pool, _file_of(conn), source, started_at, columns)
        return
    for index, part in enumerate(items.parts):
        reading = _Returning(part())
        yield from _cleaned_batches(reading, conn, source, started_at, columns)
        items.check(index, reading.value)


def _file_of(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA database_list").fetchone()[2]


def _cleaned_batches(items: Iterable[ServiceRecord | SkippedRow], conn: sqlite3.Connection, source: str,
                     started_at: str, columns: list[str]) -> Iterator[CleanedPart]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH_ITEMS)):
        yield clean_part(batch, conn, source, started_at, columns)


@contextlib.contextmanager
def _worker_pool(items: Iterable[ServiceRecord | SkippedRow] | SourceParts,
                 workers: int) -> Iterator[ProcessPoolExecutor | None]:
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


PARTS_IN_FLIGHT = 3  # one more than the workers, so none waits for the next part; more only holds memory


def _cleaned_in_workers(parts: SourceParts, pool: ProcessPoolExecutor, database: str, source: str,
                        started_at: str, columns: list[str]) -> Iterator[CleanedPart]:
    """Parts cleaned by the worker processes, a few ahead of the one being staged, in order."""
    queue = iter(parts.parts)
    running: deque = deque()

    def start_next() -> None:
        part = next(queue, None)
        if part is not None:
            running.append(pool.submit(_clean_part_in_worker, part, database, source, started_at, columns))

    for _ in range(PARTS_IN_FLIGHT):
        start_next()
    index = 0
    while running:
        cleaned = running.popleft().result()
        start_next()
        parts.check(index, cleaned.facts)
        index += 1
        yield cleaned


def _clean_part_in_worker(part: Callable[[], Iterator[ServiceRecord | SkippedRow]], database: str, source: str,
                          started_at: str, columns: list[str]) -> CleanedPart:
    # Read-only: ZIP centroids for records without a position.
    conn = sqlite3.connect(files.readonly_uri(database), uri=True)
    try:
        with collector_paused():
            reading = _Returning(part())
            cleaned = clean_part(reading, conn, source, started_at, columns)
            cleaned.facts = reading.value
            return cleaned
    finally:
        conn.close()


class _Stager:
    """Cleaned rows into the staging table, in batches (one executemany per thousand rows rather
    than an INSERT each). A site already staged or waiting (SAMHSA lists a site once per survey,
    SU then MH) is merged with the new row: from the rows themselves, or from the staged copy."""

    BATCH = 1000

    def __init__(self, conn: sqlite3.Connection, columns: list[str]):
        self.conn, self.columns = conn, columns
        self.id_at = columns.index("id")
        self.pending: dict[str, tuple] = {}
        self.staged: set[str] = set()
        self.duplicates = 0
        self.insert_sql = f"INSERT INTO staging ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        self.update_sql = f"UPDATE staging SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"

    def add(self, rows: list[tuple]) -> None:
        for values in rows:
            rid = values[self.id_at]
            if rid in self.pending:
                self.duplicates += 1
                self.pending[rid] = self._merged(self.pending[rid], values)
            elif rid in self.staged:
                self.duplicates += 1
                staged = self.conn.execute(f"SELECT {', '.join(self.columns)} FROM staging WHERE id = ?", (rid,)).fetchone()
                self.conn.execute(self.update_sql, [*self._merged(staged, values), rid])
            else:
                self.pending[rid] = values
        if len(self.pending) >= self.BATCH:
            self.flush()

    def _merged(self, first: tuple, second: tuple) -> tuple:
        merged = _encode(merge_rows(_decode(self.columns, first), _decode(self.columns, second)))
        return itemgetter(*self.columns)(merged)

    def flush(self) -> None:
        if not self.pending:
            return
        self.conn.executemany(self.insert_sql, self.pending.values())
        self.staged.update(self.pending)
        self.pending.clear()


def _decode(columns: list[str], values: tuple) -> dict[str, Any]:
    """A staging row back to the row clean_record made, to merge it with another."""
    row = dict(zip(columns, values))
    for key in _LIST_FIELDS:
        row[key] = json.loads(row[key])
    row["hours"] = json.loads(row["hours"])
    row["raw"] = json.loads(row.pop("raw_json"))
    for key in ("content_hash", "name_fold", "match_fold", "place_fold", "city_fold", "phone_digits"):
        row.pop(key, None)
    return row


def _merge_sites(conn: sqlite3.Connection, summary: ImportSummary, source: str) -> None:
    """One row per site across sources (site_merging), and the pairs of this source for the summary."""
    sites = site_merging.fold(conn)
    summary.merges = site_merging.report(sites, source)
    summary.merged = len({pair["id"] for pair in summary.merges})


def _source_known(conn: sqlite3.Connection, source: str) -> bool:
    return conn.execute("SELECT 1 FROM sources WHERE name = ?", (source,)).fetchone() is not None


MASS_REMOVAL_FLOOR = 20  # removing fewer records than this never needs confirming


def _refuse_mass_removal(summary: ImportSummary, source: str, origin: str) -> None:
    """`--replace-source` with a partial export, or another feed imported under the same source
    name, would take most of a source away from call handlers: refused unless confirmed."""
    held = summary.removed + summary.updated + summary.unchanged
    if summary.removed > MASS_REMOVAL_FLOOR and summary.removed * 2 > held:
        raise SourceError(origin, f"would remove {summary.removed:,} of the {held:,} records of source "
                                  f"'{source}' (is the export partial, or another feed's?); nothing was changed: "
                                  f"check with --dry-run, then add --allow-mass-removal if it is meant")


def _refuse_other_feed(conn: sqlite3.Connection, summary: ImportSummary, source: str, origin: str) -> None:
    """Two feeds of one format imported without --source-name both land in the format's source:
    `refresh` then re-reads only the later one and the first one's records go stale, or go with
    `--replace-source`. When under 5% of the records read are already in the source, which another
    origin filled with more than a few records, it is almost surely another feed (a new or partial
    export of the same feed is mostly records the source has): refused, naming the fix."""
    row = conn.execute("SELECT origin FROM sources WHERE name = ?", (source,)).fetchone()
    held = conn.execute("SELECT count(*) FROM services WHERE source = ?", (source,)).fetchone()[0]
    known = summary.updated + summary.unchanged
    if row is None or row[0] == origin or held <= MASS_REMOVAL_FLOOR or known * 20 >= known + summary.added:
        return
    raise SourceError(origin, f"source '{source}' already holds {held:,} records imported from {printable(row[0])}, "
                              f"and {'none' if not known else f'only {known:,}'} of the {known + summary.added:,} "
                              f"records read are among them: is it another feed? Give it its own name with "
                              f"--source-name NAME (or --source-name {source} to add it to that source); nothing "
                              f"was changed")


# An update may take needs, languages or populations away from this share of a source's records
# (and from LOST_NEEDS_FLOOR records) before it must be confirmed: sites drop a service now and then,
# but a tenth of a source losing some is another feed imported under its name (the National
# Directory's MH workbook over the SA one took needs from 2,016 of 12,170 sites), or a broken export.
LOST_NEEDS_SHARE = 0.10
LOST_NEEDS_FLOOR = 20
_FACETS_KEPT = ("needs", "languages", "populations")
EXAMPLES_KEPT = 10


def _taken_away(conn: sqlite3.Connection, summary: ImportSummary, source: str) -> None:
    """What the update takes away from records the source already holds, for the summary: how many
    records lose a need, language or population, how many lose each one, and a few of them."""
    held = conn.execute("SELECT count(*) FROM services WHERE source = ?", (source,)).fetchone()[0]
    lost: dict[str, dict[str, int]] = {facet: {} for facet in _FACETS_KEPT}
    examples: list[dict[str, Any]] = []
    records = 0
    columns = ", ".join(f"v.{f}, s.{f}" for f in _FACETS_KEPT)
    for name, city, state, *lists in conn.execute(
            f"SELECT v.name, v.city, v.state, {columns} FROM staging s JOIN services v ON v.id = s.id "
            "WHERE v.content_hash != s.content_hash ORDER BY v.name_fold, v.id"):
        gone: list[str] = []
        for facet, before, after in zip(_FACETS_KEPT, lists[0::2], lists[1::2]):
            if before == after:
                continue
            for value in sorted(set(json.loads(before)) - set(json.loads(after))):
                lost[facet][value] = lost[facet].get(value, 0) + 1
                gone.append(value)
        if gone:
            records += 1
            if len(examples) < EXAMPLES_KEPT:
                examples.append({"name": name, "city": city, "state": state, "lost": gone})
    if records:
        bound = max(LOST_NEEDS_FLOOR, int(held * LOST_NEEDS_SHARE))
        summary.taken_away = {
            "records": records, "held": held, "bound": bound, "over_bound": records > bound,
            **{facet: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) for facet, counts in lost.items()},
            "examples": examples}


def taken_away_text(taken: dict[str, Any], most: int = 6) -> str:
    """"methadone 107, detox 550, …": the values most records lose, for one sentence."""
    counts = sorted(((n, v) for facet in _FACETS_KEPT for v, n in taken.get(facet, {}).items()), key=lambda p: (-p[0], p[1]))
    text = ", ".join(f"{v} {n:,}" for n, v in counts[:most])
    return text + (", …" if len(counts) > most else "")


def _refuse_lost_needs(summary: ImportSummary, source: str, origin: str) -> None:
    taken = summary.taken_away
    if not taken.get("over_bound"):
        return
    first = taken["examples"][0]
    raise SourceError(origin, f"would take needs, languages or populations away from {taken['records']:,} of the "
                              f"{taken['held']:,} records of source '{source}' ({taken_away_text(taken)}; e.g. "
                              f"{first['name']}, {first['city']}: {', '.join(first['lost'][:5])}), more than the "
                              f"{taken['bound']:,} ({LOST_NEEDS_SHARE:.0%}) an update may take without confirming "
                              f"(is it another feed? give it its own --source-name); nothing was changed: see them "
                              f"with --dry-run, then add --allow-lost-needs if the source really dropped them")


def _refuse_demo_directory(db_path: Path) -> None:
    """The shipped demo directory is fictional: real records imported into it would be shown among
    made-up ones (the README's examples once wrote there)."""
    if not db_path.is_file():
        return
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            demo = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return  # not a directory (yet): the import says so in its own words
    if not demo or demo[0] != "true":
        return
    from helpline_tui.paths import real_directory_file

    raise DemoDirectoryRefused(
        f"{db_path} is the demo directory of fictional services, so real records would be shown among made-up "
        f"ones; start a real directory with `export HELPLINE_DB={real_directory_file()}` (the platform's data "
        f"folder) or --db PATH, then import again, or add --into-demo to import into the demo anyway; nothing was "
        f"changed")


def _diff(conn: sqlite3.Connection, summary: ImportSummary, source: str, replace_source: bool) -> None:
    summary.added = conn.execute(
        "SELECT count(*) FROM staging s WHERE NOT EXISTS (SELECT 1 FROM services v WHERE v.id = s.id)"
    ).fetchone()[0]
    summary.updated = conn.execute(
        "SELECT count(*) FROM staging s JOIN services v ON v.id = s.id WHERE v.content_hash != s.content_hash"
    ).fetchone()[0]
    summary.unchanged = conn.execute(
        "SELECT count(*) FROM staging s JOIN services v ON v.id = s.id WHERE v.content_hash = s.content_hash"
    ).fetchone()[0]
    if replace_source:
        summary.removed = conn.execute(
            "SELECT count(*) FROM services v WHERE v.source = ? AND NOT EXISTS "
            "(SELECT 1 FROM staging s WHERE s.id = v.id)", (source,)
        ).fetchone()[0]


def _apply(conn: sqlite3.Connection, columns: list[str], source: str, replace_source: bool) -> None:
    if replace_source:
        conn.execute(
            "DELETE FROM services WHERE source = ? AND NOT EXISTS (SELECT 1 FROM staging s WHERE s.id = services.id)",
            (source,),
        )
    conn.execute(
        "DELETE FROM staging WHERE id IN (SELECT s.id FROM staging s JOIN services v ON v.id = s.id "
        "AND v.content_hash = s.content_hash)"
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "id")
    conn.execute(
        f"INSERT INTO services ({', '.join(columns)}) SELECT {', '.join(columns)} FROM staging WHERE true "
        f"ORDER BY name_fold, {WEEK_ORDER}, id "  # the order renumber_by_name gives: nothing to renumber
        f"ON CONFLICT(id) DO UPDATE SET {updates}"
    )


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
