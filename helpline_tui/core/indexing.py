"""Derived tables rebuilt from `services` after every write: filter facets, languages, phone
lookups, the full-text index and its word list. Rebuilding (rather than patching) keeps them exact
by construction."""

from __future__ import annotations

import json
import sqlite3
import uuid

from helpline_tui.core.lexicon import build_terms
from helpline_tui.core.query import keyword_token


def rebuild_derived(conn: sqlite3.Connection) -> None:
    for table in ("service_facets", "service_languages", "service_phones", "services_fts"):
        conn.execute(f"DELETE FROM {table}")
    facets, languages, phones, fts = [], [], [], []
    cur = conn.execute(
        "SELECT rid, match_fold, place_fold, needs, populations, payment, languages, phone_digits FROM services"
    )
    for rid, match_fold, place_fold, needs_j, pops_j, pay_j, langs_j, digits in cur:
        needs, pops, pay, langs = (json.loads(x) for x in (needs_j, pops_j, pay_j, langs_j))
        facets += [(rid, "need", v) for v in needs]
        facets += [(rid, "population", v) for v in pops]
        facets += [(rid, "payment", v) for v in pay]
        languages += [(rid, v) for v in langs]
        for number in (digits or "").split():
            # Callers and handlers give the last 7 digits as often as the full 10.
            phones.append((number, rid))
            if len(number) >= 10:
                phones.append((number[-7:], rid))
        # Needs and languages as one token each: a query word like "metadona" is expanded to
        # `keywords:"kwmethadone"`, so synonyms cost nothing in index size.
        tags = [keyword_token("need", v) for v in (*needs, *pops, *pay)]
        tags += [keyword_token("language", v) for v in langs]
        fts.append((rid, match_fold, place_fold, " ".join(tags)))
    conn.executemany("INSERT INTO service_facets (rid, facet, value) VALUES (?,?,?)", facets)
    conn.executemany("INSERT INTO service_languages (rid, lang) VALUES (?,?)", languages)
    conn.executemany("INSERT OR IGNORE INTO service_phones (digits, rid) VALUES (?,?)", phones)
    conn.executemany("INSERT INTO services_fts (rowid, name, place, keywords) VALUES (?,?,?,?)", fts)
    conn.execute("INSERT INTO services_fts (services_fts) VALUES ('optimize')")
    build_terms(conn)
    # Readers cache the word list per index build (lexicon.load), not per connection.
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('index_id', ?)", (uuid.uuid4().hex,))
