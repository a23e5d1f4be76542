"""The ZIP-centroid and ZIP-zone tables a new directory file gets at its first import, copied in
tests from one file filled once per session (a fraction of a second against about one second to
insert them again from `zipcodes` for every new file). The copy holds the same rows: the template
is filled by the real geo.fill_centroids and zones.fill_zip_zones, which the tests that call those
functions directly, and every real process (`run_cli_process`), still run."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlite_utils

from helpline_tui.core import geo, schema, zones


def fill_template(path: Path) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        schema.ensure_current(sqlite_utils.Database(conn))
        geo.fill_centroids(conn)
        zones.fill_zip_zones(conn)
    finally:
        conn.close()
    return path


def _copier(template: Path, table: str, create: str | None, real: Callable[[sqlite3.Connection], int]):
    def fill(conn: sqlite3.Connection) -> int:
        if conn.in_transaction:  # ATTACH cannot run inside one: fill the way the product does
            return real(conn)
        if create:
            conn.execute(create)
        if conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            return real(conn)  # what to do with rows already there is the product's business
        conn.execute("ATTACH DATABASE ? AS zip_template", (str(template),))
        try:
            conn.execute("BEGIN")
            count = conn.execute(f"INSERT INTO {table} SELECT * FROM zip_template.{table}").rowcount
            conn.execute("COMMIT")
        finally:
            conn.execute("DETACH DATABASE zip_template")
        return count
    return fill


@contextlib.contextmanager
def copied_from(template: Path) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(geo, "fill_centroids", _copier(template, "zip_centroids", None, geo.fill_centroids))
        patch.setattr(zones, "fill_zip_zones",
                      _copier(template, "zip_zones", zones.ZIP_ZONES_TABLE, zones.fill_zip_zones))
        yield
