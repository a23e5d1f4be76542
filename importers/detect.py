"""`helpline import auto`: name the format of a source from its content, not its file name.

Each format contributes one sniffer: a function that gets a `Sample` (the source, its first 64 KB,
and the workbook's sheet names and first rows for .xlsx) and returns True when the source is
unmistakably its format. Sniffers run in the order of SNIFFERS; the first to say yes wins. To teach
`auto` a new format, write `def _my_format(sample) -> bool` and add it to SNIFFERS.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from helpline_tui.core.records import SourceError
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
        """(sheet title, lower-cased header cells) for each sheet of an .xlsx; [] otherwise."""
        if self._sheets is None:
            self._sheets = []
            if self.is_xlsx:
                try:
                    self._sheets = _read_sheets(self.path)
                except SourceError as exc:  # other zip-based formats may still claim the file
                    self.open_error = exc
        return self._sheets


def _read_sheets(path: Path) -> list[tuple[str, list[str]]]:
    from importers.xlsx import first_row, open_workbook

    workbook = open_workbook(path)
    try:
        return [(ws.title.strip().lower(), [c.strip().lower() for c in first_row(ws, str(path))])
                for ws in workbook.worksheets]
    finally:
        workbook.close()


# ------------------------------------------------------------------------------------------ sniffers

def _samhsa_directory(s: Sample) -> bool:
    return any(title == "facilities list" or ("name1" in header and "service_code_info" in header)
               for title, header in s.sheets)


def _samhsa_csv(s: Sample) -> bool:
    if s.is_xlsx:
        return any("name1" in header for _, header in s.sheets)
    return s.url is None and not s.text.startswith(("{", "[", "<")) and "name1" in s.first_line_cells


_SAMHSA_HOSTS = ("findtreatment.gov", "findtreatment.samhsa.gov")


def _samhsa_json(s: Sample) -> bool:
    if s.url:
        host = (urlsplit(s.url).hostname or "").lower()
        return any(host == h or host.endswith("." + h) for h in _SAMHSA_HOSTS)
    text = s.text
    if text.startswith("{"):
        return '"rows"' in text and ('"totalPages"' in text or '"name1"' in text)
    return text.startswith("[") and '"name1"' in text


def _hsds(s: Sample) -> bool:
    from importers import hsds

    return s.url is None and hsds.sniff(str(s.path))  # folders and zip packages need the path


def _meeting_guide(s: Sample) -> bool:
    from importers import meeting_guide

    return s.url is None and meeting_guide.sniff_text(s.text)


def _airs_xml(s: Sample) -> bool:
    from importers import airs_xml

    return s.url is None and airs_xml.sniff_text(s.text)


Sniffer = Callable[[Sample], bool]
SNIFFERS: list[tuple[str, Sniffer]] = [
    ("hsds", _hsds),  # first: a zipped datapackage also looks like an .xlsx
    ("samhsa-directory", _samhsa_directory),  # before samhsa-csv: both have name1
    ("samhsa-csv", _samhsa_csv),
    ("samhsa-json", _samhsa_json),
    ("meeting-guide", _meeting_guide),
    ("airs-xml", _airs_xml),
]


def detect_format(source: str, shown: str | None = None) -> str:
    """The format of a file or folder (content first), or of a URL by its address alone.
    `shown`: the name to give the source in the message when no format claims it (the URL a
    downloaded copy came from)."""
    sample = _sample(source)
    for name, sniffer in SNIFFERS:
        if sniffer(sample):
            return name
    if sample.open_error:
        raise sample.open_error
    from importers import FORMATS

    shown = shown or source
    raise SourceError(shown, f"cannot tell the format; name it, e.g. helpline import samhsa-csv {shown} "
                             f"(formats: {', '.join(FORMATS)})")


def named_by_address(url: str) -> str | None:
    """The format an http(s) address alone names (the SAMHSA locator API's host), else None: the
    content has to be fetched to tell."""
    sample = Sample(url, url=url)
    return next((name for name, sniffer in SNIFFERS if sniffer(sample)), None)


def _sample(source: str) -> Sample:
    if source.startswith(("http://", "https://")):
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
