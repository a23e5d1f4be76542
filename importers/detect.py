"""`helpline import auto`: name the format of a source from its content, not its file name.

Each format's declaration (importers.source_format) has a sniff: a function that gets a `Sample`
(the source, its first 64 KB, and the workbook's sheet names and first rows for .xlsx) and returns
True when the source is unmistakably its format. A sniff claims only its own format, so the one
that says yes names it, whatever the order they are tried in.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from helpline_tui.core.records import SourceError, is_url
from importers.csv_text import decode_head
from importers.xlsx import ZIP_MAGIC

HEAD_BYTES = 65536


@dataclass
class Sample:
    source: str
    url: str | None = None  # set for http(s) sources, which are not downloaded to be sniffed
    path: Path | None = None
    head: bytes = b""
    _sheets: list[tuple[str, list[str]]] | None = field(default=None, repr=False)
    open_error: SourceError | None = None  # why a zip file could not be read as a workbook

    @cached_property
    def text(self) -> str:
        """The head as text, BOM and leading blanks removed (lenient: a sniff, not a parse)."""
        return decode_head(self.head).lstrip("\ufeff \t\r\n")

    @cached_property
    def first_line_cells(self) -> list[str]:
        line = self.text.split("\n", 1)[0]
        return [c.strip().strip('"').strip().lower() for c in re.split(r"[,;\t]", line)]

    @property
    def is_xlsx(self) -> bool:
        return self.head.startswith(ZIP_MAGIC) and self.path is not None

    @property
    def sheets(self) -> list[tuple[str, list[str]]]:
        """(sheet title, lower-cased header cells) for each sheet of an .xlsx; [] otherwise, and
        for a zip that is no Office file (an HSDS package), without loading the workbook reader."""
        if self._sheets is None:
            self._sheets = []
            if self.is_xlsx and self.path is not None and _may_be_office_file(self.path):
                self._open_sheets(self.path)
        return self._sheets

    def workbook_error(self) -> SourceError | None:
        """Why a zip no format claimed cannot be read as a workbook (damaged, or not one)."""
        if self.is_xlsx and self.path is not None and self.open_error is None and not self.sheets:
            self._open_sheets(self.path)
        return self.open_error

    def _open_sheets(self, path: Path) -> None:
        try:
            self._sheets = _read_sheets(path)
        except SourceError as exc:  # other zip-based formats may still claim the file
            self.open_error = exc


def _may_be_office_file(path: Path) -> bool:
    """Every Office (OOXML) file holds [Content_Types].xml; a zip that cannot be listed may be a
    damaged workbook, which the workbook reader then names as such."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return True


def _read_sheets(path: Path) -> list[tuple[str, list[str]]]:
    from importers.xlsx import first_row, open_workbook

    workbook = open_workbook(path)
    try:
        return [(ws.title.strip().lower(), [c.strip().lower() for c in first_row(ws, str(path))])
                for ws in workbook.worksheets]
    finally:
        workbook.close()


def detect_format(source: str, shown: str | None = None) -> str:
    """The format of a file or folder (content first), or of a URL by its address alone.
    `shown`: the name to give the source in the message when no format claims it (the URL a
    downloaded copy came from)."""
    from importers import FORMATS, all_declared

    sampled = sample(source)
    for declaration in all_declared():
        if declaration.sniff(sampled):
            return declaration.name
    problem = sampled.workbook_error()
    if problem:
        raise problem

    shown = shown or source
    raise SourceError(shown, f"cannot tell the format; name it, e.g. helpline import samhsa-csv {shown} "
                             f"(formats: {', '.join(FORMATS)})")


def named_by_address(url: str) -> str | None:
    """The format an http(s) address alone names (the SAMHSA locator API's host), else None: the
    content has to be fetched to tell."""
    from importers import all_declared

    sampled = Sample(url, url=url)
    return next((declaration.name for declaration in all_declared() if declaration.sniff(sampled)), None)


def sample(source: str) -> Sample:
    """What the sniffs read of a file or folder; an http(s) address is only its address."""
    if is_url(source):
        return Sample(source, url=source)
    path = Path(source)
    if path.is_dir():
        return Sample(source, path=path)
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise SourceError(source, f"cannot be read ({exc.strerror or exc})") from None
    return Sample(source, path=path, head=head)
