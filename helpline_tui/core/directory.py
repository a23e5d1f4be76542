"""Opening the directory for reading, and what `helpline info` reports about it."""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpline_tui.core import files, geo, schema, settings, url_secrets
from helpline_tui.core.geo import haversine_miles
from helpline_tui.core.site_merging import sources_of
from helpline_tui.errors import Failure

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB = PROJECT_ROOT / "data" / "services.sqlite"


def default_db_path() -> Path:
    """`HELPLINE_DB` when set, else data/services.sqlite of the source checkout."""
    configured = settings.DB.read()
    return Path(configured) if configured else DEFAULT_DB


class DirectoryError(Failure):
    pass


def open_readonly(path: str | Path) -> sqlite3.Connection:
    """A read-only connection. Imports never write this file in place (they swap in a new one), so
    an open reader keeps a consistent view until it reopens."""
    path = Path(path)
    if not path.exists():
        raise DirectoryError(f"{path} does not exist; build it with 'helpline demo build' or import a source")
    try:
        conn = sqlite3.connect(files.readonly_uri(path), uri=True, check_same_thread=False)
        # The radius filter uses the very function that computes the distance shown.
        conn.create_function("hl_miles", 4, _miles, deterministic=True)
        schema.check_readable(conn, str(path))
        geo.place_names(conn)  # made now, so a file without the centroid table fails here, in one sentence
    except sqlite3.DatabaseError as exc:
        raise DirectoryError(schema.not_a_directory(path, exc)) from None
    except schema.SchemaError as exc:
        raise DirectoryError(str(exc)) from None
    return conn


def _miles(lat: float | None, lon: float | None, lat0: float, lon0: float) -> float | None:
    if lat is None or lon is None:
        return None
    return haversine_miles(lat0, lon0, lat, lon)


@dataclass(frozen=True)
class FileIdentity:
    """Changes when an import swaps the file in: the TUI polls it to reload live."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, path: str | Path) -> FileIdentity | None:
        try:
            st = os.stat(path)
        except OSError:
            return None
        return cls(st.st_ino, st.st_mtime_ns, st.st_size)


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


def is_demo(conn: sqlite3.Connection) -> bool:
    return meta(conn).get("demo") == "true"


def source_imported_from(path: str | Path, fmt: str, origin: str, checksum: str) -> str | None:
    """The source an earlier import of the same file or URL (same origin, or a local file with the
    same content) was filed under, whatever its name: importing it again refreshes that source,
    as in directories whose sources were named before default names said which feed they are
    ("samhsa-directory"). None when there is none, or no readable directory yet."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT name FROM sources WHERE format = ? AND (origin = ? OR (? != '' AND checksum = ?)) "
                "ORDER BY origin != ?, imported_at DESC LIMIT 1", (fmt, origin, checksum, checksum, origin)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def info(conn: sqlite3.Connection) -> dict[str, Any]:
    def counts(sql: str) -> dict[str, int]:
        return {k: v for k, v in conn.execute(sql).fetchall()}

    sources = [
        # hide(): a directory imported before credentials were kept out of origins
        {"name": n, "format": f, "origin": url_secrets.hide(o)[0], "records": r, "imported_at": i, "checksum": c}
        for n, f, o, r, i, c in conn.execute(
            "SELECT name, format, origin, records, imported_at, checksum FROM sources ORDER BY name"
        )
    ]
    m = meta(conn)
    return {
        "total": conn.execute("SELECT count(*) FROM services").fetchone()[0],
        "active": conn.execute("SELECT count(*) FROM services WHERE status = 'active'").fetchone()[0],
        "demo": m.get("demo") == "true",
        "schema_version": schema.version(conn),
        "sources": sources,
        "by_kind": counts("SELECT kind, count(*) FROM services GROUP BY kind ORDER BY kind"),
        "by_state": counts("SELECT state, count(*) FROM services WHERE state != '' GROUP BY state ORDER BY state"),
        "by_need": counts("SELECT value, count(*) FROM service_facets GROUP BY value ORDER BY value"),
        "by_language": counts("SELECT lang, count(*) FROM service_languages GROUP BY lang ORDER BY lang"),
        "by_status": counts("SELECT status, count(*) FROM services GROUP BY status ORDER BY status"),
        "languages_unknown": conn.execute("SELECT count(*) FROM services WHERE languages = '[]'").fetchone()[0],
        "imports": conn.execute("SELECT count(*) FROM import_history").fetchone()[0],
        # Records shown once for a site several sources describe (site_merging).
        "merged_sites": conn.execute("SELECT count(DISTINCT merged_id) FROM record_aliases").fetchone()[0],
    }


def source_formats(rec: dict[str, Any]) -> list[str]:
    """The format of each source of a record (get_record adds them: "meeting-guide", "samhsa-csv"),
    whatever name the source was imported under; a source's own name when its format is not known."""
    formats = rec.get("source_formats") or {}
    names = [m.get("source") for m in rec.get("sources") or []] or [rec.get("source")]
    return [formats.get(name) or name or "" for name in names]


RECORD_JSON_FIELDS = (*schema.JSON_LIST_COLUMNS, "hours")  # stored as JSON text, decoded on read


def row_to_record(names: list[str], row: tuple) -> dict[str, Any]:
    rec = dict(zip(names, row, strict=True))
    for key in RECORD_JSON_FIELDS:
        if key in rec and isinstance(rec[key], str):
            rec[key] = json.loads(rec[key])
    return rec


def get_record(conn: sqlite3.Connection, record_id: str) -> dict[str, Any] | None:
    cur = conn.execute("SELECT * FROM services WHERE id = ?", (record_id,))
    row = cur.fetchone()
    if row is None:
        return None
    rec = row_to_record([d[0] for d in cur.description], row)
    rec["raw"] = json.loads(rec.pop("raw_json") or "{}")
    # Each source's own version of a merged site, primary first; one entry when nothing merged.
    members = sources_of(conn, [record_id]).get(record_id)
    rec["sources"] = members or [{"source": rec["source"], "id": rec["id"],
                                  "source_record_id": rec["source_record_id"], "name": rec["name"]}]
    # Each source's format ("meeting-guide", "samhsa-csv"): the page reads codes by their format,
    # whatever name the source was imported under.
    formats = dict(conn.execute("SELECT name, format FROM sources"))
    rec["source_formats"] = {m["source"]: formats.get(m["source"]) or "" for m in rec["sources"]}
    return rec
