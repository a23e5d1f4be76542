"""CSV text as spreadsheets save it, for every CSV reader (samhsa-csv, HSDS tables, `auto`).

Excel's "Unicode text" is UTF-16 with a byte-order mark, usually tab-separated: a SAMHSA locator
export saved that way is a CSV like any other, not binary data. UTF-16 is told by its mark only
(without one, NUL bytes mean binary), and the separator by the header line: a tab when it has
more tabs than commas.
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpline_tui.core.limits import allow_long_csv_cells
from helpline_tui.core.records import SourceError

UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def is_utf16(head: bytes) -> bool:
    return head.startswith(UTF16_BOMS)


def file_is_utf16(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            return is_utf16(handle.read(2))
    except OSError:
        return False


def decode_head(head: bytes) -> str:
    """The first bytes of a file as text for sniffing: UTF-16 by its mark, else UTF-8, leniently."""
    if is_utf16(head):
        return head[: len(head) // 2 * 2].decode("utf-16", "replace")
    return head.decode("utf-8", "replace")


def delimiter(header_line: str) -> str:
    return "\t" if header_line.count("\t") > header_line.count(",") else ","


@contextmanager
def utf8_copy(path: Path) -> Iterator[Path]:
    """A UTF-16 CSV as a temporary comma-separated UTF-8 copy with the same rows on the same
    lines, for readers that work on UTF-8 bytes (samhsa-csv cuts files into parts by byte)."""
    allow_long_csv_cells()
    with tempfile.TemporaryDirectory(prefix="helpline-utf16-") as folder:
        copy = Path(folder) / path.name
        with open(path, encoding="utf-16", newline="") as source, \
                open(copy, "w", encoding="utf-8", newline="") as target:
            reader = None
            try:
                first = source.readline()
                source.seek(0)
                reader = csv.reader(source, delimiter=delimiter(first))
                csv.writer(target, lineterminator="\n").writerows(reader)
            except (csv.Error, UnicodeError) as exc:
                problem = exc.reason if isinstance(exc, UnicodeDecodeError) else exc
                raise SourceError(str(path), f"is not a well-formed UTF-16 CSV file ({problem})",
                                  row=reader.line_num if reader else 1) from None
        yield copy
