"""What the handler sees instead of an empty list: which filter excludes what, and the one key that
widens the search."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from helpline_tui.i18n import miles, number, t
from helpline_tui.ui.state import FilterState, describe


@dataclass(frozen=True)
class Alternative:
    """How many results one change would give: without a facet, or with a wider radius."""

    facet: str  # "place", "language", "need", ... or "radius"
    total: int
    radius: float | None = None


@dataclass(frozen=True)
class Explanation:
    alternatives: tuple[Alternative, ...]
    best: Alternative | None  # what the widen key does; None when no single change helps


def alternative_label(alt: Alternative, filters: FilterState, lang: str) -> str:
    if alt.facet == "radius":
        return miles(alt.radius or 0, lang)
    return describe(filters, alt.facet, lang)


def widen_action(alt: Alternative, filters: FilterState, lang: str) -> str:
    if alt.facet == "radius":
        return t("widen.radius", lang, radius=alternative_label(alt, filters, lang))
    return t("widen.drop", lang, filter=alternative_label(alt, filters, lang))


class EmptyState(Static):
    def show(self, query: str, filters: FilterState, explanation: Explanation | None, lang: str,
             widen_key: str, reset_key: str) -> None:
        has_filters = not filters.is_empty
        text = Text()
        text.append(self._headline(query, has_filters, lang), style="bold")
        if has_filters and explanation is None:
            text.append("\n" + t("empty.checking", lang))
        elif explanation is not None:
            text.append("\n")
            for alt in explanation.alternatives:
                label = alternative_label(alt, filters, lang)
                key = "empty.radius" if alt.facet == "radius" else "empty.without"
                line = t(key, lang, radius=label, n=number(alt.total, lang)) if alt.facet == "radius" \
                    else t(key, lang, filter=label, n=number(alt.total, lang))
                text.append("\n  • " + line)
            text.append("\n\n")
            if explanation.best is not None:
                text.append(t("empty.widen", lang, key=widen_key,
                              action=widen_action(explanation.best, filters, lang)), style="bold")
            elif has_filters:
                text.append(t("empty.nothing_helps", lang, key=reset_key))
        self.update(text)

    @staticmethod
    def _headline(query: str, has_filters: bool, lang: str) -> str:
        if not has_filters:
            return t("empty.no_filters", lang, query=query.strip())
        if query.strip():
            return t("empty.query", lang, query=query.strip())
        return t("empty.filters", lang)
