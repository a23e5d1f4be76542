"""The directory's SQLite schema, its version and its migrations.

One row per service at a place in `services`; side tables for the filters; FTS for search. Derived
tables (facets, full-text index) are rebuilt from `services` by `rebuild_derived`, so they can never
drift from the records they describe.
"""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Callable

import sqlite_utils

from helpline_tui.errors import Failure

SCHEMA_VERSION = 3

# Column order is the order of `helpline search --json`-independent storage; JSON columns hold lists
# or objects encoded with json.dumps(sort_keys=True) so content hashes are stable.
SERVICE_COLUMNS: dict[str, type] = {
    "rid": int,
    "id": str,
    "kind": str,
    "name": str,
    "organization": str,
    "site_name": str,
    "description": str,
    "phone": str,
    "intake_phone": str,
    "hotline_phone": str,
    "website": str,
    "email": str,
    "street": str,
    "city": str,
    "state": str,
    "zip": str,
    "county": str,
    "latitude": float,
    "longitude": float,
    "geo_precision": str,
    "service_area": str,
    "service_area_list": str,  # JSON list
    "hours": str,  # JSON object
    "hours_text": str,
    "status": str,
    "languages": str,  # JSON list
    "needs": str,  # JSON list
    "populations": str,  # JSON list
    "payment": str,  # JSON list
    "source_codes": str,  # JSON list
    "unmapped_codes": str,  # JSON list
    "concepts": str,  # JSON list: service concepts the source's codes or category names give
    "concepts_inferred": str,  # JSON list: concepts read from the record's own words (none coded)
    "category_names": str,  # JSON list: the source's own names of its categories, searchable words
    "source": str,
    "source_record_id": str,
    "imported_at": str,
    "last_verified": str,
    "raw_json": str,
    "content_hash": str,
    "name_fold": str,  # folded name, B-tree for 1-2 letter prefix queries
    "match_fold": str,  # folded name + site name + organisation, for ranking
    "place_fold": str,  # folded street, city, county, state, ZIP, for ranking
    "city_fold": str,
    "phone_digits": str,  # every phone's digits, space separated, for phone lookups
}
JSON_LIST_COLUMNS = (
    "service_area_list", "languages", "needs", "populations", "payment", "source_codes", "unmapped_codes",
    "concepts", "concepts_inferred", "category_names",
)


# Contentless: the text lives in `services`; the index only answers which rows match.
FTS_TABLE = ("CREATE VIRTUAL TABLE services_fts USING fts5("
             "name, place, keywords, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')")
# Where FTS5 keeps that index: ordinary tables, so an index built elsewhere can be copied in whole.
FTS_SHADOW_TABLES = ("services_fts_data", "services_fts_idx", "services_fts_docsize", "services_fts_config")


def create(db: sqlite_utils.Database) -> None:
    db.table("services").create(SERVICE_COLUMNS, pk="rid", not_null={"id", "kind", "name", "status", "source"})
    db.table("services").create_index(["id"], unique=True)
    db.table("services").create_index(["state", "status"])
    db.table("services").create_index(["name_fold"])
    db.table("services").create_index(["zip"])
    db.table("services").create_index(["source"])
    db.table("services").create_index(["latitude", "longitude"])
    # Every filterable id (need, population, payment) in one table: `--need` takes all three.
    # WITHOUT ROWID: the primary key is the whole row, so it is stored once.
    db.execute("CREATE TABLE service_facets (value TEXT, rid INTEGER, facet TEXT, PRIMARY KEY (value, rid)) WITHOUT ROWID")
    db.execute("CREATE TABLE service_languages (lang TEXT, rid INTEGER, PRIMARY KEY (lang, rid)) WITHOUT ROWID")
    # Service-area tokens ("US", "NY", "zip:10701"): services kept near any place their area covers.
    db.execute("CREATE TABLE service_areas (token TEXT, rid INTEGER, PRIMARY KEY (token, rid)) WITHOUT ROWID")
    db.execute("CREATE TABLE service_phones (digits TEXT, rid INTEGER, PRIMARY KEY (digits, rid)) WITHOUT ROWID")
    db.table("search_terms").create({"term": str, "docs": int, "phonetic": str}, pk="term")
    db.table("sources").create(
        {
            "name": str, "format": str, "origin": str, "checksum": str, "imported_at": str,
            "records": int, "read": int, "added": int, "updated": int, "unchanged": int,
            "removed": int, "skipped": int,
        },
        pk="name",
    )
    db.table("import_history").create(
        {
            "id": int, "source": str, "format": str, "origin": str, "checksum": str,
            "started_at": str, "finished_at": str, "read": int, "added": int, "updated": int,
            "unchanged": int, "removed": int, "skipped": int, "summary_json": str,
        },
        pk="id",
    )
    db.table("zip_centroids").create(
        {"zip": str, "city": str, "city_fold": str, "state": str, "county": str, "latitude": float,
         "longitude": float},
        pk="zip",
    )
    db.table("zip_centroids").create_index(["city_fold", "state"])
    db.table("meta").create({"key": str, "value": str}, pk="key")
    db.execute(FTS_TABLE)
    create_site_merges(db)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def create_site_merges(db: sqlite_utils.Database) -> None:
    """Version 2: one record per site across sources (helpline_tui.core.site_merging). Each
    member's own row, whole, in `source_records`; `record_aliases` maps a member (its id, and its
    source with the source's own record id) to the id of the row `services` shows."""
    db.table("source_records").create({c: t for c, t in SERVICE_COLUMNS.items() if c != "rid"}, pk="id")
    db.table("record_aliases").create(
        {"id": str, "merged_id": str, "source": str, "source_record_id": str, "name": str, "why": str,
         "score": float},
        pk="id", not_null={"merged_id", "source"},
    )
    db.table("record_aliases").create_index(["merged_id"])
    db.table("record_aliases").create_index(["source", "source_record_id"])


