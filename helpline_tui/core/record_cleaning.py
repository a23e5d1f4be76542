"""Cleaning and validation of one imported record: the `ServiceRecord` an importer yields becomes
the row the services table stores, or a RowProblem naming the field that makes it unusable.

Text goes through `core/cleaning.py` (the one display-cleaning of untrusted text); this module
decides what a record's fields must be (a known kind, a state code, vocabulary ids, HH:MM hours),
fills a missing position from the ZIP or city centroid, and merges a site a source lists twice.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from typing import Any

from helpline_tui.core import cleaning, concepts, geo, limits, vocabulary
from helpline_tui.core.records import GEO_PRECISIONS, KINDS, STATUSES, WEEKDAYS, ServiceRecord, printable
from helpline_tui.core.row_encoding import LIST_FIELDS, mint_id
from helpline_tui.core.textnorm import fold
from helpline_tui.errors import Signal


class RowProblem(Signal):
    def __init__(self, field_name: str, reason: str):
        super().__init__(reason)
        self.field = field_name
        self.reason = printable(reason)


_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_STATE_CODE = re.compile(r"[A-Z]{2}")
_PHONE_FIELDS = ("phone", "intake_phone", "hotline_phone")


@dataclass
class CleaningStats:
    """What cleaning repaired, dropped or cut, for the import's summary."""

    placeholder_phones: int = 0
    repaired: int = 0
    dropped: int = 0
    from_zip: int = 0
    cut: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_ROWS_LISTED
    cut_count: int = 0

    def add(self, other: CleaningStats) -> None:
        self.placeholder_phones += other.placeholder_phones
        self.repaired += other.repaired
        self.dropped += other.dropped
        self.from_zip += other.from_zip
        self.cut_count += other.cut_count
        list_first(self.cut, other.cut)


def list_first(listed: list[dict[str, Any]], more: Iterable[dict[str, Any]]) -> None:
    """Rows noted with their details (skipped, cut) up to limits.MAX_ROWS_LISTED; beyond that
    they are only counted, so a source of a million bad rows is not a million dicts in memory."""
    room = limits.MAX_ROWS_LISTED - len(listed)
    if room > 0:
        listed.extend(islice(more, room))


def clean_record(rec: ServiceRecord, conn: sqlite3.Connection, stats: CleaningStats) -> dict[str, Any]:
    """A validated, cleaned row for the services table. Raises RowProblem naming the field."""
    name = cleaning.clean_text(rec.name, limit=cleaning.MAX_NAME_CHARS)
    _check_fixed_fields(rec, name)
    state = _state_code(rec)
    zip5 = cleaning.clean_zip(rec.zip)
    if rec.zip and not zip5 and state in cleaning.US_STATES:
        raise RowProblem("zip", f"'{cleaning.clean_text(rec.zip)}' is not a ZIP code")
    _check_vocabulary(rec)
    street = cleaning.clean_text(rec.street)
    city = cleaning.clean_text(rec.city)
    site_name = cleaning.clean_text(rec.site_name, limit=cleaning.MAX_NAME_CHARS)
    row: dict[str, Any] = {
        "id": mint_id(rec.source, rec.source_key, name, site_name, street, city, state, zip5),
        "kind": rec.kind,
        "name": name,
        "organization": cleaning.clean_text(rec.organization, limit=cleaning.MAX_NAME_CHARS),
        "site_name": site_name,
        "description": cleaning.clean_text(rec.description, multiline=True),
        **_phones(rec, stats),
        "website": cleaning.clean_website(rec.website),
        "email": cleaning.clean_email(rec.email),
        "street": street,
        "city": city,
        "state": state,
        "zip": zip5,
        "county": cleaning.clean_text(rec.county),
        **_position(rec, conn, zip5, state, stats),
        "service_area": cleaning.clean_text(rec.service_area),
        "service_area_list": _clean_list(rec.service_area_list),
        "hours": _clean_hours(rec.hours),
        "hours_text": cleaning.clean_text(rec.hours_text, multiline=True),
        "status": rec.status,
        "languages": _clean_list(rec.languages, _LANG),
        "needs": sorted(set(rec.needs)),
        "populations": sorted(set(rec.populations)),
        "payment": sorted(set(rec.payment)),
        "source_codes": _clean_list(rec.source_codes),
        "unmapped_codes": _clean_list(rec.unmapped_codes),
        **_concepts_of(rec, name),
        "source": rec.source,
        "source_record_id": cleaning.clean_text(rec.source_key) if rec.source_key else "",
        "last_verified": _iso_date(rec.last_verified),
        "raw": rec.raw,  # encoded as raw_json with the row, so merging SU/MH rows decodes nothing
    }
    _note_cuts(rec, row, stats)
    return row


