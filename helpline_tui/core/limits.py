"""Size limits on imported data, all in one place.

A source can hold anything: a misplaced quote turns a whole file into one "name", a scraper puts a
web page into a description. The limits keep the directory small and every screen readable, and the
import says where each one applied, so an admin can fix the source:

| what | limit | when exceeded |
|---|---|---|
| name, organisation, site name | 300 characters | cut to 300 (ending in "…"); the summary names file, row and field |
| description, hours text, every other text field | 4,000 characters | cut likewise, named likewise |
| each text value of the source record kept for the detail view | 4,000 characters | cut likewise (only checked when the record is big) |
| one CSV cell | 16 MiB | the file is refused, naming the row |
| one CSV row | as many cells as its header; extra non-empty cells | the row is skipped, naming the row |
| a download (all pages of one URL import) | 200 MiB (HELPLINE_HTTP_MAX_BYTES) | the import is refused |
| rows in a source | none; bench/bench_import.py --rows 1000000 measures time and peak memory (3.6 GB, most of it the derived-table rebuild holding every derived row at once) | — |

Control characters (NUL included) and terminal escape sequences are removed from every field
(helpline_tui.core.cleaning); they are not limits, so they are not reported.
"""

from __future__ import annotations

import csv

MAX_NAME_CHARS = 300
MAX_TEXT_CHARS = 4_000
MAX_RAW_VALUE_CHARS = 4_000
MAX_CSV_CELL_CHARS = 16 * 1024 * 1024

# Text fields of a ServiceRecord and their limit; the pipeline cuts and reports these.
FIELD_LIMITS: tuple[tuple[str, int], ...] = (
    ("name", MAX_NAME_CHARS),
    ("organization", MAX_NAME_CHARS),
    ("site_name", MAX_NAME_CHARS),
    ("description", MAX_TEXT_CHARS),
    ("hours_text", MAX_TEXT_CHARS),
    ("street", MAX_TEXT_CHARS),
    ("city", MAX_TEXT_CHARS),
    ("county", MAX_TEXT_CHARS),
    ("service_area", MAX_TEXT_CHARS),
)

# A source record whose JSON is shorter than this cannot hold an over-long value: no need to walk it.
RAW_JSON_CHECK_CHARS = 2 * MAX_RAW_VALUE_CHARS


def allow_long_csv_cells() -> None:
    """Raise the csv module's 128 KiB cell limit (process-wide) to ours: a long cell is data to cut,
    not a reason to give up on the file. Every CSV reader calls this before reading."""
    if csv.field_size_limit() < MAX_CSV_CELL_CHARS:
        csv.field_size_limit(MAX_CSV_CELL_CHARS)


def cut_message(length: int, limit: int) -> str:
    return f"{length:,} characters long, cut to the {limit:,}-character limit"


def cap_raw(value: object) -> object:
    """The source record with every string longer than MAX_RAW_VALUE_CHARS cut (ending in "…")."""
    if isinstance(value, str):
        return value if len(value) <= MAX_RAW_VALUE_CHARS else value[: MAX_RAW_VALUE_CHARS - 1] + "…"
    if isinstance(value, dict):
        return {k: cap_raw(v) for k, v in value.items()}
    if isinstance(value, list):
        return [cap_raw(v) for v in value]
    return value
