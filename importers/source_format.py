"""What an import format is, declared once in its own module as `FORMAT = SourceFormat(...)`.

`importers.FORMATS` lists the formats; everything else (`helpline import FORMAT`, `auto`'s sniffing,
URL downloads, reading in parts, default source names) reads these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceParts

if TYPE_CHECKING:
    from importers.detect import Sample
    from importers.http import Response

Records = Iterator[ServiceRecord | SkippedRow]


@dataclass(frozen=True)
class SourceFormat:
    name: str  # as typed after `helpline import`, and the module importers/<name with _>.py
    # A local file or folder, as the admin gives it (or a URL's download, for a file-only format).
    read: Callable[[str], Records]
    # True when the source is unmistakably this format (`helpline import auto`). A sniff claims
    # only its own format, so the order in which sniffs are tried never decides.
    sniff: Callable[[Sample], bool]
    # An http(s) address, and its body when `auto` has already fetched it to tell the format (so
    # it is not fetched twice). None: the format reads files only, and a URL is downloaded to a
    # temporary file first.
    read_url: Callable[[str, Response | None], Records] | None = None
    # A large source as parts read on several cores (the size of a part given), None when it is
    # better read in one pass.
    read_parts: Callable[[str, int], SourceParts | None] | None = None
    # What the feed is ("sa-2022"), from the source itself, for its default source name.
    feed_name: Callable[[str], str | None] | None = None

    @property
    def reads_urls(self) -> bool:
        return self.read_url is not None
