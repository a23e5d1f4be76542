"""The referral slip: the services chosen during a call, as plain text and as a printable HTML page.

The slip language is chosen per slip (English or Spanish), independent of the interface language.
Text from the directory is written literally: nothing in it is interpreted (HTML-escaped in the page,
left as-is in the text), and it passes the one display rule (core/display.py), so a slip pasted into
or printed on a terminal carries no control character. No Textual here.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpline_tui.core import hours as hours_mod
from helpline_tui.core import files, matched, meetings, phones, vocabulary
from helpline_tui.core.display import display_text
from helpline_tui.i18n import t

WRAP = 78


@dataclass(frozen=True)
class SlipEntry:
    """One service as the slip shows it, in one language: what the caller needs to act on it.
    `rows` are (label, value) in the order read: what it is, who can go, how it meets, where,
    when, who it serves, cost, what it matched, phones, languages, website."""

    name: str
    organization: str
    rows: tuple[tuple[str, str], ...]
    has_phone: bool


def address_line(rec: dict[str, Any]) -> str:
    state_zip = " ".join(x for x in (rec.get("state") or "", rec.get("zip") or "") if x)
    parts = [rec.get("street") or "", rec.get("city") or "", state_zip]
    return ", ".join(p for p in parts if p)


def phone_list(rec: dict[str, Any], lang: str, keys: tuple[str, str, str] = ("slip.intake", "slip.phone", "slip.hotline"),
               dial_key: str = "slip.dial_in") -> tuple[tuple[str, str], ...]:
    """(label, number) in the order of `phones.ordered` (intake, main, hotline); `keys` label the
    three kinds. A conference dial-in (a number then keys to press) is labelled `dial_key` and read
    out by `phone_text`."""
    label_of = dict(zip(("intake", "main", "hotline"), keys, strict=True))
    out = []
    for kind, number in phones.ordered(rec):
        dial = bool(meetings.split_dial(number)[1])
        out.append((t(dial_key if dial else label_of[kind], lang), phone_text(number, lang)))
    return tuple(out)


def phone_number(phone: str) -> str:
    """The number to dial, without a dial-in's keys (for a result row)."""
    return meetings.split_dial(phone)[0]


def _grouped(digits: str) -> str:
    """A conference meeting ID as people read it: 831 5336 5392 (9 to 11 digits), else as given."""
    sizes = {9: (3, 3, 3), 10: (3, 3, 4), 11: (3, 4, 4)}.get(len(digits))
    if not sizes or not digits.isdigit():
        return digits
    out, start = [], 0
    for size in sizes:
        out.append(digits[start:start + size])
        start += size
    return " ".join(out)


def phone_text(phone: str, lang: str) -> str:
    """A phone as a handler reads it out. A one-tap dial-in "301-715-8592,,83153365392#,,#,,19135459#"
    becomes "301-715-8592, then: meeting ID 831 5336 5392 #, #, passcode 19135459 #": the first
    digits asked for are the meeting ID, the last (when there are more) the passcode, as Zoom, Meet
    and Teams dial-ins ask for them; keys between are said as given."""
    number, keys = meetings.split_dial(phone)
    if not keys:
        return phone
    with_digits = [i for i, k in enumerate(keys) if any(ch.isdigit() for ch in k)]
    said = []
    for i, key in enumerate(keys):
        digits, end = (key[:-1], "#") if key.endswith("#") else (key, "")
        spoken = f"{digits} {end}".strip() if digits else end
        if with_digits and i == with_digits[0]:
            spoken = t("dial.meeting_id", lang, digits=f"{_grouped(digits)} {end}".strip())
        elif len(with_digits) > 1 and i == with_digits[-1]:
            spoken = t("dial.passcode", lang, digits=spoken)
        said.append(spoken)
    return t("dial.then", lang, number=number, keys=", ".join(said))


