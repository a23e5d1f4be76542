"""What a search takes and returns: the filters, a hit, the page, and the error for a filter
value that cannot be applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from helpline_tui.core import days, geo, phones, zones
from helpline_tui.core import concepts as concepts_mod
from helpline_tui.core import query as query_mod
from helpline_tui.core.records import WEEKDAYS, printable
from helpline_tui.core.textnorm import fold
from helpline_tui.errors import UserError


DEFAULT_RADIUS_MILES = 25.0


MAX_RADIUS_MILES = 5000


MAX_LIMIT = 1000


class FilterError(UserError, ValueError):
    """A filter value the user gave that cannot be applied; the message is one sentence, with
    any control character the user typed shown escaped (a place name is quoted back as given).

    `usage` marks a value helpline never accepts, whatever the directory holds (an unknown need,
    kind or language code, a malformed state or radius, a radius without a place): the CLI
    reports it as a usage error, exit 2. A place the directory cannot find is a failure, exit 1."""

    def __init__(self, message: str, usage: bool = False):
        super().__init__(printable(message))
        self.usage = usage


@dataclass(frozen=True)
class Filters:
    near: str | None = None
    radius: float | None = None  # miles; DEFAULT_RADIUS_MILES when `near` is given
    state: str | None = None
    lang: str | None = None  # en | es | asl | any ISO 639-1 code
    needs: tuple[str, ...] = ()  # need, population and payment ids; all must match
    kind: str | None = None
    include_inactive: bool = False

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.near:
            out["near"] = self.near
            out["radius"] = self.radius if self.radius is not None else DEFAULT_RADIUS_MILES
        for key in ("state", "lang", "kind"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.needs:
            out["needs"] = list(self.needs)
        return out


@dataclass
class Hit:
    record: dict[str, Any]
    score: float
    distance_miles: float | None = None
    approximate_position: bool = False
    area_wide: bool = False  # kept because its service area covers the place, not by distance
    searched_place: geo.Place | None = None  # where the handler searched: the zone of hours with no other
    # What the query or filters asked for that this service has (core/matched.py): shown first.
    matched: tuple[tuple[str, str], ...] = ()
    meeting: bool = False  # a meeting from a Meeting Guide feed: its day and time are in --json

    def meeting_times(self) -> dict[str, Any]:
        """A meeting's `day` (0 = Sunday, as Meeting Guide; `days` when it meets on several) and
        `time` ("HH:MM", when every day's is the same)."""
        hours = self.record.get("hours") or {}
        if not self.meeting or not isinstance(hours, dict):
            return {}
        starts = {WEEKDAYS.index(d): ranges[0][0] for d, ranges in hours.items() if d in WEEKDAYS and ranges}
        if not starts:
            return {}
        out: dict[str, Any] = {"day": min(starts)} if len(starts) == 1 else {"days": sorted(starts)}
        if len(set(starts.values())) == 1:
            out["time"] = next(iter(starts.values()))
        return out

    def as_json(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": r["id"], "name": r["name"], "kind": r["kind"], "organization": r["organization"],
            "site_name": r["site_name"], "street": r["street"], "city": r["city"], "state": r["state"],
            "zip": r["zip"],
            # `phone` stays the source's main number, the key scripts and the quality evaluation
            # match records by; `phones` is the order a handler reads them out (phones.ORDER).
            "phone": r["phone"] or r["intake_phone"] or r["hotline_phone"], "intake_phone": r["intake_phone"],
            "phones": [{"kind": kind, "number": number} for kind, number in phones.ordered(r)], "languages": r["languages"], "needs": r["needs"],
            "populations": r["populations"], "payment": r["payment"],
            "distance_miles": None if self.distance_miles is None else round(self.distance_miles, 1),
            "approximate_position": self.approximate_position, "area_wide": self.area_wide,
            "status": r["status"], "source": r["source"], "sources": r.get("sources") or [r["source"]],
            "last_verified": r["last_verified"],
            "score": round(self.score, 4),
            **self.meeting_times(),
            "concepts": concepts_mod.as_json(r.get("concepts") or (), r.get("concepts_inferred") or ()),
        }


@dataclass
class SearchPage:
    query: str
    filters: Filters
    total: int
    hits: list[Hit]
    elapsed_ms: float
    place: geo.Place | None = None
    plan: query_mod.ParsedQuery | None = field(default=None, repr=False)
    place_from_query: bool = False  # the place is a city or ZIP the query named ("methadone yonkers")
    place_words: str | None = None  # the words of the query it was read from ("philly", "bostn")
    # Nothing near the place the query named, or nothing in the city it named: the services are
    # the nearest to it, however far, and the handler must see from where.
    nearest_to: geo.Place | None = None
    # How far the nearest of them is: "nearest to Jordan, MT: the closest is 114 mi" (None: no position).
    nearest_miles: float | None = None
    # With a place and nothing within the radius (search(..., reach_outside=True), as the CLI asks):
    # the nearest service matching, however far, so the handler knows how far to widen.
    nearest_outside: Hit | None = None
    # No record had every word, so records with the rarer words were listed (any_words); and the
    # words none of the listed records has: the handler must know they were left out.
    every_word: bool = True
    words_not_found: tuple[str, ...] = ()
    # Days the query named ("aa monday", "hoy", "tonight"), as core/days.py keys: 'mon', 'monev'.
    days: tuple[str, ...] = ()
    # When a day counts from today ("tonight", "mañana"): which day today is, and where (zones.py).
    today: zones.Today | None = None
    # Words that could be a place or a name ("hope", "orange", "independence"): the reading not
    # taken, "name" or "place", and those words; search(..., read_as=...) takes it.
    other_reading: str | None = None
    other_reading_words: str | None = None
    # A fellowship asked for that the directory has no group of ("NA"), and those it has ("AA"):
    # the list holds the other mutual-help groups, and the handler is told.
    fellowship_missing: str | None = None
    fellowships_offered: tuple[str, ...] = ()

    @property
    def needs_a_place(self) -> bool:
        """Needs asked for with no place ("detox", "metadona hoy"): services everywhere, in name
        order, the first of them as likely a thousand miles away as near. The handler is told to
        add the caller's place."""
        asked = any(g.concept and g.concept[0] != "language" for g in (self.plan.groups if self.plan else ()))
        return asked and self.place is None and self.nearest_to is None and self.total > FEW_RESULTS

    @property
    def concepts_read(self) -> list[concepts_mod.Concept]:
        """The service concepts the query was read as asking for ("help paying rent": Rent help)."""
        return [c for c in (concepts_mod.get(g.concept_read) for g in (self.plan.groups if self.plan else ())
                            if g.concept_read) if c is not None]

    @property
    def place_read_from(self) -> str | None:
        """The words a place was read from, when they are not its name as labelled ("philly" for
        Philadelphia, PA; "bostn"; "condado de orange"): said beside the place, so nothing is
        misread silently."""
        place = self.place or self.nearest_to
        if not self.place_words or place is None:
            return None
        same = self.place_words in (fold(place.city), fold(place.label), place.zip or "")
        return None if same else self.place_words

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query, "filters": self.filters.as_json(), "total": self.total,
            "elapsed_ms": round(self.elapsed_ms, 2),
            "place": self.place.label if self.place else None, "place_from_query": self.place_from_query,
            "place_words": self.place_words,
            "nearest_to": self.nearest_to.label if self.nearest_to else None,
            "nearest_miles": None if self.nearest_miles is None else round(self.nearest_miles, 1),
            "nearest_outside": self.nearest_outside.as_json() if self.nearest_outside else None,
            "every_word_matched": self.every_word, "words_not_found": list(self.words_not_found),
            "days": [{"weekday": days.weekday_of(d), "part": days.PART_NAMES.get(days.part_of(d)),
                      "evening": days.part_of(d) == "ev"} for d in self.days],
            "today": self.today.as_json() if self.today else None,
            "other_reading": self.other_reading, "other_reading_words": self.other_reading_words,
            **({"fellowship_missing": self.fellowship_missing, "fellowships_offered": list(self.fellowships_offered)}
               if self.fellowship_missing else {}),
            "concepts_read": [{"id": c.id, "label": c.en} for c in self.concepts_read],
            "results": [h.as_json() for h in self.hits],
        }


FEW_RESULTS = 10  # fewer than this and the query is widened; fixed, so every caller ranks alike
