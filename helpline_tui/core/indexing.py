"""Derived tables rebuilt from `services` after every write: filter facets, languages, phone
lookups, the full-text index and its word list. Rebuilding (rather than patching) keeps them exact
by construction."""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable
from functools import lru_cache

from helpline_tui.core.lexicon import build_terms
from helpline_tui.core.query import CELL_DEGREES, area_token, cell_token, keyword_token, tag_token

# Called for every need, language and tag of every record (millions of calls in a national
# import) with a few hundred distinct arguments.
_keyword_token = lru_cache(maxsize=4096)(keyword_token)
_tag_token = lru_cache(maxsize=4096)(tag_token)



def renumber_by_name(conn: sqlite3.Connection) -> None:
    """Give rows rids in (name, id) order. Index order then is alphabetical order: unranked
    candidate caps and filter-only listings come alphabetically for free, and the names that
    begin with some letters are one rid range (search-notes §3.3, §6.4)."""
    conn.execute("DROP TABLE IF EXISTS temp.rid_map")
    conn.execute("CREATE TEMP TABLE rid_map (old_rid INTEGER PRIMARY KEY, new_rid INTEGER)")
    conn.execute("INSERT INTO temp.rid_map SELECT rid, ROW_NUMBER() OVER (ORDER BY name_fold, id) FROM services")
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
        if len(number) >= 10:
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


def _tags(facet: str, token: Callable[[str, str], str]) -> Callable[[str], list[str]]:
    """JSON list of ids -> their index tokens; records share lists, so each distinct one is done once."""

    @lru_cache(maxsize=1 << 14)
    def tags(json_list: str) -> list[str]:
        return [token(facet, v) for v in json.loads(json_list or "[]")]

    return tags


def rebuild_derived(conn: sqlite3.Connection) -> None:
    renumber_by_name(conn)
    for table in ("service_facets", "service_languages", "service_phones", "service_areas"):
        conn.execute(f"DELETE FROM {table}")
    for sql in _SIDE_TABLES:
        conn.execute(sql)
    conn.execute("INSERT INTO services_fts (services_fts) VALUES ('delete-all')")
    # No merging of index segments while every row is inserted: one 'optimize' below merges them
    # all once (0.93 -> 0.73 s of inserts at 74k records). Restored after, so the file's settings
    # stay FTS5's defaults.
    conn.execute("INSERT INTO services_fts (services_fts, rank) VALUES ('automerge', 0)")
    need_tags, language_tags = _tags("need", _keyword_token), _tags("language", _keyword_token)
    area_tags = _tags("area", lambda _facet, token: area_token(token))
    phones = []
    cur = conn.execute(
        "SELECT rid, match_fold, place_fold, needs, populations, payment, languages, phone_digits, "
        "service_area_list, state, kind, status, latitude, longitude FROM services"
    )
    levels = range(len(CELL_DEGREES))

    def fts_rows():
        # Streamed into the index as the records are read: at a million records a list of them
        # all was most of a 3.6 GB peak.
        for (rid, match_fold, place_fold, needs_j, pops_j, pay_j, langs_j, digits, area_j, state, kind, status,
             lat, lon) in cur:
            phones.extend((key, rid) for key in phone_keys(digits))
            # Needs, languages, state, kind and status as one token each: a query word like
            # "metadona" is expanded to `keywords:"kwmethadone"` (synonyms cost nothing in index
            # size), and filters become index lookups FTS5 intersects itself (no join to count).
            tags = [*need_tags(needs_j), *need_tags(pops_j), *need_tags(pay_j), *language_tags(langs_j),
                    _tag_token("state", state), _tag_token("kind", kind), _tag_token("status", status),
                    *area_tags(area_j)]
            if lat is not None and lon is not None:
                tags += [cell_token(level, lat, lon) for level in levels]
            yield rid, match_fold, place_fold, " ".join(tags)

    conn.executemany("INSERT INTO services_fts (rowid, name, place, keywords) VALUES (?,?,?,?)", fts_rows())
    phones.sort()
    conn.executemany("INSERT OR IGNORE INTO service_phones (digits, rid) VALUES (?,?)", phones)
    conn.execute("INSERT INTO services_fts (services_fts) VALUES ('optimize')")
    conn.execute("INSERT INTO services_fts (services_fts, rank) VALUES ('automerge', 4)")
    build_terms(conn)
    # Readers cache the word list per index build (lexicon.load), not per connection.
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_id', ?)", (uuid.uuid4().hex,))
