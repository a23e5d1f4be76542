"""How the plain interface says a result, a service and a phone number: one short line each, in
words a screen reader reads the same way every time. No Textual; every string passes the one
display rule (core/display.py) before it is printed (session.py prints only through `say`).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from typing import Any

from helpline_tui.core import hours as hours_mod
from helpline_tui.core import meetings, phones, referral, vocabulary, zones
from helpline_tui.core.records import MAIN_LANGUAGES
from helpline_tui.core.search import Hit
from helpline_tui.i18n import t
from helpline_tui.plain.words import w

LANGUAGES_IN_A_ROW = 3
NEEDS_ON_A_PAGE = 8
# The helpline's own languages are said first, Spanish before English as this interface has
# always said them (the TUI's rows show English first).
_SAID_FIRST = ("es", *(code for code in MAIN_LANGUAGES if code != "es"))

# A North American number, with or without the leading 1, then an optional extension:
# "(914) 555-0102", "914.555.0102 ext 4", "1-800-662-4357".
_NANP = re.compile(r"^\D*(?:1\D*)?(\d{3})\D*(\d{3})\D*(\d{4})(?:\D*?(?:ext|x|extension|extensión)\D*(\d+))?\D*$",
                   re.IGNORECASE)


def spoken_phone(number: str, lang: str) -> str:
    """A phone number as a screen reader reads it digit by digit, grouped as it is dialled:
    "914-555-0102" -> "9 1 4, 5 5 5, 0 1 0 2" (read as "nine hundred fourteen minus..." otherwise).
    A dial-in's meeting ID and passcode follow as `referral.phone_text` says them; a number of
    another shape (988, a short code) is spelt digit by digit as written."""
    number = (number or "").strip()
    dial, keys = meetings.split_dial(number)
    m = _NANP.match(dial)
    if m:
        said = ", ".join(" ".join(group) for group in m.groups()[:3])
        if m.group(4):
            said += ", " + w("phone.extension", lang, digits=" ".join(m.group(4)))
    else:
        said = re.sub(r"(?<=\d)(?=\d)", " ", dial)
    if keys:  # "…, then: meeting ID 831 5336 5392 #, passcode …": the TUI's words for the keys
        return referral.phone_text(number, lang).replace(dial, said, 1)
    return said


def hours_words(text: str, lang: str) -> str:
    """"09:00–17:00" read as "09:00 to 17:00" rather than "09:00 en dash 17:00"."""
    return text.replace("\u2013", " a " if lang == "es" else " to ")


def languages_said(codes: list[str] | None, lang: str, limit: int | None = None) -> str:
    """"English, Spanish"; with a limit, the call's languages first and "and 2 more"."""
    if not codes:
        return w("row.languages_unknown", lang)
    ordered = sorted(codes, key=lambda c: (c not in _SAID_FIRST, _SAID_FIRST.index(c) if c in _SAID_FIRST else 0, c))
    shown = ordered if limit is None else ordered[:limit]
    text = referral.languages_text(shown, lang)
    if len(ordered) > len(shown):
        text += ", " + w("row.more_languages", lang, n=len(ordered) - len(shown))
    return text


def distance_said(hit: Hit, lang: str) -> str:
    if hit.area_wide:
        return t("row.area_wide", lang)
    if hit.distance_miles is None:
        return ""
    return miles_said(round(hit.distance_miles, 1), lang, about=hit.approximate_position)


def miles_said(value: float, lang: str, about: bool = False) -> str:
    """"2.1 miles", "about 2.1 miles" (a position from a ZIP centroid): "mi" is read as a syllable."""
    number = f"{value:g}" if value == int(value) else f"{value:.1f}"
    if lang == "es":
        number = number.replace(".", ",")
    key = "mile" if number == "1" else "miles"
    return w(f"{key}.about" if about else key, lang, n=number)


def best_phone(rec: dict[str, Any]) -> str:
    """The number to ring first (intake, main, hotline: core/phones.py), without a dial-in's keys."""
    return referral.phone_number(phones.first(rec))