def languages_text(codes: Iterable[str], lang: str) -> str:
    vocab = vocabulary.load()
    return ", ".join(vocab.language_label(code, lang) for code in codes)


def week_text(hours: dict | None, lang: str) -> str:
    """"Mon–Fri 09:00–17:00; Sat 10:00–14:00" (consecutive days with the same hours grouped)."""
    if not hours_mod.has_hours(hours):
        return ""
    all_day = t("hours.all_day", lang)
    groups: list[tuple[list[str], tuple]] = []
    for day, ranges in hours_mod.week(hours):
        if groups and groups[-1][1] == ranges:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    parts = []
    for days, ranges in groups:
        if not ranges:
            continue
        first, last = t(f"dayshort.{days[0]}", lang), t(f"dayshort.{days[-1]}", lang)
        label = first if len(days) == 1 else f"{first}\u2013{last}"
        parts.append(f"{label} {hours_mod.format_ranges(ranges, all_day)}")
    return "; ".join(parts)


def meeting_when(rec: dict[str, Any], lang: str) -> str:
    """A meeting's day and time for a result row ("Sun 10:00–11:00"): one group's meetings differ
    by nothing else. Empty for services, whose hours belong to their page."""
    return week_text(rec.get("hours"), lang) if rec.get("kind") == "support-group" else ""


# Meeting Guide groups and rooms carry the intergroup's own ids ("D26 / GSO #164620", "St Paul's
# (D23)"): a district number and AA's General Service Office number mean nothing to a caller.
_INTERNAL_IDS = re.compile(r"\(\s*D\d{1,3}\s*\)|\bD\d{1,3}\b|\bGSO\s*#?\s*\d+")


def _without_ids(text: str) -> str:
    text = _INTERNAL_IDS.sub("", text or "")
    text = re.sub(r"\s{2,}", " ", text).strip(" /-·,")
    return text if any(ch.isalpha() for ch in text) else ""


def _raw_service_text(rec: dict[str, Any], *keys: str) -> str:
    """A service's own words on what it costs or how to apply, as an HSDS source gives them."""
    service = (rec.get("raw") or {}).get("service")
    if not isinstance(service, dict):
        return ""
    return next((v.strip() for k in keys if isinstance(v := service.get(k), str) and v.strip()), "")


def _meeting_rows(meeting: meetings.MeetingFacts, lang: str) -> list[tuple[str, str]]:
    """What a meeting is (its types by name), who can go (closed or open: a family member must not
    be sent to a closed meeting) and how it meets (online only, in person and online)."""
    names = [n for n in (meetings.type_name(code, lang) for code in meeting.types) if n]
    what = t("kind.support-group", lang) + (": " + ", ".join(names) if names else "")
    rows = [(t("slip.what", lang), what)]
    if "C" in meeting.types:
        rows.append((t("slip.who_can_go", lang), t("slip.closed_meeting", lang)))
    elif "O" in meeting.types:
        rows.append((t("slip.who_can_go", lang), t("slip.open_meeting", lang)))
    if meeting.attends:
        rows.append((t("slip.meets", lang), t(f"meeting.{meeting.attends}", lang)))
    return rows


def _labels(ids: Iterable[str], lang: str) -> str:
    vocab = vocabulary.load()
    return ", ".join(term.label(lang) if (term := vocab.term(i)) else i for i in ids)