def _check_fixed_fields(rec: ServiceRecord, name: str) -> None:
    if not name:
        raise RowProblem("name", "the name is empty")
    if rec.kind not in KINDS:
        raise RowProblem("kind", f"'{rec.kind}' is not one of {', '.join(KINDS)}")
    if rec.status not in STATUSES:
        raise RowProblem("status", f"'{rec.status}' is not one of {', '.join(STATUSES)}")
    if not rec.source:
        raise RowProblem("source", "the record names no source")


def _state_code(rec: ServiceRecord) -> str:
    """The record's two-letter state, from a code or a state's name ("Texas")."""
    state = cleaning.clean_text(rec.state).upper()
    if state and not _STATE_CODE.fullmatch(state):
        state = geo.STATE_NAMES.get(fold(state), "")
        if not state:
            raise RowProblem("state", f"'{cleaning.clean_text(rec.state)}' is not a state code")
    return state


@lru_cache(maxsize=1)
def _vocabulary_ids() -> dict[str, frozenset[str]]:
    """Need, population and payment ids by facet: one set test per list instead of a lookup per id."""
    vocab = vocabulary.load()
    return {facet: frozenset(t.id for t in terms)
            for facet, terms in (("need", vocab.needs), ("population", vocab.populations), ("payment", vocab.payment))}


def _check_vocabulary(rec: ServiceRecord) -> None:
    ids = _vocabulary_ids()
    for facet, expected, values in (("needs", "need", rec.needs), ("populations", "population", rec.populations),
                                    ("payment", "payment", rec.payment)):
        if ids[expected].issuperset(values):
            continue
        for value in values:
            if vocabulary.load().facet_of(value) != expected:
                raise RowProblem(facet, f"'{value}' is not a {expected} id of the vocabulary")


def _phones(rec: ServiceRecord, stats: CleaningStats) -> dict[str, str]:
    """The three phone fields formatted; a number that is only a placeholder (000-000-0000) is dropped."""
    phones = {}
    for key in _PHONE_FIELDS:
        raw = getattr(rec, key)
        formatted = cleaning.format_phone(raw)
        if raw and not formatted and cleaning.phone_digits(str(raw)):
            stats.placeholder_phones += 1
        phones[key] = formatted
    return phones


def _position(rec: ServiceRecord, conn: sqlite3.Connection, zip5: str, state: str,
              stats: CleaningStats) -> dict[str, Any]:
    """Latitude, longitude and how exact they are: the source's point (repaired when its two
    values are swapped), else the centre of its ZIP code or city, else none."""
    lat, lon, note = cleaning.fix_coordinates(cleaning.to_float(rec.latitude), cleaning.to_float(rec.longitude))
    if note.startswith("latitude"):
        stats.repaired += 1
    elif note:
        stats.dropped += 1
    precision = "exact" if lat is not None else "none"
    if lat is None:
        centre = geo.zip_centroid(conn, zip5) if zip5 else None
        if centre is None and rec.city and state:
            centre = geo.city_centroid(conn, cleaning.clean_text(rec.city), state)
        if centre is not None:
            lat, lon = centre
            precision = "zip-centroid"
            stats.from_zip += 1
    assert precision in GEO_PRECISIONS
    return {"latitude": round(lat, 6) if lat is not None else None,
            "longitude": round(lon, 6) if lon is not None else None,
            "geo_precision": precision}


