"""samhsa-csv: the FindTreatment.gov locator's CSV or Excel export (FindTreament_Facility_listing_*).

Layout (shared/formats/samhsa.md §2): 17 facility columns (name1 ... type_facility), then one
lowercase column per service code holding "1" when offered. Header cells carry stray spaces. Older or
hand-trimmed exports keep only some facility columns and no codes; a `service_code_info` column (a
National Directory sheet saved as CSV) is read as well. The same site appears once per survey (SU and
MH rows); the pipeline merges rows with the same name and address into one record.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Iterator
from itertools import compress
from pathlib import Path

from helpline_tui.core.limits import allow_long_csv_cells
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from importers.samhsa_common import (FACILITY_FIELDS, META_FIELDS, facility_record, parse_code_info,
                                     require_columns, sniff_file)
from importers.xlsx import open_workbook, sheet_rows

SOURCE = "samhsa-csv"
WHAT = "SAMHSA locator export"

_CODE_COLUMN = re.compile(r"^[a-z][a-z0-9]{0,9}$")
_OFFERED = frozenset({"1", "1.0", "y", "yes", "true", "x"})

allow_long_csv_cells()


class Layout:
    """Where this file keeps each facility field and each code flag, from its header."""

    def __init__(self, header: list[str], origin: str):
        self.header = [h.strip().lower() for h in header]
        require_columns(self.header, origin, WHAT)
        self.width = len(self.header)
        self.fields: list[tuple[str, int]] = []
        seen: set[str] = set()
        codes: list[tuple[int, str]] = []
        for i, name in enumerate(self.header):
            if name in seen:
                continue
            seen.add(name)
            if name in FACILITY_FIELDS:
                self.fields.append((name, i))
            elif name not in META_FIELDS and _CODE_COLUMN.match(name):
                codes.append((i, name.upper()))
        self.code_names = [c for _, c in codes]
        index = [i for i, _ in codes]
        # The code flags are one contiguous block in real exports: slice it rather than index.
        self._block = (index[0], index[-1] + 1) if index and index == list(range(index[0], index[-1] + 1)) else None
        self._index = index
        self._code_info = self.header.index("service_code_info") if "service_code_info" in seen else None

    def codes(self, cells: list[str]) -> list[str]:
        if self._block:
            values = cells[self._block[0]:self._block[1]]
        else:
            values = [cells[i] for i in self._index]
        # compress() keeps the non-empty flags at C speed; most of 315 columns are empty.
        flags = list(compress(values, values))
        if flags.count("1") == len(flags):  # the usual case: every non-empty flag is "1"
            codes = list(compress(self.code_names, values))
        else:
            codes = [code for code, v in zip(compress(self.code_names, values), flags)
                     if v.strip().lower() in _OFFERED]
        if self._code_info is not None:
            codes += [c for c in parse_code_info(cells[self._code_info]) if c not in codes]
        return codes

    def record(self, cells: list[str], row: int) -> ServiceRecord | SkippedRow:
        if len(cells) > self.width:
            if any(c.strip() for c in cells[self.width:]):
                return SkippedRow(row=row, reason=f"has {len(cells):,} cells but the header has {self.width:,}; "
                                                  "a quote or comma is out of place")
        elif len(cells) < self.width:
            cells = cells + [""] * (self.width - len(cells))
        fields = {name: cells[i] for name, i in self.fields}
        return facility_record(fields, self.codes(cells), row=row, source=SOURCE)


def read(source: str) -> Iterator[ServiceRecord | SkippedRow]:
    path = Path(source)
    if sniff_file(path, WHAT) == "xlsx":
        yield from _read_xlsx(path)
    else:
        yield from _read_csv(path)


# ------------------------------------------------------------------------------------------ CSV

def text_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as such, else Windows-1252 (what
    Excel writes on Windows), else Latin-1, which decodes anything."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return False
        handle.seek(-1, 2)
        return handle.read(1) in (b"\n", b"\r")


def _read_csv(path: Path) -> Iterator[ServiceRecord | SkippedRow]:
    origin = str(path)
    with open(path, newline="", encoding=text_encoding(path)) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if not header or not any(h.strip() for h in header):
                raise SourceError(origin, "is empty")
            layout = Layout(header, origin)
            # Hold one row back: only the last row can show that the download was cut short.
            pending: tuple[int, list[str]] | None = None
            ragged = False
            while True:
                start = reader.line_num + 1
                cells = next(reader, None)
                if cells is None:
                    break
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # a blank line
                if pending:
                    ragged = ragged or len(pending[1]) < layout.width
                    yield layout.record(pending[1], pending[0])
                pending = (start, cells)
        except csv.Error as exc:
            raise SourceError(origin, f"is not a well-formed CSV file ({exc})", row=reader.line_num) from None
    if pending is None:
        raise SourceError(origin, "has a header but no data rows")
    row, cells = pending
    if len(cells) < layout.width and not (ragged and _ends_with_newline(path)):
        raise SourceError(origin, f"ends in the middle of a row ({len(cells)} of {layout.width} columns); "
                                  "the file looks truncated — download it again", row=row)
    yield layout.record(cells, row)


# ------------------------------------------------------------------------------------------ Excel

def _read_xlsx(path: Path) -> Iterator[ServiceRecord | SkippedRow]:
    origin = str(path)
    workbook = open_workbook(path)
    try:
        # The first sheet whose header has name1; if none has, the first sheet's header is what the
        # error describes.
        rows, header = None, []
        for ws in workbook.worksheets:
            candidate = sheet_rows(ws, origin)
            first = next(candidate, None)
            cells = first[1] if first else []
            if not header:
                header = cells
            if "name1" in (c.strip().lower() for c in cells):
                rows, header = candidate, cells
                break
        layout = Layout(header, origin)  # raises, naming the missing column, when rows is None
        count = 0
        for number, cells in rows or ():
            count += 1
            yield layout.record(cells, number)
        if not count:
            raise SourceError(origin, "has a header but no data rows")
    finally:
        workbook.close()
