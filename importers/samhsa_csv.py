"""samhsa-csv: the FindTreatment.gov locator's CSV or Excel export (FindTreament_Facility_listing_*).

Layout (the locator's export as downloaded): 17 facility columns (name1 ... type_facility), then one
lowercase column per service code holding "1" when offered. Header cells carry stray spaces. Older or
hand-trimmed exports keep only some facility columns and no codes; a `service_code_info` column (a
National Directory sheet saved as CSV) is read as well. The same site appears once per survey (SU and
MH rows); the pipeline merges rows with the same name and address into one record.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress
from pathlib import Path

from helpline_tui.core.limits import allow_long_csv_cells
from helpline_tui.core.records import PartsMisaligned, ServiceRecord, SkippedRow, SourceError, SourceParts, is_url
from importers import csv_text
from importers.detect import Sample
from importers.samhsa_common import (FACILITY_FIELDS, META_FIELDS, facility_record, is_national_directory,
                                     parse_code_info, require_columns, sniff_file)
from importers.source_format import SourceFormat
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
            codes = [code for code, v in zip(compress(self.code_names, values), flags, strict=False)
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
    elif csv_text.file_is_utf16(path):
        yield from _read_utf16(path)
    else:
        yield from _read_csv(path)


def _read_utf16(path: Path) -> Iterator[ServiceRecord | SkippedRow]:
    """Excel's "Unicode text": read from a UTF-8 copy, its errors naming the file itself."""
    with csv_text.utf8_copy(path) as copy:
        try:
            yield from _read_csv(copy)
        except SourceError as exc:
            raise SourceError(exc.origin.replace(str(copy), str(path)), exc.detail.replace(str(copy), str(path)),
                              exc.row, exc.field) from None


def read_parts(source: str, part_bytes: int) -> SourceParts | None:
    """A large CSV export as parts of about `part_bytes`, cut at row boundaries, for the
    pipeline to read on several cores; None when the source is better read in one pass (an Excel
    file, a small file, old Mac line ends)."""
    path = Path(source)
    if is_url(source) or sniff_file(path, WHAT) == "xlsx" or csv_text.file_is_utf16(path):
        return None
    if path.stat().st_size < 2 * part_bytes:
        return None
    header, data_start, header_lines, encoding = _header(path)
    cuts = _row_cuts(path, data_start, part_bytes)
    if cuts is None or len(cuts) < 2:
        return None
    ends = [offset for offset, _ in cuts[1:]] + [path.stat().st_size]
    parts: list[Callable[[], Iterator[ServiceRecord | SkippedRow]]] = [
        partial(_read_rows, str(path), encoding, header, offset, end, header_lines + lines_before,
                index == len(cuts) - 1)
        for index, ((offset, lines_before), end) in enumerate(zip(cuts, ends, strict=True))]
    return SourceParts(parts=parts, check=_PartsCheck(str(path), len(parts)), whole=partial(_read_csv, path))


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


# Ends each part's text: a cut inside a quoted field (a value with a line break in it) turns this
# line into part of that value, so a part that does not end with it alone was cut mid-record.
_END_OF_PART = "\ufdd0end of part\ufdd0"


@dataclass
class _PartFacts:
    cut_at_row_boundary: bool
    ragged: bool  # a row before the file's last had fewer cells than the header
    rows: int
    last_row: int | None = None  # the file's last row, in its last part
    last_cells: int = 0
    width: int = 0


def _read_csv(path: Path) -> Iterator[ServiceRecord | SkippedRow]:
    header, data_start, header_lines, encoding = _header(path)
    facts = yield from _read_rows(str(path), encoding, header, data_start, path.stat().st_size, header_lines, True)
    _PartsCheck(str(path), 1)(0, facts)


def _header(path: Path) -> tuple[list[str], int, int, str]:
    """The header's cells, the byte offset where the rows start, the lines the header took, and
    the encoding of the rows (a byte-order mark is only at the start, before the header)."""
    origin = str(path)
    encoding = text_encoding(path)
    with open(path, "rb") as handle:
        head = b""
        while True:
            block = handle.read(1 << 16)
            head += block
            end = _first_row_end(head)
            if end is not None or not block:
                break
    end = len(head) if end is None else end
    try:
        text = head[:end].decode(encoding)
    except UnicodeDecodeError:  # the cut fell inside a character: decode the whole header line
        text = head.decode(encoding, "replace")
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as exc:
        raise SourceError(origin, f"is not a well-formed CSV file ({exc})", row=1) from None
    if not header or not any(h.strip() for h in header):
        raise SourceError(origin, "is empty")
    Layout(header, origin)  # names the missing column now, before any row is read
    lines = text.count("\n") + text.count("\r") - text.count("\r\n")
    return header, end, lines, "utf-8" if encoding == "utf-8-sig" else encoding


def _first_row_end(data: bytes) -> int | None:
    """Offset just after the first line end (LF, CRLF or a lone CR) outside quotes, if any."""
    at = 0
    while True:
        ends = [i for i in (data.find(b"\n", at), data.find(b"\r", at)) if i != -1]
        if not ends:
            return None
        end = min(ends)
        if data[end:end + 2] == b"\r\n":
            end += 1
        elif end == len(data) - 1 and data[end:] == b"\r":
            return None  # a CR at the edge of what was read: an LF may follow
        if data.count(b'"', 0, end) % 2 == 0:
            return end + 1
        at = end + 1