def _note_cuts(rec: ServiceRecord, row: dict[str, Any], stats: CleaningStats) -> None:
    """Fields cut to their size limit (core/limits.py), counted and the first ones listed."""
    for name, limit in limits.FIELD_LIMITS:
        value = getattr(rec, name)
        if isinstance(value, str) and len(value) > limit and row[name].endswith("…"):
            stats.cut_count += 1
            list_first(stats.cut, [{"row": rec.row, "field": name, "reason": limits.cut_message(len(value), limit)}])


# List items (codes, language ids, area tokens) repeat across records, so remember the ones already
# clean: a list made only of those needs no per-item work. Keyed by the list's pattern.
_KNOWN_CLEAN: dict[str | None, set[str]] = {}


def _clean_list(values: Iterable[str], pattern: re.Pattern[str] | None = None) -> list[str]:
    if not values:
        return []
    known = _KNOWN_CLEAN.setdefault(pattern.pattern if pattern else None, set())
    try:
        if known.issuperset(values):
            return sorted(set(values))
    except TypeError:  # an unhashable item: the slow path says what it is
        pass
    out = set()
    for v in values:
        c = cleaning.clean_text(v).lower() if pattern else cleaning.clean_text(v)
        if c and (pattern is None or pattern.match(c)):
            out.add(c)
            if c == v and len(known) < 100_000:
                known.add(c)
    return sorted(out)


def _clean_hours(hours: dict[str, list[list[str]]]) -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for day, ranges in (hours or {}).items():
        if day not in WEEKDAYS:
            raise RowProblem("hours", f"unknown weekday '{day}'")
        clean = []
        for pair in ranges:
            if len(pair) != 2 or not all(isinstance(t, str) and _TIME.match(t) for t in pair):
                raise RowProblem("hours", f"'{pair}' on {day} is not an HH:MM range")
            clean.append([pair[0], pair[1]])
        if clean:
            out[day] = sorted(clean)
    return out


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
        except ValueError:
            return None
    for fmt in ("%m/%d/%Y", "%m/%d/%y", "%d %b %Y", "%B %d, %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _concepts_of(rec: ServiceRecord, name: str) -> dict[str, list[str]]:
    """The record's service concepts: those its source gave (codes, category names), else those
    its own words say, marked inferred (core/concepts.py)."""
    coded = [c for c in rec.concepts if concepts.get(c) is not None]
    inferred = [] if coded else concepts.for_record(name=name, organization=rec.organization,
                                                    description=rec.description)[1]
    return {"concepts": _clean_list(coded), "concepts_inferred": _clean_list(inferred),
            "category_names": _clean_list([cleaning.clean_text(c) for c in rec.category_names if c])}


_MERGED_APART = frozenset((*LIST_FIELDS, "hours", "raw"))


def merge_rows(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """The same site twice in one source (SAMHSA lists a site once per survey, SU and MH): one
    record with the union of its lists and the first non-empty value of every other field."""
    merged = dict(first)
    for key in LIST_FIELDS:  # cleaned lists are sorted and free of repeats already
        extra = second[key]
        if extra and extra != first[key]:
            merged[key] = sorted(set(first[key]).union(extra))
    if not first["hours"]:
        merged["hours"] = second["hours"]
    a, b = first["raw"], second["raw"]
    if a != b:
        merged["raw"] = {"merged": [a, b] if "merged" not in a else a["merged"] + [b]}
    for key, value in second.items():
        if merged.get(key) in (None, "") and key not in _MERGED_APART:
            merged[key] = value
    return merged
