"""`helpline doctor`: is the directory file sound, and if not, what to run.

Every check reads the file through a read-only connection and says one line: ok, a note (worth
knowing, nothing to do) or a problem with the command that fixes it. `repair` does what the
index and count problems ask for: it rebuilds the derived tables and source counts from the
records through the one all-or-nothing write (import lock, private copy, atomic swap, the damaged
file kept as a version). A damaged file itself is not repaired: the fix is a rollback or re-import.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from helpline_tui.core import files, safe_write, schema, site_merging, versions
from helpline_tui.core.indexing import phone_keys, rebuild_derived
from helpline_tui.core.query import keyword_token, tag_token
from helpline_tui.errors import Failure

OK, NOTE, PROBLEM = "ok", "note", "problem"
DERIVED_TABLES = ("service_facets", "service_languages", "service_phones", "service_areas", "services_fts",
                  "search_terms")
REQUIRED_TABLES = ("services", "sources", "meta", "import_history", "zip_centroids", "source_records",
                   "record_aliases", *DERIVED_TABLES)
SAMPLE_ROWS = 500  # rows whose full-text tags are recomputed and looked up one by one


@dataclass
class Finding:
    check: str
    status: str
    message: str
    fix: str = ""


@dataclass
class Report:
    db_path: Path
    findings: list[Finding] = field(default_factory=list)

    @property
    def problems(self) -> list[Finding]:
        return [f for f in self.findings if f.status == PROBLEM]

    @property
    def healthy(self) -> bool:
        return not self.problems

    def fixes(self) -> list[str]:
        return list(dict.fromkeys(f.fix for f in self.problems if f.fix))

    def as_json(self) -> dict[str, Any]:
        return {"db": str(self.db_path), "healthy": self.healthy, "problems": len(self.problems),
                "fixes": self.fixes(), "findings": [asdict(f) for f in self.findings]}


class RepairRefused(Failure):
    pass


# ------------------------------------------------------------------------------------------ checks


def examine(db_path: str | Path, *, check_lock: bool = True) -> Report:
    db_path = files.real_path(db_path)  # its temporary files and kept versions are beside the real file
    report = Report(db_path)
    add = report.findings.append
    fixes = _Fixes(db_path)
    if not db_path.is_file():
        add(Finding("file", PROBLEM, f"{db_path} does not exist" if not db_path.exists() else
                    f"{db_path} is not a file", fixes.restore))
    else:
        _check_contents(db_path, add, fixes)
    _check_files(db_path, add, check_lock)
    _check_versions(db_path, add)
    return report


def _check_contents(db_path: Path, add: Callable[[Finding], None], fixes: _Fixes) -> None:
    try:
        conn = sqlite3.connect(files.readonly_uri(db_path), uri=True)
    except sqlite3.Error as exc:
        add(Finding("file", PROBLEM, f"{db_path} cannot be opened read-only ({exc})", fixes.restore))
        return
    try:
        if not _run(add, "file", fixes.restore, lambda: _check_opens(conn, db_path)):
            return
        sound = _run(add, "integrity", fixes.restore, lambda: _check_integrity(conn, fixes))
        current = _run(add, "schema", fixes.restore, lambda: _check_schema(conn, fixes))
        if sound and current:
            _run(add, "index", fixes.restore, lambda: _check_index(conn, fixes))
            _run(add, "sources", fixes.restore, lambda: _check_sources(conn, fixes))
        else:
            why = "the file is damaged" if not sound else "the schema is not current"
            add(Finding("index", NOTE, f"index and source counts not checked: {why}"))
    finally:
        conn.close()


class _Fixes:
    """The command that fixes each kind of problem, given what this directory has kept."""

    def __init__(self, db_path: Path):
        self.db = db_path
        newest = _newest_readable_version(db_path)
        aside = f"move {db_path} aside and " if db_path.exists() else ""
        self.restore = (
            f"run `helpline import --rollback --db {db_path}` (restores the version kept at "
            f"{newest.info.get('kept_at')}, {newest.info.get('services', 0):,} services)" if newest else
            f"{aside}re-import every source (`helpline import FORMAT SOURCE --db {db_path}`), "
            f"or `helpline demo build --db {db_path}` for demo data")
        self.repair = f"run `helpline doctor --repair --db {db_path}`"
        self.migrate = f"run `helpline migrate --db {db_path}`"


def _run(add: Callable[[Finding], None], check: str, fix: str, body: Callable[[], list[Finding]]) -> bool:
    """Run one check; a file SQLite cannot read there is a problem of that check, not a crash."""
    try:
        found = body()
    except sqlite3.DatabaseError as exc:
        add(Finding(check, PROBLEM, f"SQLite cannot read the file ({exc})", fix))
        return False
    for finding in found:
        add(finding)
    return all(f.status != PROBLEM for f in found)


def _check_opens(conn: sqlite3.Connection, db_path: Path) -> list[Finding]:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    size = db_path.stat().st_size
    return [Finding("file", OK, f"{db_path} ({size / 1e6:,.1f} MB) opens read-only")]


def _check_integrity(conn: sqlite3.Connection, fixes: _Fixes) -> list[Finding]:
    found = []
    for pragma in ("quick_check", "integrity_check"):
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}(5)")]
        if rows == ["ok"]:
            found.append(Finding("integrity", OK, f"PRAGMA {pragma}: ok"))
        else:
            # One line per finding: SQLite's report comes as several lines under a heading.
            lines = [x for row in rows for x in row.splitlines() if x and not x.startswith("***")]
            found.append(Finding("integrity", PROBLEM, f"PRAGMA {pragma} reports damage: {'; '.join(lines[:3])}",
                                 fixes.restore))
            break  # integrity_check would only say it again, slower
    return found


def _check_schema(conn: sqlite3.Connection, fixes: _Fixes) -> list[Finding]:
    current = schema.version(conn)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if current > schema.SCHEMA_VERSION:
        return [Finding("schema", PROBLEM, f"schema version {current} is newer than this helpline understands "
                        f"({schema.SCHEMA_VERSION})", "upgrade helpline (`pip install -U helpline`)")]
    if current < schema.SCHEMA_VERSION:
        path = all(v in schema.MIGRATIONS for v in range(current, schema.SCHEMA_VERSION))
        return [Finding("schema", PROBLEM, f"schema version {current} is older than this helpline's "
                        f"({schema.SCHEMA_VERSION})" + ("" if path else f"; no migration from version {current} exists"),
                        fixes.migrate if path else fixes.restore)]
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        return [Finding("schema", PROBLEM, f"schema version {current} but table(s) missing: {', '.join(missing)}",
                        fixes.restore)]
    return [Finding("schema", OK, f"schema version {current} (current), all tables present")]


def _check_index(conn: sqlite3.Connection, fixes: _Fixes) -> list[Finding]:
    found: list[Finding] = []

    def problem(message: str) -> None:
        found.append(Finding("index", PROBLEM, message, fixes.repair))

    services = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    fts_rows = conn.execute("SELECT count(*) FROM services_fts_docsize").fetchone()[0]
    unindexed = conn.execute(
        "SELECT count(*) FROM services WHERE rid NOT IN (SELECT id FROM services_fts_docsize)").fetchone()[0]
    orphans = conn.execute(
        "SELECT count(*) FROM services_fts_docsize WHERE id NOT IN (SELECT rid FROM services)").fetchone()[0]
    if unindexed or orphans:
        problem(f"{services:,} services but {fts_rows:,} full-text rows: {unindexed:,} service(s) not in the "
                f"full-text index, {orphans:,} full-text row(s) of no service")
    # Every row carries its kind and status as a tag: counting each tag's matches recomputes
    # those tags for all rows, through the index itself rather than its row list.
    for column, field_name in (("kind", "kind"), ("status", "status")):
        for value, count in conn.execute(f"SELECT {column}, count(*) FROM services GROUP BY {column}"):
            token = tag_token(field_name, value)
            matched = conn.execute("SELECT count(*) FROM services_fts WHERE services_fts MATCH ?",
                                   (f'keywords:"{token}"',)).fetchone()[0]
            if matched != count:
                problem(f"the full-text index finds {matched:,} services of {field_name} '{value}', the records hold {count:,}")
    found += _check_sample_tags(conn, fixes)
    for table, label, expected in _derived_expectations():
        missing = conn.execute(f"SELECT count(*) FROM ({expected} EXCEPT SELECT * FROM ({table}))").fetchone()[0]
        extra = conn.execute(f"SELECT count(*) FROM ({table} EXCEPT SELECT * FROM ({expected}))").fetchone()[0]
        if missing or extra:
            problem(f"{label} disagree with the records: {missing:,} row(s) missing, {extra:,} row(s) of no record")
    expected_phones = {(key, rid) for rid, digits in conn.execute("SELECT rid, phone_digits FROM services")
                       for key in phone_keys(digits)}
    actual_phones = set(conn.execute("SELECT digits, rid FROM service_phones"))
    if expected_phones != actual_phones:
        problem(f"phone lookups disagree with the records: {len(expected_phones - actual_phones):,} missing, "
                f"{len(actual_phones - expected_phones):,} of no record")
    if services and not conn.execute("SELECT count(*) FROM search_terms").fetchone()[0]:
        problem("the word list for typo-tolerant search is empty")
    index_id = conn.execute("SELECT value FROM meta WHERE key = 'index_id'").fetchone()
    if not index_id or not index_id[0]:
        problem("meta.index_id is missing: readers cannot tell index builds apart")
    if not found:
        found.append(Finding("index", OK, f"{services:,} services, {fts_rows:,} full-text rows; facets, languages, "
                             f"phones and areas match the records; index {index_id[0][:8]}"))
    return found


def _derived_expectations() -> list[tuple[str, str, str]]:
    """(actual rows, label, the same rows recomputed from `services`) for the side tables."""
    facets = " UNION ALL ".join(
        f"SELECT j.value, s.rid, '{facet}' FROM services s, json_each(s.{column}) j"
        for facet, column in (("need", "needs"), ("population", "populations"), ("payment", "payment")))
    return [
        ("SELECT value, rid, facet FROM service_facets", "need, population and payment filters", facets),
        ("SELECT lang, rid FROM service_languages", "language filters",
         "SELECT j.value, s.rid FROM services s, json_each(s.languages) j"),
        ("SELECT token, rid FROM service_areas", "service-area lookups",
         "SELECT j.value, s.rid FROM services s, json_each(s.service_area_list) j"),
    ]


def _check_sample_tags(conn: sqlite3.Connection, fixes: _Fixes) -> list[Finding]:
    """Recompute the need and state tags of a spread of rows and find each row by them."""
    total = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    step = max(1, total // SAMPLE_ROWS)
    wrong = []
    for rid, name, needs_json, state in conn.execute(
            "SELECT rid, name, needs, state FROM services WHERE rid % ? = 0 LIMIT ?", (step, SAMPLE_ROWS)):
        tokens = [tag_token("state", state), *(keyword_token("need", n) for n in json.loads(needs_json or "[]"))]
        query = " AND ".join(f'keywords:"{t}"' for t in tokens)
        hit = conn.execute("SELECT 1 FROM services_fts WHERE services_fts MATCH ? AND rowid = ?", (query, rid)).fetchone()
        if hit is None:
            wrong.append(name)
    if wrong:
        return [Finding("index", PROBLEM, f"{len(wrong):,} sampled service(s) cannot be found by their own needs "
                        f"and state, e.g. '{wrong[0]}'", fixes.repair)]
    return []


def _check_sources(conn: sqlite3.Connection, fixes: _Fixes) -> list[Finding]:
    found = []
    actual = site_merging.records_per_source(conn)
    listed = dict(conn.execute("SELECT name, records FROM sources"))
    for name, records in sorted(listed.items()):
        if records != actual.get(name, 0):
            found.append(Finding("sources", PROBLEM, f"source '{name}' is listed with {records:,} records but the "
                                 f"directory holds {actual.get(name, 0):,}", fixes.repair))
    for name in sorted(set(actual) - set(listed)):
        found.append(Finding("sources", PROBLEM, f"{actual[name]:,} services of source '{name}', which the sources "
                             f"table does not list (refresh cannot reach them)",
                             f"re-import source '{name}' (`helpline import FORMAT SOURCE --source-name {name} "
                             f"--db {fixes.db}`) or {fixes.restore.removeprefix('run ')}"))
    if not found:
        counts = ", ".join(f"{n} {c:,}" for n, c in sorted(listed.items())) or "none"
        found.append(Finding("sources", OK, f"record counts match the sources table ({counts})"))
    return found


def stale_files(db_path: Path) -> list[Path]:
    """Temporary files beside the directory that only a killed import or swap leaves behind."""
    from helpline_tui.core.demo_build import leftovers

    folder = db_path.parent
    if not folder.is_dir():
        return []
    found = [*safe_write.private_copies(db_path), *leftovers(db_path)]
    return sorted(found) + versions.incomplete_files(db_path)


def lock_held(db_path: Path) -> bool:
    lock_path = safe_write.lock_file(db_path)
    if not lock_path.exists():
        return False
    with open(lock_path, "rb") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _check_files(db_path: Path, add: Callable[[Finding], None], check_lock: bool) -> None:
    temps = stale_files(db_path)
    running = check_lock and lock_held(db_path)
    names = ", ".join(p.name for p in temps[:3]) + (f" and {len(temps) - 3} more" if len(temps) > 3 else "")
    if running:
        add(Finding("files", NOTE, "an import is running now (its lock is held)"
                    + (f"; {names} are its work in progress" if temps else "")))
    elif temps:
        size = sum(p.stat().st_size for p in temps if p.exists())
        add(Finding("files", PROBLEM, f"{len(temps)} stale temporary file(s) of a killed import "
                    f"({size / 1e6:,.1f} MB): {names}", f"run `helpline doctor --repair --db {db_path}`"))
    else:
        add(Finding("files", OK, "no stale temporary files, no import running"))


def _newest_readable_version(db_path: Path) -> versions.KeptVersion | None:
    kept = versions.list_versions(db_path)
    if not kept or "unreadable" in kept[-1].info:
        return None
    return kept[-1]


def _check_versions(db_path: Path, add: Callable[[Finding], None]) -> None:
    kept = versions.list_versions(db_path)
    if not kept:
        add(Finding("versions", NOTE, "no kept versions: nothing to roll back to until the next import"))
        return
    newest = kept[-1]
    if "unreadable" in newest.info:
        add(Finding("versions", NOTE, f"{len(kept)} kept version(s), but the newest ({newest.name}) could not be "
                    f"read when it was kept ({newest.info['unreadable']}): a rollback would restore a damaged file"))
        return
    add(Finding("versions", OK, f"{len(kept)} kept version(s) in {versions.versions_dir(db_path).name}/; "
                f"`helpline import --rollback` restores {newest.describe()}"))


# ------------------------------------------------------------------------------------------ repair


def repair(db_path: str | Path) -> list[str]:
    """Fix what `doctor` can fix without the sources: stale files, derived tables and source
    counts. Refuses (RepairRefused, with the fix to run) when the file itself is damaged."""
    done = []
    with safe_write.import_lock(Path(db_path)) as db_path:  # held: no import is running, so every temporary file is stale
        removed = stale_files(db_path)
        for path in removed:
            path.unlink(missing_ok=True)
        if removed:
            done.append(f"removed {len(removed)} stale temporary file(s)")
        report = examine(db_path, check_lock=False)
        blocking = [f for f in report.problems if f.check in ("file", "integrity", "schema")]
        if blocking:
            raise RepairRefused(f"{blocking[0].message}: the file itself must be replaced; {blocking[0].fix}")
        if any(f.check in ("index", "sources") for f in report.problems):
            with safe_write.writable_copy(db_path, "doctor --repair") as (db, commit):
                conn = db.conn
                conn.execute("BEGIN")
                rebuild_derived(conn)
                conn.execute("UPDATE sources SET records = 0")
                conn.executemany("UPDATE sources SET records = ? WHERE name = ?",
                                 [(n, name) for name, n in site_merging.records_per_source(conn).items()])
                conn.execute("COMMIT")
                commit()
            done.append("rebuilt the full-text index, filters and source counts from the records "
                        "(the previous file is kept: `helpline import --rollback` undoes this)")
    return done