def result_line(hit: Hit, i: int, n: int, lang: str, in_list: bool) -> str:
    """"1 of 18: Yonkers Comprehensive Treatment Center, Yonkers, NY, 2.1 miles, phone 9 1 4, …,
    English, Spanish": name, place, distance, a meeting's day and time, phone, languages."""
    rec = hit.record
    place = ", ".join(x for x in (rec.get("city") or "", rec.get("state") or "") if x)
    phone = best_phone(rec)
    parts = [rec.get("name") or "", place, distance_said(hit, lang),
             hours_words(referral.meeting_when(rec, lang), lang),
             w("row.phone", lang, phone=spoken_phone(phone, lang)) if phone else w("row.no_phone", lang),
             languages_said(rec.get("languages"), lang, LANGUAGES_IN_A_ROW)]
    if rec.get("status") and rec["status"] != "active":
        parts.append(w("row.inactive", lang, status=t(f"status.{rec['status']}", lang)))
    if in_list:
        parts.append(w("row.in_list", lang))
    return w("row", lang, i=i, n=n, text=", ".join(p for p in parts if p))


def _needs_said(rec: dict[str, Any], lang: str) -> str:
    vocab = vocabulary.load()
    order = {term.id: k for k, term in enumerate(vocab.needs)}
    needs = sorted((n for n in rec.get("needs") or [] if n in order), key=order.__getitem__)
    labels = [term.label(lang) for term in map(vocab.term, needs) if term]
    if len(labels) > NEEDS_ON_A_PAGE:
        labels = labels[:NEEDS_ON_A_PAGE] + [w("row.more_languages", lang, n=len(labels) - NEEDS_ON_A_PAGE)]
    return ", ".join(labels) or w("value.none_listed", lang)


def detail_lines(conn: sqlite3.Connection, rec: dict[str, Any], hit: Hit, i: int, n: int, lang: str,
                 now: dt.datetime, in_list: bool) -> list[str]:
    """A service as short labelled lines: name, phones (intake first), address, distance, hours
    today, languages, needs, and whether it is on the referral list."""
    lines = [w("detail.title", lang, i=i, n=n, name=rec.get("name") or "")]
    organization = referral.entry(rec, lang).organization
    if organization:
        lines.append(f"{w('label.organization', lang)}: {organization}")
    status = rec.get("status") or "active"
    if status != "active":
        lines.append(f"{w('label.status', lang)}: {t(f'status.{status}', lang)}")
    numbers = phones.ordered(rec)
    labels = {"intake": "phone.intake", "main": "phone.main", "hotline": "phone.hotline"}
    for kind, number in numbers:
        lines.append(f"{t(labels[kind], lang)}: {spoken_phone(number, lang)}")
    if not numbers:
        lines.append(t("detail.no_phone", lang))
    lines.append(f"{w('label.address', lang)}: {referral.address_line(rec) or t('detail.no_address', lang)}")
    if distance_said(hit, lang):
        lines.append(f"{w('label.distance', lang)}: {distance_said(hit, lang)}")
    if rec.get("kind") == "support-group" and referral.meeting_when(rec, lang):
        lines.append(f"{w('label.meeting', lang)}: {hours_words(referral.meeting_when(rec, lang), lang)}")
    zone = zones.record_zone(conn, rec, hit.searched_place)
    today = hours_mod.today(rec.get("hours"), now, zone)
    if today.known:
        ranges = hours_mod.format_ranges(today.ranges, t("hours.all_day", lang)) or t("hours.none_today", lang)
        state = t("hours.open_now", lang) if today.open_now else t("hours.closed_now", lang)
        day = t(f"day.{today.day}", lang)
        lines.append(f"{w('label.hours_today', lang, day=day)}: {hours_words(ranges, lang)}, {state.lower()}")
    elif rec.get("hours_text"):
        lines.append(f"{w('label.hours', lang)}: {rec['hours_text']}")
    else:
        lines.append(t("hours.unknown", lang))
    lines.append(f"{w('label.languages', lang)}: {languages_said(rec.get('languages'), lang)}")
    lines.append(f"{w('label.needs', lang)}: {_needs_said(rec, lang)}")
    if rec.get("website"):
        lines.append(f"{w('label.website', lang)}: {rec['website']}")
    lines.append(w("detail.in_list", lang) if in_list else w("detail.not_in_list", lang, i=i))
    return lines
