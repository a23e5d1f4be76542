"""Streaming rows out of an .xlsx workbook (openpyxl read-only) with one-sentence errors.

A damaged workbook can fail when opened (a download cut short loses the zip directory) or only
while its rows stream (a damaged sheet part); both become a `SourceError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from helpline_tui.core.records import SourceError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary .xls format

_DAMAGED = "is not a readable Excel workbook (the file is damaged or incomplete; download it again)"
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, ParseError, EOFError, KeyError, ValueError, TypeError,
                IndexError, AttributeError, OSError)


def open_workbook(path: Path):
    import openpyxl  # about 0.2 s to import; only Excel sources pay for it

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _READ_ERRORS:
        raise SourceError(str(path), _DAMAGED) from None
    except Exception as exc:  # openpyxl raises its own InvalidFileException and friends
        raise SourceError(str(path), f"{_DAMAGED} ({type(exc).__name__})") from None


def cell_text(value: object) -> str:
    """Cells as the text a CSV would hold: 2150 -> "2150", 42.5 -> "42.5", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value)


def sheet_rows(ws, origin: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as Excel shows it, cells as text) for every non-empty row of a sheet."""
    # Some exporters write a wrong <dimension> (e.g. A1:A1) and read-only mode trusts it.
    ws.reset_dimensions()
    try:
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if not values or all(v is None or v == "" for v in values):
                continue
            yield number, [cell_text(v) for v in values]
    except _READ_ERRORS:
        raise SourceError(origin, _DAMAGED) from None


def first_row(ws, origin: str) -> list[str]:
    for _, cells in sheet_rows(ws, origin):
        return cells
    return []
