"""What an import did, as `helpline import` reports it (and `--json` prints it): records read,
added, updated, unchanged, removed, skipped and cut, what the update takes away, merged sites."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ImportSummary:
    source: str
    format: str
    origin: str
    read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    # The first limits.MAX_ROWS_LISTED skipped rows ({"row", "field", "reason"}); all are counted.
    skipped: list[dict[str, Any]] = field(default_factory=list)
    skipped_count: int = 0
    # Fields cut to a size limit (core/limits.py), listed and counted like skipped rows.
    cut: list[dict[str, Any]] = field(default_factory=list)
    cut_count: int = 0
    merged_duplicates: int = 0
    # Records of this source shown as one site with another source's record, and the pairs.
    merged: int = 0
    merges: list[dict[str, Any]] = field(default_factory=list)
    # Needs, languages and populations the update takes away from records the source already
    # held (see import_refusals.note_taken_away): {"records", "held", "bound", "over_bound", "needs",
    # "languages", "populations" (id -> records losing it), "examples"}; empty when nothing is taken away.
    taken_away: dict[str, Any] = field(default_factory=dict)
    placeholder_phones_dropped: int = 0
    coordinates_repaired: int = 0
    coordinates_dropped: int = 0
    positions_from_zip: int = 0
    dry_run: bool = False
    changed: bool = False
    total_after: int = 0
    elapsed_s: float = 0.0

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["elapsed_s"] = round(self.elapsed_s, 3)
        return out
