"""What result rows and the service page show: Textual `Content` for rows, rich `Text` for the page.

Everything from the directory goes into `Text.append` or `Content.assemble` as plain strings, never
into markup, so "[bold]" or "[link=…]" in a name is shown exactly as written; and every string passes
the one display rule (core/display.py) on its way in, so no control character reaches the terminal. Styles here are
theme-independent (bold, italic, underline, reverse); colours come from the TCSS theme variables.
Meaning is always in words or symbols too (✓, ~, "area-wide", "EN ES"), never in colour alone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rich.text import Text
from textual.content import Content

from helpline_tui.core import hours as hours_mod
from helpline_tui.core import concepts, matched, meetings, phones, referral, vocabulary
from helpline_tui.core.display import display_text
from helpline_tui.core.directory import source_formats
from helpline_tui.core.records import MAIN_LANGUAGES
from helpline_tui.core.samhsa_table import code_name
from helpline_tui.core.search import Hit
from helpline_tui.i18n import miles, t

SEP = " · "


def language_codes(codes: list[str] | None, lang: str, limit: int | None = None) -> str:
    """"EN ES ASL"; services that do not say are "lang ?" (unknown, not English-only). With a
    `limit` (result rows): English, Spanish and sign language first, then "+N" for the rest."""
    if not codes:
        return t("row.lang_unknown", lang)
    if limit is None or len(codes) <= limit:
        return " ".join(code.upper() for code in codes)
    ordered = sorted(codes, key=lambda c: (c not in MAIN_LANGUAGES, MAIN_LANGUAGES.index(c) if c in MAIN_LANGUAGES else 0, c))
    return " ".join(code.upper() for code in ordered[:limit]) + f" +{len(codes) - limit}"


@lru_cache(maxsize=1)
def _need_order() -> dict[str, int]:
    return {term.id: i for i, term in enumerate(vocabulary.load().needs)}


def key_needs(needs: list[str] | None, lang: str, limit: int = 3, shown: frozenset[str] = frozenset()) -> str:
    """The first needs in vocabulary order (treatment kinds before supports), but those `shown`."""
    vocab, order = vocabulary.load(), _need_order()
    chosen = sorted((n for n in (needs or []) if n in order and n not in shown), key=order.__getitem__)[:limit]
    return ", ".join(term.label(lang) for term in map(vocab.term, chosen) if term)


def best_phone(rec: dict[str, Any]) -> str:
    """The number to ring (a conference dial-in's keys are on the service's page)."""
    return referral.phone_number(phones.first(rec))


def distance_text(hit: Hit, lang: str) -> str:
    if hit.area_wide:
        return t("row.area_wide", lang)
    if hit.distance_miles is None:
        return ""
    prefix = "~" if hit.approximate_position else ""
    return prefix + miles(round(hit.distance_miles, 1), lang)


def fit_path(path: str | os.PathLike[str], width: int, home: str | os.PathLike[str] | None = None) -> str:
    """A file's path in at most `width` characters, keeping what the reader needs: the home folder
    is written "~", and a path still too long loses its first folders ("…/helpline-referrals/
    referral-20261124-193000-es.txt"), never its file name's end."""
    text = os.fspath(path)
    home_text = (os.fspath(home) if home is not None else os.path.expanduser("~")).rstrip(os.sep)
    if home_text not in ("", "~") and (text == home_text or text.startswith(home_text + os.sep)):
        text = "~" + text[len(home_text):]
    width = max(width, 1)
    if len(text) <= width:
        return text
    parts = text.split(os.sep)
    for start in range(1, len(parts)):
        shorter = "…" + os.sep + os.sep.join(parts[start:])
        if len(shorter) <= width:
            return shorter
    return "…" + text[len(text) - width + 1:]  # the file name alone is too long: keep its end


def place_text(rec: dict[str, Any]) -> str:
    return ", ".join(x for x in (rec.get("city") or "", rec.get("state") or "") if x)


def result_row(hit: Hit, lang: str, in_list: bool) -> Content:
    """Two lines: mark + name + site/organisation; then what the query or filters matched (the need,
    population, payment or language asked for: why the row is there, never cut off at 80 columns),
    distance, place, a meeting's day and time, phone, languages, the other needs as room allows.
    Textual `Content` built with `assemble`, whose strings are always literal text (never markup),
    and which the results list lays out several times faster than a rich Text."""
    rec = hit.record
    name = display_text(rec.get("name") or "")
    parts: list[str | tuple[str, str]] = [("✓ " if in_list else "  ", "bold"), (name, "bold")]
    where = display_text(rec.get("site_name") or rec.get("organization") or "")
    if where and where != name:
        parts.append((SEP + where, "italic"))
    if rec.get("status") and rec["status"] != "active":
        parts.append(" " + t("row.inactive", lang, status=t(f"status.{rec['status']}", lang)))
    # The phone is what the handler reads out: it comes before the lists, which can be long.
    details = [", ".join(matched.labels(hit.matched, lang)), distance_text(hit, lang), place_text(rec),
               referral.meeting_when(rec, lang), best_phone(rec) or t("row.no_phone", lang),
               language_codes(rec.get("languages"), lang, limit=4),
               key_needs(rec.get("needs"), lang, shown=frozenset(c[1] for c in hit.matched))]
    parts.append("\n  " + SEP.join(display_text(d) for d in details if d))
    return Content.assemble(*parts)


# ---- the service page ---------------------------------------------------------------------------

class PageText(Text):
    """The service page: every string appended passes the display rule, lines kept. The page shows
    the source record as imported, so this is what keeps a source's escapes off the terminal."""

    def append(self, text, style=None):
        return super().append(display_text(text, multiline=True) if isinstance(text, str) else text, style)


def _heading(out: Text, label: str) -> None:
    out.append("\n")
    out.append(label, style="bold underline")
    out.append("\n")


ROW_LABEL_WIDTH = 14  # every label of a page row, in both languages, is shorter: values line up


PAGE_WIDTH = 76  # the page's text column in an 80-column terminal (padding and scroll bar off)


def _wrap(text: str, first: int, rest: int) -> str:
    """`text` broken into lines of the page's width, the first `first` characters in, the others
    `rest` in (the indent itself is not returned for the first line)."""
    lines = textwrap.wrap(text, width=PAGE_WIDTH, initial_indent="x" * first, subsequent_indent=" " * rest,
                          break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines)[first:] if lines else ""


def _row(out: Text, label: str, value: str, style: str = "", width: int = ROW_LABEL_WIDTH) -> None:
    """A label, then its value from the same column on every row; a long value wraps under itself."""
    head = "  " + f"{label} ".ljust(width)
    value = display_text(value)  # wrapped as it is shown
    out.append(head)
    out.append(_wrap(value, len(head), len(head)) if len(head) + len(value) > PAGE_WIDTH else value, style=style)
    out.append("\n")


def _labelled(out: Text, label: str, values: str) -> None:
    """"  Label: a, b, c" in bold then plain, wrapped with the lines after the first indented."""
    head = f"  {label}: "
    values = display_text(values)
    out.append(head, style="bold")
    out.append(_wrap(values, len(head), 4) + "\n")


def also_listed(rec: dict[str, Any]) -> list[str]:
    """What the source lists that maps to no need, in plain words: SAMHSA codes by the name SAMHSA
    gives them ("ACC" -> "Aftercare/continuing care"), a label the locator API sent as it was
    sent; a code only when no name is known (a Meeting Guide type or an AIRS code this version does
    not know)."""
    samhsa = any(f.startswith("samhsa") for f in source_formats(rec))
    out = []
    for code in rec.get("unmapped_codes") or []:
        if code.startswith("label:"):
            out.append(code[len("label:"):])
        else:
            out.append((code_name(code) if samhsa else None) or code)
    return sorted(dict.fromkeys(out), key=str.casefold)  # alphabetical: a handler scans for a word


def position_text(precision: str | None, lang: str) -> str:
    """Where the map position comes from, in words: the street address, the centre of the ZIP code
    (approximate, marked ~ as in the result rows) or none. Never the stored value ("zip-centroid")."""
    if precision == "exact":
        return t("detail.position_exact", lang)
    if precision == "zip-centroid":
        return "~ " + t("detail.position_zip", lang)
    if not precision or precision == "none":
        return t("detail.position_none", lang)
    return "~ " + t("detail.position_approximate", lang)  # a kind of position this version does not know


@dataclass(frozen=True)
class PageContext:
    """What the service page is shown with, besides the record."""

    ui_lang: str  # the interface language the page is written in
    now: dt.datetime
    in_list: bool  # on the call's referral list
    add_key: str  # the key that adds it, named when it is not on the list
    hit: Hit | None = None  # the search result it was opened from: distance, area-wide, approximate


def _title(rec: dict[str, Any], page: PageContext) -> Text:
    """Name; kind, organisation and site; whether it is on the referral list; a status not active."""
    lang, out = page.ui_lang, PageText()
    out.append(rec.get("name") or "", style="bold")
    out.append("\n")
    subtitle = [t(f"kind.{rec.get('kind')}", lang)] if rec.get("kind") else []
    for key in ("organization", "site_name"):
        if rec.get(key) and rec[key] != rec.get("name"):
            subtitle.append(rec[key])
    out.append(SEP.join(subtitle) + "\n")
    if page.in_list:
        out.append(t("detail.in_list", lang), style="bold")
    else:
        out.append(t("detail.not_in_list", lang, key=page.add_key))
    out.append("\n")
    status = rec.get("status") or "active"
    if status != "active":
        out.append("! " + t("flag.inactive", lang, status=t(f"status.{status}", lang)), style="bold")
        out.append("\n")
    return out


def _phones(rec: dict[str, Any], page: PageContext) -> Text:
    lang, out = page.ui_lang, PageText()
    _heading(out, t("detail.phones", lang))
    numbers = referral.phone_list(rec, lang, ("phone.intake", "phone.main", "phone.hotline"), "phone.dial_in")
    for label, number in numbers:
        _row(out, label, number, "bold")
    if not numbers:
        out.append("  " + t("detail.no_phone", lang) + "\n")
    return out


def _address(rec: dict[str, Any], page: PageContext) -> Text:
    """Address, county, service area, distance and how far the position can be trusted."""
    lang, hit, out = page.ui_lang, page.hit, PageText()
    _heading(out, t("detail.address", lang))
    out.append("  " + (referral.address_line(rec) or t("detail.no_address", lang)) + "\n")
    if rec.get("county"):
        _row(out, t("detail.county", lang), rec["county"])
    if rec.get("service_area"):
        _row(out, t("detail.service_area", lang), rec["service_area"])
    if hit is not None and distance_text(hit, lang):
        _row(out, t("detail.distance", lang), distance_text(hit, lang))
    if rec.get("geo_precision") == "zip-centroid" or (hit is not None and hit.approximate_position):
        out.append("  " + t("flag.approximate", lang) + "\n")
    if hit is not None and hit.area_wide:
        out.append("  " + t("flag.area_wide", lang) + "\n")
    return out


def _hours(rec: dict[str, Any], page: PageContext) -> Text:
    """Today's hours and whether it is open now, in the service's own zone; the week; notes."""
    lang, out = page.ui_lang, PageText()
    _heading(out, t("detail.hours", lang))
    today = hours_mod.today(rec.get("hours"), page.now, rec.get("time_zone"))  # the page sets it: zones.record_zone
    if today.known:
        ranges = hours_mod.format_ranges(today.ranges, t("hours.all_day", lang)) or t("hours.none_today", lang)
        out.append("  " + t("detail.today", lang, day=t(f"day.{today.day}", lang)) + ": " + ranges + SEP)
        state = t("hours.open_now", lang) if today.open_now else t("hours.closed_now", lang)
        out.append(state, style="bold" if today.open_now else "")
        out.append(" " + t("detail.local_time", lang, time=today.local_time) + "\n")
        _row(out, t("detail.week", lang), referral.week_text(rec.get("hours"), lang))
    else:
        out.append("  " + t("hours.unknown", lang) + "\n")
    if notes := hours_mod.hours_notes(rec.get("hours"), rec.get("hours_text")):
        out.append("  " + notes.replace("\n", "\n  ") + "\n")
    return out


def _meeting(rec: dict[str, Any], page: PageContext) -> Text:
    """A meeting's way of meeting (in person, online, both) and its types by name; nothing otherwise."""
    lang, out = page.ui_lang, PageText()
    meeting = meetings.facts(rec)
    if meeting is None or not (meeting.attends or meeting.types):
        return out
    _heading(out, t("detail.meeting", lang))
    if meeting.attends:
        out.append("  " + _wrap(t(f"meeting.{meeting.attends}", lang), 2, 2) + "\n")
    known = [name for name in (meetings.type_name(code, lang) for code in meeting.types) if name]
    if known:
        _labelled(out, t("meeting.types", lang), ", ".join(known))
    return out


def _languages(rec: dict[str, Any], page: PageContext) -> Text:
    lang, out = page.ui_lang, PageText()
    _heading(out, t("detail.languages", lang))
    codes = rec.get("languages") or []
    if codes:
        out.append("  " + referral.languages_text(codes, lang) + f" ({language_codes(codes, lang)})\n")
    else:
        out.append("  " + t("detail.languages_unknown", lang) + "\n")
    return out


def _needs(rec: dict[str, Any], page: PageContext) -> Text:
    """The needs under their recovery-capital domains, in the vocabulary's domain order."""
    lang, vocab, out = page.ui_lang, vocabulary.load(), PageText()
    _heading(out, t("detail.needs", lang))
    needs = rec.get("needs") or []
    if not needs:
        out.append("  " + t("detail.no_needs", lang) + "\n")
        return out
    by_domain: dict[str, list[str]] = {}
    for need in needs:
        term = vocab.term(need)
        by_domain.setdefault(term.domain if term and term.domain else "", []).append(
            term.label(lang) if term else need)
    for domain in [d.id for d in vocab.domains] + [""]:
        if domain in by_domain:
            d = vocab.domain(domain)
            out.append(f"  {d.label(lang) if d else t('domain.other', lang)}: ", style="bold")
            out.append(", ".join(by_domain[domain]) + "\n")
    return out


def _who_and_payment(rec: dict[str, Any], page: PageContext) -> Text:
    lang, vocab, out = page.ui_lang, vocabulary.load(), PageText()
    for key, field_name in (("detail.populations", "populations"), ("detail.payment", "payment")):
        if values := rec.get(field_name) or []:
            labels = [term.label(lang) if (term := vocab.term(v)) else v for v in values]
            _labelled(out, t(key, lang), ", ".join(labels))
    return out


def _concepts(rec: dict[str, Any], page: PageContext) -> Text:
    """The services beneath the needs; inferred ones apart and said so: the handler checks them
    when calling."""
    out = PageText()
    for key, field_name in (("detail.concepts", "concepts"), ("detail.concepts_inferred", "concepts_inferred")):
        labels = [c.label(page.ui_lang) for c in map(concepts.get, rec.get(field_name) or []) if c is not None]
        if labels:
            _labelled(out, t(key, page.ui_lang), ", ".join(dict.fromkeys(labels)))
    return out


def _also_listed_section(rec: dict[str, Any], page: PageContext) -> Text:
    out = PageText()
    if listed := also_listed(rec):
        _labelled(out, t("detail.also_listed", page.ui_lang), ", ".join(listed))
    return out


def _description(rec: dict[str, Any], page: PageContext) -> Text:
    out = PageText()
    if rec.get("description"):
        _heading(out, t("detail.description", page.ui_lang))
        out.append("  " + rec["description"] + "\n")
    return out


def _web(rec: dict[str, Any], page: PageContext) -> Text:
    """Website (a meeting's conference link is where one joins it) and email."""
    lang, out = page.ui_lang, PageText()
    if not (rec.get("website") or rec.get("email")):
        return out
    out.append("\n")
    if rec.get("website"):
        meeting = meetings.facts(rec)
        joins = meeting is not None and meeting.join_link
        _row(out, t("detail.join_online" if joins else "detail.website", lang), rec["website"])
    if rec.get("email"):
        _row(out, t("detail.email", lang), rec["email"])
    return out


def _provenance(rec: dict[str, Any], page: PageContext) -> Text:
    """Where the record comes from and how much to trust it; a merged site names every source."""
    lang, out = page.ui_lang, PageText()
    _heading(out, t("detail.provenance", lang))
    sources = dict.fromkeys(m["source"] for m in rec.get("sources") or [])
    _row(out, t("detail.source", lang), ", ".join(sources) or rec.get("source") or "")
    _row(out, t("detail.imported", lang), (rec.get("imported_at") or "")[:10])
    _row(out, t("detail.verified", lang), rec.get("last_verified") or t("detail.not_verified", lang))
    _row(out, t("detail.position", lang), position_text(rec.get("geo_precision"), lang))
    _row(out, t("detail.status", lang), t(f"status.{rec.get('status') or 'active'}", lang))
    _row(out, t("detail.id", lang), rec.get("id") or "")
    return out


def _source_record(rec: dict[str, Any], page: PageContext) -> Text:
    """The record as the source gave it, field by field."""
    out = PageText()
    if raw := rec.get("raw") or {}:
        _heading(out, t("detail.raw", page.ui_lang))
        for key, value in raw.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            out.append(f"  {key}: ", style="italic")
            out.append(f"{shown}\n")
    return out


PageSection = Callable[[dict[str, Any], PageContext], Text]

# The page, top to bottom: what the handler reads out first comes first.
PAGE_SECTIONS: tuple[PageSection, ...] = (
    _title, _phones, _address, _hours, _meeting, _languages, _needs, _who_and_payment, _concepts,
    _also_listed_section, _description, _web, _provenance, _source_record,
)


def detail_text(rec: dict[str, Any], lang: str, now: dt.datetime, in_list: bool, add_key: str,
                hit: Hit | None = None) -> Text:
    """The service page: each of PAGE_SECTIONS in turn (a section with nothing to say is empty)."""
    page = PageContext(lang, now, in_list, add_key, hit)
    out = PageText()
    for section in PAGE_SECTIONS:
        out.append_text(section(rec, page))
    return out