def _row_cuts(path: Path, start: int, part_bytes: int) -> list[tuple[int, int]] | None:
    """(offset, line breaks before it) of each part: every `part_bytes`, moved on to the next
    line break with an even number of quote characters before it, which in a well-formed file is
    outside any quoted value (the parts check that it was). None for files with lone carriage
    returns as line ends, which are read in one pass."""
    cuts = [(start, 0)]
    target = start + part_bytes
    quotes = lines = 0
    offset = start
    with open(path, "rb") as handle:
        handle.seek(start)
        while block := handle.read(1 << 20):
            if block.endswith(b"\r"):
                block += handle.read(1)  # keep a CRLF in one block
            if block.count(b"\r") != block.count(b"\r\n"):
                return None
            search_from = 0
            while target < offset + len(block):
                newline = block.find(b"\n", max(search_from, target - offset))
                if newline == -1:
                    break
                if (quotes + block.count(b'"', 0, newline)) % 2 == 0:
                    cuts.append((offset + newline + 1, lines + block.count(b"\n", 0, newline + 1)))
                    target = offset + newline + 1 + part_bytes
                search_from = newline + 1
            quotes += block.count(b'"')
            lines += block.count(b"\n")
            offset += len(block)
    if cuts[-1][0] >= offset:  # a cut at the very end would leave an empty last part
        cuts.pop()
    return cuts


class _Range(io.RawIOBase):
    """Bytes [start, end) of a file."""

    def __init__(self, path: str, start: int, end: int):
        self.handle = open(path, "rb")
        self.handle.seek(start)
        self.left = end - start

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.left <= 0:
            return 0
        view = memoryview(buffer)[: self.left]
        count = self.handle.readinto(view)
        self.left -= count
        return count

    def close(self) -> None:
        self.handle.close()
        super().close()


def _read_rows(path: str, encoding: str, header: list[str], start: int, end: int, lines_before: int,
               last: bool) -> Generator[ServiceRecord | SkippedRow, None, _PartFacts]:
    """The records of bytes [start, end) of a CSV export, a part or all of its rows. Returns what
    `_PartsCheck` needs: whether the part ended at a row boundary, and how its rows ended."""
    layout = Layout(header, path)
    text = io.TextIOWrapper(io.BufferedReader(_Range(path, start, end), 1 << 20), encoding=encoding, newline="")
    reader = csv.reader(chain(text, [_END_OF_PART + "\n"]))
    # Hold one row back: only the last row can show that the download was cut short.
    pending: tuple[int, list[str]] | None = None
    ragged = boundary = False
    rows = 0
    try:
        while True:
            row = lines_before + reader.line_num + 1
            cells = next(reader, None)
            if cells is None:
                break
            if cells == [_END_OF_PART]:
                boundary = True
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # a blank line
            if pending:
                ragged = ragged or len(pending[1]) < layout.width
                yield layout.record(pending[1], pending[0])
            pending = (row, cells)
            rows += 1
    except csv.Error as exc:
        raise SourceError(path, f"is not a well-formed CSV file ({exc})", row=lines_before + reader.line_num) from None
    finally:
        text.close()
    if pending is None:
        return _PartFacts(boundary, ragged, rows, width=layout.width)
    if not last:
        ragged = ragged or len(pending[1]) < layout.width
    yield layout.record(pending[1], pending[0])
    if not last:
        return _PartFacts(boundary, ragged, rows, width=layout.width)
    return _PartFacts(boundary, ragged, rows, pending[0], len(pending[1]), layout.width)


class _PartsCheck:
    """What only the whole file shows, checked part by part in order: that each cut was at a row
    boundary, that there are rows at all, and that the last row is complete."""

    def __init__(self, origin: str, parts: int):
        self.origin, self.parts = origin, parts
        self.ragged = False
        self.rows = 0

    def __call__(self, index: int, facts: _PartFacts) -> None:
        if not facts.cut_at_row_boundary:
            raise PartsMisaligned(self.origin)
        self.ragged = self.ragged or facts.ragged
        self.rows += facts.rows
        if index < self.parts - 1:
            return
        if not self.rows:
            raise SourceError(self.origin, "has a header but no data rows")
        if facts.last_row is not None and facts.last_cells < facts.width and not (
                self.ragged and _ends_with_newline(Path(self.origin))):
            raise SourceError(self.origin, f"ends in the middle of a row ({facts.last_cells} of {facts.width} "
                                           "columns); the file looks truncated — download it again", row=facts.last_row)


# ------------------------------------------------------------------------------------------ Excel

def _read_xlsx(path: Path) -> Iterator[ServiceRecord | SkippedRow]:
    origin = str(path)
    workbook = open_workbook(path)
    try:
        # The first sheet whose header has name1; if none has, the first sheet's header is what the
        # error describes.
        rows: Iterator[tuple[int, list[str]]] | None = None
        header: list[str] = []
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


def sniff(sample: Sample) -> bool:
    """A CSV (or Excel) export whose header names facilities by name1, and no National Directory."""
    if sample.is_xlsx:
        return not is_national_directory(sample.sheets) and any("name1" in header for _, header in sample.sheets)
    return sample.url is None and not sample.text.startswith(("{", "[", "<")) and "name1" in sample.first_line_cells


FORMAT = SourceFormat(SOURCE, read=read, sniff=sniff, read_parts=read_parts)
