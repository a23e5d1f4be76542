"""Derived tables rebuilt from `services` after every write: filter facets, languages, phone
lookups and the full-text index. Rebuilding (rather than patching) keeps them exact by construction."""

from __future__ import annotations

import json
import sqlite3

from helpline_tui.core import vocabulary


def _keywords(needs: list[str], populations: list[str], payment: list[str], languages: list[str], kind: str) -> str:
    """Need and language labels in both languages: 'Metadona', 'Housing / sober living', 'Spanish'."""
    vocab = vocabulary.load()
    words = [kind.replace("-", " ")]
    for term_id in (*needs, *populations, *payment):
        term = vocab.term(term_id)
        if term:
            words += [term.en, term.es]
    for code in languages:
        lang = vocab.language(code)
        if lang:
            words += [lang.en, lang.es]
    return " ".join(words)


def rebuild_derived(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM service_facets")
    conn.execute("DELETE FROM service_languages")
    conn.execute("DELETE FROM services_fts")
    conn.execute("DELETE FROM service_phones")
    facets, languages, phones, fts = [], [], [], []
    cur = conn.execute(
        "SELECT rid, kind, name, organization, site_name, street, city, county, state, zip, needs, "
        "populations, payment, languages, phone_digits FROM services"
    )
    for (rid, kind, name, org, site, street, city, county, state, zip5, needs_j, pops_j, pay_j, langs_j,
         digits) in cur:
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
        fts.append((rid, " ".join(x for x in (name, site, org) if x),
                    " ".join(x for x in (street, city, county, state, zip5) if x),
                    _keywords(needs, pops, pay, langs, kind)))
    conn.executemany("INSERT INTO service_facets (rid, facet, value) VALUES (?,?,?)", facets)
    conn.executemany("INSERT INTO service_languages (rid, lang) VALUES (?,?)", languages)
    conn.executemany("INSERT OR IGNORE INTO service_phones (digits, rid) VALUES (?,?)", phones)
    conn.executemany("INSERT INTO services_fts (rowid, name, place, keywords) VALUES (?,?,?,?)", fts)
