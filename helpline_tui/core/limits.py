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
| one JSON document (file, download, page) | 5,000,000 values (MAX_JSON_VALUES: objects, arrays and commas, counted before parsing; real feeds have about 35,000 a MB) | the import is refused, naming the file |
| a file read whole into memory (an HSDS table or JSON file, a zip member, a Meeting Guide or locator JSON file) | 256 MiB (MAX_FILE_BYTES), counted as it is read, whatever a zip declares | the import is refused, naming the file |
| inflating a zip member | 100 times its compressed size (MAX_ZIP_RATIO), past its first MiB | the import is refused, naming the member |
| HSDS rows held at once (every table of a package) | 1,000,000 (MAX_HSDS_ROWS; about 400 bytes each held for the shortest rows: 0.9 GB peak at the bound) | the import is refused, naming the table |
| skipped rows and cut fields listed with row, field and reason | the first 1,000 of each (MAX_ROWS_LISTED) | the rest are counted ("and N more") |
| rows in a source (other formats stream them) | none; bench/bench_import.py --rows 1000000 measures time and peak memory (3.6 GB, most of it the derived-table rebuild holding every derived row at once) | — |

Why the bounds: a source is held in memory in the shape its importer needs (an HSDS package as
tables, a JSON document parsed), so its size in memory must be bounded before it is built. Python
holds an empty `{}` in 64 bytes where the file spends 3, so a 190 MB file of `[{},{},…]` parsed to
5 GB; the value count bounds that at a few hundred MB. bench/hostile_memory.py measures each bound.

Control characters (NUL included) and terminal escape sequences are removed from every field
(helpline_tui.core.cleaning); they are not limits, so they are not reported.
"""

from __future__ import annotations

import csv

MAX_NAME_CHARS = 300
MAX_TEXT_CHARS = 4_000
MAX_RAW_VALUE_CHARS = 4_000
MAX_CSV_CELL_CHARS = 16 * 1024 * 1024
MAX_JSON_VALUES = 5_000_000
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ZIP_RATIO = 100
ZIP_RATIO_FREE_BYTES = 1024 * 1024  # a small member may compress as well as it likes
MAX_HSDS_ROWS = 1_000_000
MAX_ROWS_LISTED = 1_000

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


def mib(size: int) -> str:
    """A byte limit as people read it in a message: "256 MB"."""
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


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
