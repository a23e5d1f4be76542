"""One record per real site across sources: folding matched records into one, and back.

`services` holds what readers see. A site two sources describe is one row there, under the id of
its primary record; every member's own row is kept whole in `source_records`, and `record_aliases`
maps each member id (source, source record id) to the row shown. An import first `unfold`s, so
the pipeline compares and replaces each source's own rows exactly as if nothing were merged
(re-imports stay idempotent, `--replace-source` removes only that source's part), then `fold`s
the whole directory again.

Field precedence in the row shown:
- the primary record is the most recently verified one, then the more complete one (more fields
  filled), then the lower id, so the choice is stable across re-imports;
- every other field comes from the primary; an empty one is filled from the other members in
  the same order; the position comes from the member whose position is most exact;
- needs, populations, payment, languages, service areas and codes are the union of all members;
  every member's phone numbers find the site (phone lookups), and every member's name does too
  (search matches any of them); `last_verified` is the latest.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from helpline_tui.core import schema
from helpline_tui.core.site_matching import Match, find_matches, group

_COLUMNS = [c for c in schema.SERVICE_COLUMNS if c != "rid"]
_FILLED_FROM_OTHERS = (
    "organization", "site_name", "description", "phone", "intake_phone", "hotline_phone", "website",
    "email", "street", "city", "state", "zip", "county", "service_area", "hours_text",
)
_PRECISION_ORDER = {"exact": 0, "zip-centroid": 1, "none": 2}


def records_per_source(conn: sqlite3.Connection) -> dict[str, int]:
    """Each source's own records, whether shown alone or as part of a merged site (the count the
    `sources` table keeps)."""
    return dict(conn.execute(
        "SELECT source, count(*) FROM (SELECT source FROM services WHERE id NOT IN (SELECT merged_id FROM record_aliases) "
        "UNION ALL SELECT source FROM source_records) GROUP BY source"))


def unfold(conn: sqlite3.Connection) -> None:
    """Put every source's own rows back in `services`, in place of the merged rows."""
    if not conn.execute("SELECT 1 FROM record_aliases LIMIT 1").fetchone():
        return
    conn.execute("DELETE FROM services WHERE id IN (SELECT merged_id FROM record_aliases)")
    cols = ", ".join(_COLUMNS)
    conn.execute(f"INSERT INTO services ({cols}) SELECT {cols} FROM source_records")
    conn.execute("DELETE FROM source_records")
    conn.execute("DELETE FROM record_aliases")


def fold(conn: sqlite3.Connection) -> list[list[Match]]:
    """Find the sites several sources describe and show each as one row. Returns the sites, each
    as the pairs that joined it. The writes are batched: a second national source can merge
    thousands of sites."""
    sites = group(find_matches(conn))
    if not sites:
        return sites
    rows = _rows(conn, [rid for pairs in sites for m in pairs for rid in (m.a.id, m.b.id)])
    own_rows, aliases, absorbed, shown_rows = [], [], [], []
    for pairs in sites:
        members = sorted((rows[rid] for rid in {m.a.id for m in pairs} | {m.b.id for m in pairs}), key=_precedence)
        shown = merged_row(members)
        # Each member but the primary joined through one pair: that pair says why.
        why = {m.b.id if m.b.id != shown["id"] else m.a.id: m for m in pairs}
        for row in members:
            own_rows.append([row[c] for c in _COLUMNS])
            pair = why.get(row["id"])
            aliases.append((row["id"], shown["id"], row["source"], row["source_record_id"], row["name"],
                            pair.why if pair else None, pair.score if pair else None))
            if row["id"] != shown["id"]:
                absorbed.append((row["id"],))
        shown_rows.append([shown[c] for c in _COLUMNS] + [shown["id"]])
    conn.executemany(f"INSERT INTO source_records ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})",
                     own_rows)
    conn.executemany("INSERT INTO record_aliases (id, merged_id, source, source_record_id, name, why, score) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", aliases)
    conn.executemany("DELETE FROM services WHERE id = ?", absorbed)
    conn.executemany(f"UPDATE services SET {', '.join(f'{c} = ?' for c in _COLUMNS)} WHERE id = ?", shown_rows)
    return sites


def _rows(conn: sqlite3.Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fold_ids (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO temp.fold_ids VALUES (?)", ((i,) for i in ids))
    cur = conn.execute(f"SELECT {', '.join(_COLUMNS)} FROM services WHERE id IN (SELECT id FROM temp.fold_ids)")
    rows = {row[0]: dict(zip(_COLUMNS, row, strict=True)) for row in cur}
    conn.execute("DROP TABLE temp.fold_ids")
    return rows


def _precedence(row: dict[str, Any]) -> tuple:
    filled = sum(1 for c in _FILLED_FROM_OTHERS if row[c])
    # Negated ISO date: later dates first (an absent date sorts last).
    verified = tuple(-ord(ch) for ch in row["last_verified"]) if row["last_verified"] else (1,)
    return (verified, -filled, row["id"])


def merged_row(members: list[dict[str, Any]]) -> dict[str, Any]:
    """The row shown for a site, from its members' own rows in precedence order."""
    primary = members[0]
    shown = dict(primary)
    for column in _FILLED_FROM_OTHERS:
        if not shown[column]:
            shown[column] = next((m[column] for m in members if m[column]), shown[column])
    if shown["hours"] in (None, "", "{}"):
        shown["hours"] = next((m["hours"] for m in members if m["hours"] not in (None, "", "{}")), shown["hours"])
    placed = min(members, key=lambda m: (m["latitude"] is None, _PRECISION_ORDER.get(m["geo_precision"], 3)))
    for column in ("latitude", "longitude", "geo_precision"):
        shown[column] = placed[column]
    for column in schema.JSON_LIST_COLUMNS:
        shown[column] = json.dumps(sorted({v for m in members for v in json.loads(m[column] or "[]")}),
                                   ensure_ascii=False)
    shown["last_verified"] = max((m["last_verified"] for m in members if m["last_verified"]), default=None)
    shown["phone_digits"] = " ".join(dict.fromkeys(d for m in members for d in (m["phone_digits"] or "").split()))
    names = dict.fromkeys(f for m in members for f in (m["match_fold"] or "").split(" | ") if f)
    shown["match_fold"] = " | ".join(names)
    return shown


def report(sites: list[list[Match]], source: str) -> list[dict[str, Any]]:
    """The pairs that involve `source`, for the import summary: who was merged with whom, and why."""
    out: list[dict[str, Any]] = []
    for pairs in sites:
        for m in pairs:
            if source in (m.a.source, m.b.source):
                a, b = (m.a, m.b) if m.a.source == source else (m.b, m.a)
                out.append({"name": a.name, "source": a.source, "id": a.id,
                            "other_name": b.name, "other_source": b.source, "other_id": b.id,
                            "why": m.why, "score": m.score})
    out.sort(key=lambda p: (p["name"].lower(), p["other_source"], p["other_id"]))
    return out


def sources_of(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each merged record's members (source, own id, source record id, name), primary first."""
    if not ids:
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for merged_id, rid, source, source_record_id, name in conn.execute(
        "SELECT merged_id, id, source, source_record_id, name FROM record_aliases "
        f"WHERE merged_id IN ({', '.join('?' * len(ids))}) ORDER BY merged_id, id != merged_id, source", ids
    ):
        out.setdefault(merged_id, []).append(
            {"source": source, "id": rid, "source_record_id": source_record_id, "name": name})
    return out
