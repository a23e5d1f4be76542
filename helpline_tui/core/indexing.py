"""Derived tables rebuilt from `services` after every write: filter facets, languages, phone
lookups, the full-text index and its word list. Rebuilding (rather than patching) keeps them exact
by construction."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path

from helpline_tui.core import fulltext, geo, meetings
from helpline_tui.core.lexicon import build_terms
from helpline_tui.core.records import WEEKDAYS


# A record's first weekday and its first start time, as ranking.week_position gives them: the
# meetings of one group (a record each) are listed Sunday to Saturday, by time. Hours are JSON
# with sorted keys, so the first weekday is found by asking for each in turn.
WEEK_ORDER = ("CASE " + " ".join(f"WHEN instr(hours, '\"{d}\"') THEN {i}" for i, d in enumerate(WEEKDAYS))
              + f" ELSE {len(WEEKDAYS)} END, coalesce(json_extract(hours, '$.' || CASE "
              + " ".join(f"WHEN instr(hours, '\"{d}\"') THEN '{d}'" for d in WEEKDAYS)
              + " END || '[0][0]'), '')")


def renumber_by_name(conn: sqlite3.Connection) -> None:
    """Give rows rids in (name, weekly time, id) order. Index order then is alphabetical order: unranked
    candidate caps and filter-only listings come alphabetically for free, and the names that
    begin with some letters are one rid range (docs/search-notes.md: "Matching is cheap, ranking is
    not", "What the synthetic figures do not show")."""
    conn.execute("DROP TABLE IF EXISTS temp.rid_map")
    conn.execute("CREATE TEMP TABLE rid_map (old_rid INTEGER PRIMARY KEY, new_rid INTEGER)")
    conn.execute(f"INSERT INTO temp.rid_map SELECT rid, ROW_NUMBER() OVER (ORDER BY name_fold, {WEEK_ORDER}, id) "
                 "FROM services")
    if conn.execute("SELECT count(*) FROM temp.rid_map WHERE old_rid != new_rid").fetchone()[0]:
        conn.execute("UPDATE services SET rid = -rid")
        conn.execute("UPDATE services SET rid = (SELECT new_rid FROM temp.rid_map WHERE old_rid = -services.rid)")
    conn.execute("DROP TABLE temp.rid_map")


def phone_keys(digits: str | None) -> list[str]:
    """The lookup keys of a record's phone digits: each number, and its last 7 digits, since
    callers and handlers give those as often as the full 10."""
    keys = []
    for number in (digits or "").split():
        keys.append(number)
        if len(number) > 10:  # 617-442-8800 x1289: the number is the first ten digits
            keys += [number[:10], number[3:10]]
        elif len(number) == 10:
            keys.append(number[-7:])
    return keys


# One row per (list item, record) for every JSON list a side table indexes, built by SQLite itself
# (json_each) and inserted in primary-key order, so each B-tree only ever appends.
_SIDE_TABLES = (
    # One statement per facet: three sorts of a third of the rows each cost less than one sort of
    # their union (1.5 -> 1.1 s for 1.7M rows at 74k records).
    *(f"INSERT INTO service_facets (value, rid, facet) SELECT j.value, s.rid, '{facet}' "
      f"FROM services s, json_each(s.{column}) j ORDER BY 1, 2"
      for column, facet in (("needs", "need"), ("populations", "population"), ("payment", "payment"))),
    "INSERT INTO service_languages (lang, rid) SELECT j.value, s.rid FROM services s, json_each(s.languages) j "
    "ORDER BY 1, 2",
    "INSERT OR IGNORE INTO service_areas (token, rid) SELECT j.value, s.rid FROM services s, "
    "json_each(s.service_area_list) j ORDER BY 1, 2",
)


def rebuild_derived(conn: sqlite3.Connection, scratch: Path | None = None) -> None:
    """Every derived table from `services`. With `scratch` (a file name beside the directory
    copy, removed after), a large directory's full-text index is built by another process while
    this one builds the filter tables (core/fulltext.py)."""
    renumber_by_name(conn)
    meetings.store_feed_fellowships(conn)  # read by the index rows of meetings (meetings.MEETING_SQL)
    for table in ("service_facets", "service_languages", "service_phones", "service_areas"):
        conn.execute(f"DELETE FROM {table}")
    elsewhere = None
    if scratch is not None and (os.cpu_count() or 1) > 1 and \
            conn.execute("SELECT count(*) FROM services").fetchone()[0] >= fulltext.ELSEWHERE_MIN_RECORDS:
        elsewhere = fulltext.BuildElsewhere(scratch)
    try:
        if elsewhere is not None and not elsewhere.send(conn.execute(fulltext.SOURCE_ROWS)):
            elsewhere.discard()
            elsewhere = None
        if elsewhere is None:
            fulltext.fill(conn, conn.execute(fulltext.SOURCE_ROWS))
        for sql in _SIDE_TABLES:
            conn.execute(sql)
        phones = sorted((key, rid) for rid, digits in conn.execute("SELECT rid, phone_digits FROM services")
                        for key in phone_keys(digits))
        conn.executemany("INSERT OR IGNORE INTO service_phones (digits, rid) VALUES (?,?)", phones)
        if elsewhere is not None and not elsewhere.copy_into(conn):
            fulltext.fill(conn, conn.execute(fulltext.SOURCE_ROWS))
    finally:
        if elsewhere is not None:  # Ctrl-C or an error meanwhile: no builder or scratch file left
            elsewhere.discard()
    build_terms(conn)
    meetings.store_fellowships_present(conn)
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('directory_towns', ?)",
                 (json.dumps(geo.directory_towns(conn)),))  # read by every connection's place names
    # Readers cache the word list per index build (lexicon.load), not per connection.
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_id', ?)", (uuid.uuid4().hex,))
