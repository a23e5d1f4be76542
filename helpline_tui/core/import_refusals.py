"""What an import refuses to do unless confirmed: write into the demo directory of fictional
services, remove most of a source, file another feed under a source's name, or take needs,
languages or populations away from many of a source's records. Each refusal is one sentence
naming the option that confirms it; nothing is changed.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from helpline_tui.core.import_summary import ImportSummary
from helpline_tui.core.records import SourceError, printable
from helpline_tui.errors import Failure

MASS_REMOVAL_FLOOR = 20  # removing fewer records than this never needs confirming

# An update may take needs, languages or populations away from this share of a source's records
# (and from LOST_NEEDS_FLOOR records) before it must be confirmed: sites drop a service now and then,
# but a tenth of a source losing some is another feed imported under its name (the National
# Directory's MH workbook over the SA one took needs from 2,016 of 12,170 sites), or a broken export.
LOST_NEEDS_SHARE = 0.10
LOST_NEEDS_FLOOR = 20
_FACETS_KEPT = ("needs", "languages", "populations")
EXAMPLES_KEPT = 10


class DemoDirectoryRefused(Failure):
    """An import into the demo directory of fictional services, not confirmed: one sentence."""


def refuse_demo_directory(db_path: Path) -> None:
    """The shipped demo directory is fictional: real records imported into it would be shown among
    made-up ones (the README's examples once wrote there)."""
    if not db_path.is_file():
        return
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            demo = conn.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return  # not a directory (yet): the import says so in its own words
    if not demo or demo[0] != "true":
        return
    from helpline_tui.paths import real_directory_file

    raise DemoDirectoryRefused(
        f"{db_path} is the demo directory of fictional services, so real records would be shown among made-up "
        f"ones; start a real directory with `export HELPLINE_DB={real_directory_file()}` (the platform's data "
        f"folder) or --db PATH, then import again, or add --into-demo to import into the demo anyway; nothing was "
        f"changed")


def refuse_mass_removal(summary: ImportSummary, source: str, origin: str) -> None:
    """`--replace-source` with a partial export, or another feed imported under the same source
    name, would take most of a source away from call handlers: refused unless confirmed."""
    held = summary.removed + summary.updated + summary.unchanged
    if summary.removed > MASS_REMOVAL_FLOOR and summary.removed * 2 > held:
        raise SourceError(origin, f"would remove {summary.removed:,} of the {held:,} records of source "
                                  f"'{source}' (is the export partial, or another feed's?); nothing was changed: "
                                  f"check with --dry-run, then add --allow-mass-removal if it is meant")


def refuse_other_feed(conn: sqlite3.Connection, summary: ImportSummary, source: str, origin: str) -> None:
    """Two feeds of one format imported without --source-name both land in the format's source:
    `refresh` then re-reads only the later one and the first one's records go stale, or go with
    `--replace-source`. When under 5% of the records read are already in the source, which another
    origin filled with more than a few records, it is almost surely another feed (a new or partial
    export of the same feed is mostly records the source has): refused, naming the fix."""
    row = conn.execute("SELECT origin FROM sources WHERE name = ?", (source,)).fetchone()
    held = conn.execute("SELECT count(*) FROM services WHERE source = ?", (source,)).fetchone()[0]
    known = summary.updated + summary.unchanged
    if row is None or row[0] == origin or held <= MASS_REMOVAL_FLOOR or known * 20 >= known + summary.added:
        return
    raise SourceError(origin, f"source '{source}' already holds {held:,} records imported from {printable(row[0])}, "
                              f"and {'none' if not known else f'only {known:,}'} of the {known + summary.added:,} "
                              f"records read are among them: is it another feed? Give it its own name with "
                              f"--source-name NAME (or --source-name {source} to add it to that source); nothing "
                              f"was changed")


def note_taken_away(conn: sqlite3.Connection, summary: ImportSummary, source: str) -> None:
    """What the update takes away from records the source already holds, for the summary: how many
    records lose a need, language or population, how many lose each one, and a few of them."""
    held = conn.execute("SELECT count(*) FROM services WHERE source = ?", (source,)).fetchone()[0]
    lost: dict[str, dict[str, int]] = {facet: {} for facet in _FACETS_KEPT}
    examples: list[dict[str, Any]] = []
    records = 0
    columns = ", ".join(f"v.{f}, s.{f}" for f in _FACETS_KEPT)
    for name, city, state, *lists in conn.execute(
            f"SELECT v.name, v.city, v.state, {columns} FROM staging s JOIN services v ON v.id = s.id "
            "WHERE v.content_hash != s.content_hash ORDER BY v.name_fold, v.id"):
        gone: list[str] = []
        for facet, before, after in zip(_FACETS_KEPT, lists[0::2], lists[1::2], strict=True):
            if before == after:
                continue
            for value in sorted(set(json.loads(before)) - set(json.loads(after))):
                lost[facet][value] = lost[facet].get(value, 0) + 1
                gone.append(value)
        if gone:
            records += 1
            if len(examples) < EXAMPLES_KEPT:
                examples.append({"name": name, "city": city, "state": state, "lost": gone})
    if records:
        bound = max(LOST_NEEDS_FLOOR, int(held * LOST_NEEDS_SHARE))
        summary.taken_away = {
            "records": records, "held": held, "bound": bound, "over_bound": records > bound,
            **{facet: dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) for facet, counts in lost.items()},
            "examples": examples}


def taken_away_text(taken: dict[str, Any], most: int = 6) -> str:
    """"methadone 107, detox 550, …": the values most records lose, for one sentence."""
    counts = sorted(((n, v) for facet in _FACETS_KEPT for v, n in taken.get(facet, {}).items()), key=lambda p: (-p[0], p[1]))
    text = ", ".join(f"{v} {n:,}" for n, v in counts[:most])
    return text + (", …" if len(counts) > most else "")


def refuse_lost_needs(summary: ImportSummary, source: str, origin: str) -> None:
    taken = summary.taken_away
    if not taken.get("over_bound"):
        return
    first = taken["examples"][0]
    raise SourceError(origin, f"would take needs, languages or populations away from {taken['records']:,} of the "
                              f"{taken['held']:,} records of source '{source}' ({taken_away_text(taken)}; e.g. "
                              f"{first['name']}, {first['city']}: {', '.join(first['lost'][:5])}), more than the "
                              f"{taken['bound']:,} ({LOST_NEEDS_SHARE:.0%}) an update may take without confirming "
                              f"(is it another feed? give it its own --source-name); nothing was changed: see them "
                              f"with --dry-run, then add --allow-lost-needs if the source really dropped them")