CONCEPT_COLUMNS = ("concepts", "concepts_inferred", "category_names")


def add_concept_columns(db: sqlite_utils.Database) -> None:
    """Version 3: service concepts and the source's category names (core/concepts.py). Records
    imported before have none until their source is imported again (`helpline refresh`)."""
    for table in ("services", "source_records"):
        have = set(db[table].columns_dict)  # source_records made by version 2's step has them
        for column in (c for c in CONCEPT_COLUMNS if c not in have):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT DEFAULT '[]'")


# version -> function upgrading a directory from that version to version + 1. The pipeline runs
# them inside its all-or-nothing write, so a failed migration leaves the old file untouched.
MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {1: create_site_merges, 2: add_concept_columns}


class SchemaError(Failure):
    pass


def version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def is_empty(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def ensure_current(db: sqlite_utils.Database) -> list[int]:
    """Create the schema on an empty file or migrate an older one; returns versions applied."""
    conn = db.conn
    if is_empty(conn):
        create(db)
        return [SCHEMA_VERSION]
    current = version(conn)
    if current > SCHEMA_VERSION:
        raise SchemaError(
            f"the directory has schema version {current}, newer than this helpline understands "
            f"({SCHEMA_VERSION}); upgrade helpline"
        )
    applied = []
    while current < SCHEMA_VERSION:
        step = MIGRATIONS.get(current)
        if step is None:
            raise SchemaError(f"no migration from schema version {current}; rebuild the directory")
        step(db)
        current += 1
        db.execute(f"PRAGMA user_version = {current}")
        applied.append(current)
    return applied


def not_a_directory(path: object, why: object) -> str:
    """The sentence for a file that cannot be used as a directory (damaged, truncated, another
    kind of file): what is wrong, then the command that says what to do about it."""
    return f"{path} is not a helpline directory ({why}); `helpline doctor --db {shlex.quote(str(path))}` says what to do"


def check_readable(conn: sqlite3.Connection, path: str) -> None:
    """Readers refuse a file that is not a directory of this schema, with one clear sentence."""
    try:
        current = version(conn)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise SchemaError(not_a_directory(path, exc)) from None
    if "services" not in tables:
        raise SchemaError(not_a_directory(path, "no services table"))
    if current != SCHEMA_VERSION:
        raise SchemaError(
            f"{path} has schema version {current}; this helpline needs {SCHEMA_VERSION}: "
            f"run 'helpline migrate --db {path}'"
        )


def insert_in_one_transaction(conn: sqlite3.Connection, sql: str, rows) -> None:
    """`executemany` inside one transaction (its own, unless one is open): on a connection in
    autocommit mode each row would be its own transaction (42k ZIP rows: 0.64 s, not 0.05 s)."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")
    conn.executemany(sql, rows)
    if own:
        conn.execute("COMMIT")
