"""The import's rows staged beside the services table, compared with it, then applied to it.

The staging table is a temporary table of the private copy (core/safe_write.py): until every
row is staged nothing else is written, so worker processes can read ZIP centroids from the same
file meanwhile. The diff counts added, updated, unchanged and (with --replace-source) removed
records by id and content hash; applying writes only what changed.
"""

from __future__ import annotations

import sqlite3
from operator import itemgetter

from helpline_tui.core import schema, site_merging
from helpline_tui.core.import_summary import ImportSummary
from helpline_tui.core.indexing import WEEK_ORDER
from helpline_tui.core.record_cleaning import merge_rows
from helpline_tui.core.row_encoding import decode_row, encode_row


def create_staging(conn: sqlite3.Connection) -> list[str]:
    """The temporary staging table, with the services table's columns (but the row number, which
    applying gives); returns those columns in order."""
    columns = [c for c in schema.SERVICE_COLUMNS if c != "rid"]
    conn.execute(
        "CREATE TEMP TABLE staging (" + ", ".join(
            f"{c} {'TEXT PRIMARY KEY' if c == 'id' else ''}" for c in columns) + ")"
    )
    return columns


class Stager:
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
        merged = encode_row(merge_rows(decode_row(self.columns, first), decode_row(self.columns, second)))
        return itemgetter(*self.columns)(merged)

    def flush(self) -> None:
        if not self.pending:
            return
        self.conn.executemany(self.insert_sql, self.pending.values())
        self.staged.update(self.pending)
        self.pending.clear()


def diff(conn: sqlite3.Connection, summary: ImportSummary, source: str, replace_source: bool) -> None:
    """The summary's added, updated, unchanged and removed counts: staging against services."""
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


def apply(conn: sqlite3.Connection, columns: list[str], source: str, replace_source: bool) -> None:
    """The staged rows into the services table: new and changed ones written, unchanged ones left,
    and with `replace_source` the source's records the import no longer has removed."""
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


def merge_sites(conn: sqlite3.Connection, summary: ImportSummary, source: str) -> None:
    """One row per site across sources (site_merging), and the pairs of this source for the summary."""
    sites = site_merging.fold(conn)
    summary.merges = site_merging.report(sites, source)
    summary.merged = len({pair["id"] for pair in summary.merges})


def source_known(conn: sqlite3.Connection, source: str) -> bool:
    return conn.execute("SELECT 1 FROM sources WHERE name = ?", (source,)).fetchone() is not None
