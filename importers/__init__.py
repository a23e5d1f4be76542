"""One module per source format. Each turns a source (file, folder or URL) into normalised
`ServiceRecord`s for the one pipeline (helpline_tui.core.pipeline) and nothing else.

A format module declares what it is once, `FORMAT = SourceFormat(...)` (importers.source_format:
its name, its sniff for `auto`, how it reads files, and URLs, parts and feed names where it can);
FORMATS below lists them. A reader raises `SourceError` naming the file, row and field when the
source cannot be imported.
"""

from __future__ import annotations

import importlib
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from helpline_tui.core import settings
from helpline_tui.core.records import SourceError, SourceParts, is_url
from helpline_tui.errors import Failure
from importers.source_format import Records, SourceFormat

if TYPE_CHECKING:
    from importers.http import Response

__all__ = ["FORMATS", "FormatNotAvailable", "OpenedSource", "SourceFormat", "all_declared", "declared",
           "default_source_name", "detect", "is_url", "load", "opened", "read_in_parts", "url_feed_name"]

# Every format, in the order `helpline import` offers them; each declared in its module's FORMAT.
# A module is imported when its format is used (importing every format costs a third of a second).
FORMATS: dict[str, str] = {
    "samhsa-csv": "importers.samhsa_csv",
    "samhsa-json": "importers.samhsa_json",
    "samhsa-directory": "importers.samhsa_directory",
    "hsds": "importers.hsds",
    "meeting-guide": "importers.meeting_guide",
    "airs-xml": "importers.airs_xml",
}


class FormatNotAvailable(Failure):
    pass


def declared(fmt: str) -> SourceFormat:
    """The declaration of format `fmt` (a name in FORMATS)."""
    try:
        module = importlib.import_module(FORMATS[fmt])
    except ModuleNotFoundError as exc:
        if exc.name != FORMATS.get(fmt):
            raise
        raise FormatNotAvailable(f"format '{fmt}' is not available in this version of helpline yet") from None
    declaration: SourceFormat = module.FORMAT
    return declaration


def all_declared() -> Iterator[SourceFormat]:
    """Every format's declaration in FORMATS order, each module imported when it is reached (the
    first sniff to claim a source ends the search)."""
    return (declared(fmt) for fmt in FORMATS)


def load(fmt: str) -> Callable[[str], Records]:
    """The reader of format `fmt`: a file or folder (and an address, for a format that reads URLs)."""
    return declared(fmt).read


def read_in_parts(fmt: str, source: str) -> SourceParts | None:
    """The source as parts of about HELPLINE_IMPORT_PART_BYTES (1 MiB) when its format can be read
    that way and it is large enough to gain from it; else None (read it whole)."""
    read_parts = declared(fmt).read_parts
    if read_parts is None:
        return None
    return read_parts(source, settings.IMPORT_PART_BYTES.read())


# Imported before `detect` below is defined: importing the submodule later (as this function
# once did on its first call) sets the package attribute `importers.detect` to the module,
# replacing the function, so a second detection in one process failed.
from importers import detect as _detection  # noqa: E402


def detect(source: str) -> str:
    return _detection.detect_format(source)


@dataclass(frozen=True)
class OpenedSource:
    """A source ready to read: its format (named, or told by `auto`), what its reader reads (the
    source itself, or a URL's download for a file-only format) and, for a format that reads URLs,
    the body `auto` already fetched from the address."""

    format: str
    readable: str
    download: Response | None = None

    def records(self) -> SourceParts | Records:
        """The source's records, as parts read on several cores where its format can."""
        parts = read_in_parts(self.format, self.readable)
        if parts is not None:
            return parts
        declaration = declared(self.format)
        if declaration.read_url is not None and is_url(self.readable):
            return declaration.read_url(self.readable, self.download)
        return declaration.read(self.readable)


@contextmanager
def opened(fmt: str, source: str) -> Iterator[OpenedSource]:
    """The source of `helpline import FORMAT SOURCE` ready to read, FORMAT maybe `auto`.

    A local source is read where it is. A URL is fetched once, through importers.http (its limits,
    timeouts, retries and one-sentence network errors), when its format has to be told from its
    content (`auto`, except for the SAMHSA locator API, named by its host) or when the format's
    reader takes only files (samhsa-csv, samhsa-directory). An importer that reads URLs is then
    given that download instead of fetching it again (samhsa-json asks for its pages with page
    parameters, so it fetches the first page once more); a file-only reader reads a temporary
    copy, and its errors name the URL, not the copy."""
    if not is_url(source):
        yield OpenedSource(detect(source) if fmt == "auto" else fmt, source)
        return
    if fmt == "auto":
        fmt = _detection.named_by_address(source) or "auto"
    if fmt != "auto" and declared(fmt).reads_urls:
        yield OpenedSource(fmt, source)
        return
    from importers import http

    with http.Downloader() as downloader:
        response = downloader.get(source)
    http.refuse_web_page(response)
    with tempfile.TemporaryDirectory(prefix="helpline-download-") as folder:
        copy = str(Path(folder) / _file_name(source))
        Path(copy).write_bytes(response.content)
        try:
            if fmt == "auto":
                fmt = _detection.detect_format(copy, shown=source)
            if declared(fmt).reads_urls:
                yield OpenedSource(fmt, source, response)
            else:
                yield OpenedSource(fmt, copy)
        except SourceError as exc:
            raise SourceError(exc.origin.replace(copy, source), exc.detail.replace(copy, source),
                              exc.row, exc.field) from None


def default_source_name(fmt: str, readable: str, source: str) -> str:
    """The source name an import files its records under when no --source-name is given: the format,
    then what the feed is, so that two different feeds of one format never share a source by
    default. What the feed is comes from the feed itself when its format says (its declaration's
    `feed_name`: the National Directory's kind and year, "samhsa-directory:sa-2022"), else from a
    URL's host and path ("meeting-guide:aasepia.org/wp-json/meetings"); a local file of a format
    that names nothing keeps the format's name. `readable` is what the reader reads (a URL's
    download, for file-only readers), `source` what the admin gave."""
    feed_name = declared(fmt).feed_name
    name = feed_name(readable) if feed_name else None
    if not name and is_url(source):
        # Host (and port) and path only: a query may hold a key, and page parameters change between runs.
        name = url_feed_name(source)
    return f"{fmt}:{name}" if name else fmt


def url_feed_name(url: str) -> str:
    """"aasepia.org/wp-json/meetings": a URL's host, port when it has one, and path; no user, query
    or fragment (they may hold a key)."""
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        port = ""
    return f"{(parts.hostname or '').lower()}{port}{parts.path.rstrip('/')}"


def _file_name(url: str) -> str:
    """The last part of the URL's path, made safe as a file name ("download" when there is none)."""
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:100]
    return name or "download"
