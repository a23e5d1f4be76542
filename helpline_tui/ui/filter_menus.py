"""What each filter picker lists, in the interface language (pure: no Textual widgets here)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from helpline_tui.core import vocabulary
from helpline_tui.core.records import KINDS, MAIN_LANGUAGES
from helpline_tui.i18n import miles, t
from helpline_tui.ui.screens.picker import PickerItem
from helpline_tui.ui.state import RADIUS_CHOICES, FilterState, value_label

MORE_FACETS = ("radius", "kind", "population", "payment")


def _any(selected: bool, lang: str) -> PickerItem:
    return PickerItem(None, t("picker.any", lang), selected=selected)


def language_choice(code: str, lang: str) -> str:
    """A language's name with its code, as the results rows show it: "Spanish (ES)"; a name that
    already carries the code ("Sign language (ASL)") is not given it twice."""
    label = vocabulary.load().language_label(code, lang)
    tag = f"({code.upper()})"
    return label if tag.lower() in label.lower() else f"{label} {tag}"


def language_items(filters: FilterState, lang: str, held: Iterable[str] = ()) -> list[PickerItem]:
    """English, Spanish and sign language first, then the other languages by name: the vocabulary's
    and any other code the directory holds (`held`: "kea", "mh"), named as langcodes names it."""
    vocab = vocabulary.load()
    current = filters.language
    main = t("picker.main_languages", lang)
    items = [_any(current is None, lang)]
    items += [PickerItem(code, language_choice(code, lang), main, current == code) for code in MAIN_LANGUAGES]
    other = t("picker.other_languages", lang)
    codes = {term.id for term in vocab.languages} | set(held) | ({current} if current else set())
    others = sorted((language_choice(code, lang), code) for code in codes - set(MAIN_LANGUAGES))
    items += [PickerItem(code, label, other, current == code) for label, code in others]
    return items


def need_items(filters: FilterState, lang: str) -> list[PickerItem]:
    """Needs under the eight recovery-capital domains."""
    vocab = vocabulary.load()
    items = [_any(not filters.needs, lang)]
    for domain in vocab.domains:
        items += [PickerItem(term.id, term.label(lang), domain.label(lang), term.id in filters.needs)
                  for term in vocab.needs if term.domain == domain.id]
    return items


def kind_items(filters: FilterState, lang: str) -> list[PickerItem]:
    return [_any(filters.kind is None, lang)] + [
        PickerItem(kind, t(f"kind.{kind}", lang), selected=filters.kind == kind) for kind in KINDS]


def term_items(facet: str, filters: FilterState, lang: str) -> list[PickerItem]:
    """Population or payment terms."""
    vocab = vocabulary.load()
    terms: Iterable = vocab.populations if facet == "population" else vocab.payment
    current = getattr(filters, facet)
    return [_any(current is None, lang)] + [
        PickerItem(term.id, term.label(lang), selected=current == term.id) for term in terms]


def radius_items(filters: FilterState, lang: str) -> list[PickerItem]:
    return [PickerItem(str(r), miles(r, lang), selected=r == filters.effective_radius) for r in RADIUS_CHOICES]


def more_items(filters: FilterState, lang: str) -> list[PickerItem]:
    """The filters without an F-key of their own, with their current values."""
    return [PickerItem(facet, t("filter.value", lang, filter=t(f"chip.{facet}", lang),
                                value=value_label(filters, facet, lang) or t("chip.any", lang)))
            for facet in MORE_FACETS]


def palette_entries(lang: str) -> Iterator[tuple[str, str, str]]:
    """(text, facet, value) for the command palette: "Need: Methadone", "Language: Spanish"…"""
    vocab = vocabulary.load()

    def entry(facet: str, value: str, label: str) -> tuple[str, str, str]:
        return t("palette.filter", lang, facet=t(f"chip.{facet}", lang), value=label), facet, value

    for code in MAIN_LANGUAGES:
        yield entry("language", code, vocab.language_label(code, lang))
    for term in vocab.needs:
        yield entry("need", term.id, term.label(lang))
    for kind in KINDS:
        yield entry("kind", kind, t(f"kind.{kind}", lang))
    for facet, terms in (("population", vocab.populations), ("payment", vocab.payment)):
        for term in terms:
            yield entry(facet, term.id, term.label(lang))
