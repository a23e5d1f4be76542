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
from collections.abc import Callable, Iterator

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceParts

FORMATS: dict[str, str] = {
    "samhsa-csv": "importers.samhsa_csv",
    "samhsa-json": "importers.samhsa_json",
    "samhsa-directory": "importers.samhsa_directory",
    "hsds": "importers.hsds",
    "meeting-guide": "importers.meeting_guide",
    "airs-xml": "importers.airs_xml",
}

Reader = Callable[[str], Iterator[ServiceRecord | SkippedRow]]


class FormatNotAvailable(Exception):
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
