"""One module per source format. Each turns a source (file, folder or URL) into normalised
`ServiceRecord`s for the one pipeline (helpline_tui.core.pipeline) and nothing else.

A module exposes `read(source: str) -> Iterator[ServiceRecord | SkippedRow]` and raises
`SourceError` naming the file, row and field when the source cannot be imported. A module whose
large sources can be cut into independent parts also exposes `read_parts(source, part_bytes) ->
SourceParts | None`, so the pipeline reads them on several cores.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError, SourceParts
from helpline_tui.errors import Failure

FORMATS: dict[str, str] = {
    "samhsa-csv": "importers.samhsa_csv",
    "samhsa-json": "importers.samhsa_json",
    "samhsa-directory": "importers.samhsa_directory",
    "hsds": "importers.hsds",
    "meeting-guide": "importers.meeting_guide",
    "airs-xml": "importers.airs_xml",
}

# Importers that fetch an http(s) source themselves; the others read files only, so a URL source of
# theirs is downloaded first (see `opened`).
URL_READERS = frozenset({"samhsa-json", "hsds", "meeting-guide", "airs-xml"})

Reader = Callable[[str], Iterator[ServiceRecord | SkippedRow]]


class FormatNotAvailable(Failure):
    pass


def local_head(source: str, size: int = 65536) -> str | None:
    """The first `size` bytes of a local file as text, for sniffing a format; None for URLs and
    unreadable paths (URLs are never fetched just to guess their format)."""
    if source.startswith(("http://", "https://")):
        return None
    try:
        with open(source, "rb") as handle:
            return handle.read(size).decode("utf-8", "replace")
    except OSError:
        return None


def load(fmt: str) -> Reader:
    try:
        module = importlib.import_module(FORMATS[fmt])
    except ModuleNotFoundError as exc:
        if exc.name != FORMATS.get(fmt):
            raise
        raise FormatNotAvailable(f"format '{fmt}' is not available in this version of helpline yet") from None
    return module.read


def read_in_parts(fmt: str, source: str) -> SourceParts | None:
    """The source as parts of about HELPLINE_IMPORT_PART_BYTES (1 MiB) when its format can be read
    that way and it is large enough to gain from it; else None (read it whole with `load`)."""
    module = importlib.import_module(FORMATS[fmt])
    read_parts = getattr(module, "read_parts", None)
    if read_parts is None:
        return None
    configured = os.environ.get("HELPLINE_IMPORT_PART_BYTES", "").strip()
    return read_parts(source, int(configured) if configured.isdigit() and int(configured) > 0 else 1 << 20)


# Imported before `detect` below is defined: importing the submodule later (as this function
# once did on its first call) sets the package attribute `importers.detect` to the module,
# replacing the function, so a second detection in one process failed.
from importers import detect as _detection  # noqa: E402


def detect(source: str) -> str:
    return _detection.detect_format(source)


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


@contextmanager
def opened(fmt: str, source: str) -> Iterator[tuple[str, str]]:
    """(format, what its reader reads) for `helpline import FORMAT SOURCE`, FORMAT maybe `auto`.

    A local source is read where it is. A URL is fetched once, through importers.http (its limits,
    timeouts, retries and one-sentence network errors), when its format has to be told from its
    content (`auto`, except for the SAMHSA locator API, named by its host) or when the format's
    reader takes only files (samhsa-csv, samhsa-directory). An importer that reads URLs then gets
    that download handed over instead of fetching it again (samhsa-json asks for its pages with
    page parameters, so it fetches the first page once more); a file-only reader reads a temporary
    copy, and its errors name the URL, not the copy."""
    if not is_url(source):
        yield (detect(source) if fmt == "auto" else fmt), source
        return
    if fmt == "auto":
        fmt = _detection.named_by_address(source) or "auto"
    if fmt in URL_READERS:
        yield fmt, source
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
            if fmt in URL_READERS:
                with http.handed_over(source, response):
                    yield fmt, source
            else:
                yield fmt, copy
        except SourceError as exc:
            raise SourceError(exc.origin.replace(copy, source), exc.detail.replace(copy, source),
                              exc.row, exc.field) from None


def default_source_name(fmt: str, readable: str, source: str) -> str:
    """The source name an import files its records under when no --source-name is given: the format,
    then what the feed is, so that two different feeds of one format never share a source by
    default. What the feed is comes from the feed itself when its format says (a module's
    `feed_name`: the National Directory's kind and year, "samhsa-directory:sa-2022"), else from a
    URL's host and path ("meeting-guide:aasepia.org/wp-json/meetings"); a local file of a format
    that names nothing keeps the format's name. `readable` is what the reader reads (a URL's
    download, for file-only readers), `source` what the admin gave."""
    module = importlib.import_module(FORMATS[fmt])
    feed_name = getattr(module, "feed_name", None)
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
