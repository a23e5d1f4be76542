"""Reading a source file whole, within limits.MAX_FILE_BYTES.

Formats whose reader needs the whole file at once (JSON documents, HSDS tables joined by id) read
it through here, so a 2 GB file, or a zip member that inflates to one, is refused in one sentence
before it is in memory. The size is counted as the bytes come, not only taken from what the file
system or the zip says.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from helpline_tui.core import limits
from helpline_tui.core.records import SourceError


def too_big(origin: str, size: int | None = None) -> SourceError:
    shown = f" ({size:,} bytes)" if size is not None else ""
    return SourceError(origin, f"is over the {limits.mib(limits.MAX_FILE_BYTES)} limit for one file read "
                               f"whole (MAX_FILE_BYTES){shown}")


def read_stream(stream: IO[bytes], origin: str) -> bytes:
    data = stream.read(limits.MAX_FILE_BYTES + 1)
    if len(data) > limits.MAX_FILE_BYTES:
        raise too_big(origin)
    return data


def read_file(path: Path, origin: str | None = None) -> bytes:
    origin = origin or str(path)
    size = path.stat().st_size
    if size > limits.MAX_FILE_BYTES:
        raise too_big(origin, size)
    with open(path, "rb") as handle:
        return read_stream(handle, origin)


def check_size(data: bytes, origin: str) -> bytes:
    """A body already in memory (a download), held to the same limit before it is parsed."""
    if len(data) > limits.MAX_FILE_BYTES:
        raise too_big(origin, len(data))
    return data