def entry(rec: dict[str, Any], lang: str, asked_for: Sequence[matched.Concept] = ()) -> SlipEntry:
    """`asked_for`: what the call asked for that this service has (core/matched.py)."""
    meeting = meetings.facts(rec)
    clean = _without_ids if meeting is not None else (lambda text: text or "")
    name = rec.get("name") or ""
    org = clean(rec.get("organization") or "")
    site = clean(rec.get("site_name") or "")
    organization = " · ".join(dict.fromkeys(x for x in (site, org) if x and x != name))
    phone_rows = phone_list(rec, lang)
    # Someone to ask: a conference dial-in joins the meeting, it answers no question.
    can_call = any(not meetings.split_dial(number)[1] for _kind, number in phones.ordered(rec))
    website = rec.get("website") or ""

    rows: list[tuple[str, str]] = []
    if meeting is not None:
        rows += _meeting_rows(meeting, lang)
    elif rec.get("kind"):
        rows.append((t("slip.what", lang), t(f"kind.{rec['kind']}", lang)))
    if address := address_line(rec):
        rows.append((t("slip.address", lang), address))
    joins = meeting is not None and meeting.join_link and website
    if joins:
        rows.append((t("slip.join_online", lang), website))
    # Unknown hours and languages are asked on the phone; with no phone there is no one to ask.
    hours = week_text(rec.get("hours"), lang) or (rec.get("hours_text") or "")
    if hours or can_call:
        rows.append((t("slip.hours", lang), hours or t("slip.hours_unknown", lang)))
    if rec.get("populations"):
        rows.append((t("slip.serves", lang), _labels(rec["populations"], lang)))
    if rec.get("payment"):
        rows.append((t("slip.payment", lang), _labels(rec["payment"], lang)))
    if fees := _raw_service_text(rec, "fees", "fees_description"):
        rows.append((t("slip.fees", lang), fees))
    if apply := _raw_service_text(rec, "application_process"):
        rows.append((t("slip.apply", lang), apply))
    if asked_for:
        rows.append((t("slip.matched", lang), ", ".join(matched.labels(asked_for, lang))))
    rows += phone_rows
    langs = languages_text(rec.get("languages") or (), lang)
    if langs or can_call:
        rows.append((t("slip.languages", lang), langs or t("slip.languages_unknown", lang)))
    if website and not joins:
        rows.append((t("slip.website", lang), website))
    return SlipEntry(name=display_text(name), organization=display_text(organization),
                     rows=tuple((label, display_text(value)) for label, value in rows), has_phone=can_call)


def _entries(records: Sequence[dict[str, Any]], lang: str,
             asked_for: Mapping[str, Sequence[matched.Concept]] | None) -> list[SlipEntry]:
    asked_for = asked_for or {}
    return [entry(rec, lang, asked_for.get(rec.get("id") or "", ())) for rec in records]


def _check_first(entries: Sequence[SlipEntry], lang: str) -> str:
    """"Please call before you go" only when every service has a phone to call."""
    return t("slip.call_first" if all(e.has_phone for e in entries) else "slip.check_first", lang)


def _date(moment: dt.datetime | dt.date | None) -> str:
    moment = moment or dt.date.today()
    return moment.strftime("%Y-%m-%d")


def slip_text(records: Sequence[dict[str, Any]], lang: str, note: str = "",
              moment: dt.datetime | dt.date | None = None, demo: bool = False,
              asked_for: Mapping[str, Sequence[matched.Concept]] | None = None) -> str:
    """The slip as plain text, ready to paste into a message or an email. `asked_for`: by record
    id, what the call asked for that the service has."""
    lines = [t("slip.title", lang), t("slip.date", lang, date=_date(moment))]
    if demo:
        lines.append(t("slip.demo", lang))
    lines.append("")
    if not records:
        lines += [t("slip.empty", lang), ""]
    entries = _entries(records, lang, asked_for)
    for number, e in enumerate(entries, 1):
        lines.append(f"{number}. {e.name}")
        indent = " " * (len(str(number)) + 2)
        if e.organization:
            lines += textwrap.wrap(indent + e.organization, WRAP, subsequent_indent=indent)
        for label, value in e.rows:  # a dial-in read out or a list can be long: wrapped under itself
            lines += textwrap.wrap(f"{indent}{label}: {value}", WRAP, subsequent_indent=indent + "  ",
                                   break_long_words=False, break_on_hyphens=False)
        lines.append("")
    note = display_text((note or "").strip())
    if note:
        lines += textwrap.wrap(f"{t('slip.note', lang)}: {note}", WRAP) + [""]
    lines += textwrap.wrap(_check_first(entries, lang), WRAP)
    lines += textwrap.wrap(t("slip.help_now", lang), WRAP)
    return "\n".join(lines) + "\n"


