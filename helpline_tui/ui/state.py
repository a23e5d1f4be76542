"""The filters of a call, as the handler sets them, and how they read in either language.

Pure Python (no Textual): the search screen holds one immutable `FilterState` and replaces it on
every change; `to_core()` turns it into `core.search.Filters`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from helpline_tui.core import facets, vocabulary
from helpline_tui.core.search import DEFAULT_RADIUS_MILES, Filters
from helpline_tui.i18n import miles, t

FACETS = ("place", "radius", *facets.FACETS)  # every filter, in the order the chips show them
RADIUS_CHOICES = (5.0, 10.0, 25.0, 50.0, 100.0, 250.0)

_ZIP_SUGGESTION = re.compile(r"^\s*(\d{5})\b")


@dataclass(frozen=True)
class FilterState:
    place: str | None = None  # what resolve_place accepts: "10701" or "Yonkers, NY"
    place_label: str | None = None  # how it reads: "10701 (Yonkers, NY)"
    radius: float | None = None  # None: the default radius, when a place is set
    language: str | None = None
    needs: tuple[str, ...] = ()
    kind: str | None = None
    population: str | None = None
    payment: str | None = None
    nearest_first: bool = False  # with a place: nearest first instead of best match first

    @property
    def effective_radius(self) -> float:
        return self.radius if self.radius is not None else DEFAULT_RADIUS_MILES

    @property
    def sort(self) -> str:
        return "distance" if self.nearest_first and self.place else "relevance"

    def to_core(self) -> Filters:
        extra = tuple(x for x in (self.population, self.payment) if x)
        return Filters(
            near=self.place, radius=self.effective_radius if self.place else None, lang=self.language,
            needs=tuple(self.needs) + extra, kind=self.kind,
        )

    def active(self) -> list[str]:
        """Facets that narrow the results (radius counts only with a place)."""
        out = []
        if self.place:
            out.append("place")
        if self.language:
            out.append("language")
        if self.needs:
            out.append("need")
        for facet in ("kind", "population", "payment"):
            if getattr(self, facet):
                out.append(facet)
        return out

    @property
    def is_empty(self) -> bool:
        return not self.active()

    def without(self, facet: str) -> FilterState:
        if facet == "place":
            return replace(self, place=None, place_label=None)
        if facet == "radius":
            return replace(self, radius=None)
        if facet == "need":
            return replace(self, needs=())
        cleared: dict[str, Any] = {facet: None}  # a facet named as its field: language, kind, ...
        return replace(self, **cleared)

    def toggle_need(self, need: str) -> FilterState:
        needs = tuple(n for n in self.needs if n != need)
        if len(needs) == len(self.needs):
            needs = (*self.needs, need)
        return replace(self, needs=needs)

    def with_value(self, facet: str, value: str | float | None) -> FilterState:
        if facet == "need":
            return self.toggle_need(str(value)) if value else replace(self, needs=())
        if facet == "radius":
            return replace(self, radius=float(value) if value else None)
        changed: dict[str, Any] = {facet: value or None}
        return replace(self, **changed)


def place_from_suggestion(text: str) -> str:
    """"10701 (Yonkers, NY)" -> "10701"; "Yonkers, NY" stays as it is."""
    m = _ZIP_SUGGESTION.match(text or "")
    return m.group(1) if m else (text or "").strip()


def term_label(term_id: str, lang: str) -> str:
    vocab = vocabulary.load()
    term = vocab.term(term_id)
    return term.label(lang) if term else term_id


def language_label(code: str, lang: str) -> str:
    return vocabulary.load().language_label(code, lang)


def value_label(state: FilterState, facet: str, lang: str, limit: int | None = None) -> str | None:
    """How the chip reads the facet's value; None when the facet is not set. `limit` cuts the
    value's name to that many characters (with "…"), keeping a need's "+2" whole."""
    def cut(text: str | None) -> str | None:
        return text if text is None or limit is None or len(text) <= limit else text[:limit - 1].rstrip() + "…"

    if facet == "place":
        return cut(state.place_label or state.place)
    if facet == "radius":
        return miles(state.effective_radius, lang) if state.place else None
    if facet == "language":
        return cut(language_label(state.language, lang)) if state.language else None
    if facet == "need":
        if not state.needs:
            return None
        first = cut(term_label(state.needs[0], lang))
        return first if len(state.needs) == 1 else f"{first} {t('chip.more', lang, n=len(state.needs) - 1)}"
    if facet == "kind":
        return cut(t(f"kind.{state.kind}", lang)) if state.kind else None
    value = getattr(state, facet)
    return cut(term_label(value, lang)) if value else None


def describe(state: FilterState, facet: str, lang: str) -> str:
    """"Language: Spanish" — for the empty-result explanation and notices."""
    value = value_label(state, facet, lang)
    if facet == "need" and state.needs:
        value = ", ".join(term_label(n, lang) for n in state.needs)
    if facet == "place" and value:
        value = f"{value} ({miles(state.effective_radius, lang)})"
    return t("filter.value", lang, filter=t(f"chip.{facet}", lang), value=value or t("chip.any", lang))
