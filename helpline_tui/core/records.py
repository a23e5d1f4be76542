"""The normalised record every importer yields and the one pipeline writes.

An importer's whole job is to turn a source into `ServiceRecord`s (or `SkippedRow`s for rows it
cannot use). Cleaning, validation, ids, geocoding from ZIP centroids and the write all happen once,
in `helpline_tui.core.pipeline`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from helpline_tui.core.display import display_text
from helpline_tui.errors import Failure, Signal

KINDS = ("treatment", "support-group", "community")
STATUSES = ("active", "inactive", "temporarily-closed")
GEO_PRECISIONS = ("exact", "zip-centroid", "none")
WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # index 0 = Sunday, as Meeting Guide
# The helpline's own languages, offered first in the language filter and shown first in a row:
# English, Spanish and sign language (sgn: SAMHSA's sign-language services; asl: a source that says ASL).
MAIN_LANGUAGES = ("en", "es", "sgn", "asl")


@dataclass
class ServiceRecord:
    """One service at one place: a facility site, a meeting, a community service at a location.

    Text fields may arrive dirty (HTML entities, control characters, odd whitespace); the pipeline
    cleans them. Leave a field empty ("" or None) when the source does not say.
    """

    name: str
    kind: str = "treatment"
    # Where it came from. `source_key` is the source's own stable id for the record when it has
    # one; without it the pipeline mints the id from normalised name + address.
    source: str = ""
    source_key: str | None = None
    row: int | None = None  # 1-based row/item number in the source, for error messages
    organization: str = ""
    site_name: str = ""
    description: str = ""
    phone: str = ""
    intake_phone: str = ""
    hotline_phone: str = ""
    website: str = ""
    email: str = ""
    street: str = ""
    city: str = ""
    state: str = ""
    zip: str = ""
    county: str = ""
    latitude: float | None = None
    longitude: float | None = None
    # Free text ("Miami-Dade County", "Statewide") and machine-readable tokens: "US" (national),
    # a state code "NY", "zip:10701", "county:NY:Westchester".
    service_area: str = ""
    service_area_list: list[str] = field(default_factory=list)
    # {"mon": [["09:00", "17:00"]], ...}; "00:00"-"24:00" is open all day. Absent day = closed or
    # unknown (hours_text says which when the source says it).
    hours: dict[str, list[list[str]]] = field(default_factory=dict)
    hours_text: str = ""
    status: str = "active"
    languages: list[str] = field(default_factory=list)  # ISO 639-1 codes plus "asl"
    needs: list[str] = field(default_factory=list)  # need ids (spec/needs.md)
    populations: list[str] = field(default_factory=list)  # population ids
    payment: list[str] = field(default_factory=list)  # payment ids
    source_codes: list[str] = field(default_factory=list)  # every raw code the source gave
    unmapped_codes: list[str] = field(default_factory=list)  # codes with no need/pop/payment/lang
    # Service concepts (core/concepts.py) the source's codes or category names give; the pipeline
    # infers them from the record's own words only when this is empty.
    concepts: list[str] = field(default_factory=list)
    category_names: list[str] = field(default_factory=list)  # the source's own names of its categories
    last_verified: str | None = None  # ISO date, only when the source states one
    raw: dict[str, Any] = field(default_factory=dict)  # the source record, for the detail view


# Messages quote source text through the one display rule (core/display.py): ESC and the other
# controls a terminal obeys are shown as \x1b, a line break as a space, so a sentence stays one line.
printable = display_text


@dataclass
class SkippedRow:
    """A row an importer read but cannot use; reported in the summary, never fatal."""

    row: int
    reason: str
    field: str | None = None

    def __post_init__(self) -> None:
        self.reason = printable(str(self.reason))


class SourceError(Failure):
    """A source that cannot be imported at all. The message is one sentence for the user, naming
    the file (or URL), and the row and field when there is one."""

    def __init__(self, origin: str, message: str, row: int | None = None, field: str | None = None):
        self.origin = origin
        self.row = row
        self.field = field
        self.detail = message
        where = origin
        if row is not None:
            where += f", row {row}"
        if field:
            where += f", field '{field}'"
        super().__init__(printable(f"{where}: {message}"))

    def __reduce__(self):  # raised in an import worker process, re-raised in the main one
        return SourceError, (self.origin, self.detail, self.row, self.field)


@dataclass
class SourceParts:
    """A source that can be read as independent parts, in order (a large CSV cut at row
    boundaries), so the pipeline can read and clean them on several cores.

    `parts` are picklable callables, each returning an iterator of records whose return value
    (StopIteration.value) is what the part learnt about the source. `check(index, facts)` is
    called with those in order, in the main process, and raises SourceError when the whole says
    the source is bad, or PartsMisaligned when a cut was not at a row boundary after all, in which
    case the pipeline reads `whole()`, the same records in one pass."""

    parts: list[Callable[[], Iterator[ServiceRecord | SkippedRow]]]
    check: Callable[[int, Any], None]
    whole: Callable[[], Iterator[ServiceRecord | SkippedRow]]


class PartsMisaligned(Signal):
    """A source was cut inside a record; read it in one pass instead."""


def is_url(source: str) -> bool:
    """A source given as an http(s) address, fetched by an import; anything else is a local path."""
    return source.startswith(("http://", "https://"))