_PAGE_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Arial, sans-serif; max-width: 42rem;
       margin: 2rem auto; padding: 0 1rem; color: #000; background: #fff; line-height: 1.4; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
.date { margin-top: 0; }
.demo { border: 2px solid #000; padding: .4rem .6rem; font-weight: bold; }
ol { padding-left: 1.4rem; }
li { margin-bottom: 1rem; break-inside: avoid; }
.name { font-size: 1.15rem; font-weight: bold; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .3rem 0 0; }
dt { font-weight: bold; }
dd { margin: 0; }
.note { border-left: 4px solid #000; padding-left: .6rem; white-space: pre-wrap; }
.help { border-top: 1px solid #000; padding-top: .6rem; }
@media print { body { margin: 0; max-width: none; } .noprint { display: none; } }
"""


def slip_html(records: Sequence[dict[str, Any]], lang: str, note: str = "",
              moment: dt.datetime | dt.date | None = None, demo: bool = False,
              asked_for: Mapping[str, Sequence[matched.Concept]] | None = None) -> str:
    """The slip as a self-contained printable page (no scripts, no external files)."""
    esc = html.escape
    out = [
        "<!DOCTYPE html>", f'<html lang="{esc(lang)}">', "<head>", '<meta charset="utf-8">',
        f"<title>{esc(t('slip.title', lang))}</title>", f"<style>{_PAGE_STYLE}</style>", "</head>", "<body>",
        f"<h1>{esc(t('slip.title', lang))}</h1>", f'<p class="date">{esc(t("slip.date", lang, date=_date(moment)))}</p>',
    ]
    if demo:
        out.append(f'<p class="demo">{esc(t("slip.demo", lang))}</p>')
    entries = _entries(records, lang, asked_for)
    if not records:
        out.append(f"<p>{esc(t('slip.empty', lang))}</p>")
    else:
        out.append("<ol>")
        for e in entries:
            out.append(f'<li><div class="name">{esc(e.name)}</div>')
            if e.organization:
                out.append(f"<div>{esc(e.organization)}</div>")
            out.append("<dl>")
            rows = e.rows
            out += [f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in rows]
            out.append("</dl></li>")
        out.append("</ol>")
    note = display_text((note or "").strip())
    if note:
        out.append(f'<p class="note"><strong>{esc(t("slip.note", lang))}:</strong> {esc(note)}</p>')
    out.append(f"<p>{esc(_check_first(entries, lang))}</p>")
    out.append(f'<p class="help">{esc(t("slip.help_now", lang))}</p>')
    out.append("</body>")
    out.append("</html>")
    return "\n".join(out) + "\n"


def slip_filename(lang: str, moment: dt.datetime, suffix: str) -> str:
    return f"referral-{moment.strftime('%Y%m%d-%H%M%S')}-{lang}.{suffix}"


def save_slip(folder: Path, content: str, filename: str) -> Path:
    """Write the slip, readable by this user only (0600, in a 0700 folder: it holds the handler's
    note about the caller); never overwrite an earlier one (a counter is added). A failed save
    (a full disk) leaves no file behind. Returns the path."""
    files.make_private_folder(folder)
    path = folder / filename
    stem, suffix = path.stem, path.suffix
    counter = 2
    while path.exists():
        path = folder / f"{stem}-{counter}{suffix}"
        counter += 1
    files.write_private(path, content)
    return path


def folder_open_to_others(folder: Path) -> bool:
    """True when other users may list or enter the slips folder (another user's folder, which
    helpline could not tighten): the handler is told where the slip went."""
    try:
        return bool(folder.stat().st_mode & 0o077)
    except OSError:
        return False
