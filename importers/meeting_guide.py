"""Meeting Guide JSON (code4recovery spec, 12 Step Meeting List extras) -> one support-group
record per meeting.

Choices, for the call handler's sake:
- Hours: the meeting's day(s) (0-6, Sunday = 0, or a list) with time to end_time. A missing
  end_time is start + 1 hour, as the spec defines, and the hours text says it was assumed.
  Off-spec 12-hour times ("11:00 AM") are read too (importers.schedules.meeting_hours).
- Language: only language types give languages. S is Spanish (SP is Speaker); a meeting with no
  language type has unknown language, so `--lang es` lists exactly the meetings typed S.
- Online: ONL, attendance_option online/hybrid or a conference URL/phone make a meeting online;
  its conference URL becomes the website and a dial-in that is a phone number becomes the phone
  (number, then the keys to press: "+13017158592,,503536771#").
- Status: TC ("Location Temporarily Closed") makes the meeting temporarily closed unless it also
  meets online (then it is active, online only); attendance_option "inactive" makes it inactive.
  The rule is helpline_tui.core.meetings.attendance(), which the detail page reuses to say, in the
  reader's language, how the meeting meets.
- No prose of the importer's own: meeting types stay codes (source_codes; languages and
  populations as usual), and the description holds only the source's own text (notes, location
  and group notes, conference notes, a dial-in that is not a phone number), as written.
- Address: address/city/state/postal_code when given, else parsed from formatted_address (or a
  full address in `address`, as off-spec feeds write). `approximate: yes` coordinates are dropped
  so the pipeline places the meeting by ZIP/city centroid and marks the position approximate.
- Key: the feed's slug (else id; else day+time+name+address). Group -> organisation, location name
  -> site name, regions -> service area text (a "... County" region also fills the county).
- `updated` is the listing's last edit, the nearest the feed has to a verification date.
- Personal fields (contact_*, email, venmo, paypal, square) are not kept in the raw record.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpline_tui.core import meetings
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError, is_url
from importers import areas, bounded, json_text, schedules, taxonomy
from importers.source_format import SourceFormat

if TYPE_CHECKING:
    from importers.detect import Sample
    from importers.http import Response

SOURCE = "meeting-guide"
_PERSONAL = re.compile(r"^(contact_\d+_.*|email|venmo|paypal|square|cashapp|homegroup_online|feedback_emails)$")
_FAMILY_GROUPS = re.compile(r"\b(al-?anon|alateen|nar-?anon|families anonymous)\b", re.I)


def read(source: str) -> Iterator[ServiceRecord | SkippedRow]:
    yield from _records(_load(source))


def read_url(url: str, download: Response | None = None) -> Iterator[ServiceRecord | SkippedRow]:
    """The feed at `url`; `download` is its body when `auto` fetched it."""
    yield from _records(_load(url, download))


def _records(meetings: list[Any]) -> Iterator[ServiceRecord | SkippedRow]:
    for number, item in enumerate(meetings, start=1):
        if not isinstance(item, dict):
            yield SkippedRow(row=number, reason=f"item {number} is not a meeting object")
            continue
        yield meeting_record(item, number)


def _load(source: str, fetched: Response | None = None) -> list[Any]:
    if is_url(source):
        from importers.http import JSON_TYPES, Downloader

        with Downloader(fetched=(source, fetched) if fetched else None) as downloader:
            # text/plain and octet-stream too: many intergroups serve the feed as a static file.
            response = downloader.get(source, expect=(*JSON_TYPES, "text/plain", "application/octet-stream"),
                                      what="a Meeting Guide JSON feed")
            data, origin = response.content, response.url
    else:
        path = Path(source)
        try:
            data = bounded.read_file(path)
        except IsADirectoryError:
            raise SourceError(source, "is a folder; a Meeting Guide feed is one JSON file") from None
        origin = str(path)
    json_text.refuse_too_many_values(data, origin)  # before decoding: no second copy of a bomb
    try:
        doc = json_text.loads(data.decode("utf-8-sig"), origin)
    except UnicodeDecodeError:
        raise SourceError(origin, "is not UTF-8 text, so not a Meeting Guide JSON feed") from None
    except json.JSONDecodeError as exc:
        raise SourceError(origin, f"is not valid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})",
                          row=exc.lineno) from None
    if isinstance(doc, dict) and isinstance(doc.get("meetings"), list):
        doc = doc["meetings"]  # some feeds wrap the array
    if not isinstance(doc, list):
        raise SourceError(origin, "is not a Meeting Guide feed: expected a JSON array of meetings")
    sample = [m for m in doc[:50] if isinstance(m, dict)]
    if doc and not any(("day" in m or "time" in m) and "name" in m for m in sample):
        raise SourceError(origin, "is not a Meeting Guide feed: its items have no name, day and time")
    return doc


def meeting_record(m: dict[str, Any], row: int) -> ServiceRecord | SkippedRow:
    name = _text(m.get("name"))
    if not name:
        return SkippedRow(row=row, field="name", reason="the meeting has no name")
    schedule = _schedule(m, row)
    if isinstance(schedule, SkippedRow):
        return schedule
    hours, hours_text = schedule

    codes, needs, pops, langs, unknown = taxonomy.meeting_types(_types(m.get("types")))
    fellowship = f"{name} {_text(m.get('group'))} {_text(m.get('entity'))}"
    if _FAMILY_GROUPS.search(fellowship) and "family-support" not in needs:
        needs.append("family-support")  # an Al-Anon feed uses the same types as AA
    address = _address(m)
    conference_url, conference_phone = _text(m.get("conference_url")), _text(m.get("conference_phone"))
    online, status, _attends = meetings.attendance(
        _text(m.get("attendance_option")), codes, bool(conference_url or conference_phone),
        in_person=bool(address.get("street")))
    dial_in = conference_phone if meetings.is_phone_number(conference_phone) else ""
    regions = _regions(m)
    county = next((r[: -len(" County")] for r in regions if r.endswith(" County")), "") or address.get("county", "")
    lat, lon = _position(m)
    key = _text(m.get("slug")) or _text(m.get("id")) or "|".join(
        _text(m.get(k)) for k in ("day", "time", "name", "formatted_address", "address"))
    return ServiceRecord(
        name=name,
        kind="support-group",
        source=SOURCE,
        source_key=key,
        row=row,
        organization=_text(m.get("group")) or _text(m.get("entity")),
        site_name=_text(m.get("location")),
        description=_description(m, conference_phone if not dial_in else ""),
        # A dial-in first: for a meeting that meets by phone it is how a caller gets in.
        phone=dial_in or _text(m.get("phone")) or _text(m.get("entity_phone")),
        website=conference_url if online and conference_url else (
            _text(m.get("url")) or _text(m.get("website")) or _text(m.get("entity_website_url"))),
        street=address.get("street", ""),
        city=address.get("city", ""),
        state=address.get("state", ""),
        zip=address.get("zip", ""),
        county=county,
        latitude=lat,
        longitude=lon,
        service_area=" > ".join(regions),
        hours=hours,
        hours_text=hours_text,
        status=status,
        languages=langs,
        needs=needs,
        populations=pops,
        source_codes=codes,
        unmapped_codes=unknown,
        concepts=["support-groups"],  # every meeting of a feed is a mutual-help group: coded, not guessed
        last_verified=_date(m.get("updated")),
        raw={k: v for k, v in m.items() if not _PERSONAL.match(str(k)) and v not in ("", None, [])},
    )


def _schedule(m: dict[str, Any], row: int) -> tuple[dict[str, list[list[str]]], str] | SkippedRow:
    """Hours and their text; a meeting with neither day nor time is by appointment (the spec
    allows it), a day or time that is given but unreadable skips the row."""
    if m.get("day") in (None, "", []) and not _text(m.get("time")):
        return {}, "By appointment or schedule not given"
    days = schedules.meeting_days(m.get("day"))
    if days is None:
        return SkippedRow(row=row, field="day",
                          reason=f"day {m.get('day')!r} is not 0-6 (Sunday = 0) or a list of them")
    parsed = schedules.meeting_hours(days, m.get("time"), m.get("end_time"))
    if parsed is None:
        return SkippedRow(row=row, field="time", reason=f"time {m.get('time')!r} is not a time of day")
    hours, text = parsed
    if _text(m.get("timezone")):
        text += f" ({_text(m['timezone'])})"
    return hours, text


def _description(m: dict[str, Any], conference_phone_text: str) -> str:
    """The source's own words, as written: the notes, then how to join when the source says more
    than a link or a number (conference notes, a dial-in that is not a phone number)."""
    notes = []
    for key in ("notes", "location_notes", "group_notes", "conference_url_notes"):
        if value := _text(m.get(key)):
            notes.append(value)
    if conference_phone_text:
        notes.append(conference_phone_text)
    if value := _text(m.get("conference_phone_notes")):
        notes.append(value)
    return "\n".join(notes)


def _text(value: Any) -> str:
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


def _types(value: Any) -> list[str]:
    if isinstance(value, str):
        return [t.strip() for t in value.split(",")]  # sheet-style "O, D, S"
    return [str(t) for t in value] if isinstance(value, list) else []


def _address(m: dict[str, Any]) -> dict[str, str]:
    street, city = _text(m.get("address")), _text(m.get("city"))
    state, zip_code = _text(m.get("state")), _text(m.get("postal_code"))
    if city or state or zip_code:
        return {"street": street, "city": city, "state": areas.state_code(state) or state, "zip": zip_code}
    # No parts: the one-line address (off-spec feeds put the whole address in `address`).
    parsed = areas.split_address(_text(m.get("formatted_address")) or street)
    if parsed["city"].endswith(" County") and not parsed["street"]:
        parsed["county"], parsed["city"] = parsed["city"][: -len(" County")], ""
    return parsed


def _position(m: dict[str, Any]) -> tuple[float | None, float | None]:
    if _text(m.get("approximate")).lower() in ("yes", "true", "1"):
        return None, None  # an approximate point is not the door; the pipeline uses ZIP/city
    lat, lon = m.get("latitude"), m.get("longitude")
    if (lat in (None, "") or lon in (None, "")) and isinstance(m.get("coordinates"), str):
        parts = m["coordinates"].split(",")
        if len(parts) == 2:
            lat, lon = parts
    if lat is None or lon is None:
        return None, None
    try:
        return float(lat), float(lon)
    except (TypeError, ValueError):
        return None, None


def _regions(m: dict[str, Any]) -> list[str]:
    regions = m.get("regions")
    if isinstance(regions, list):
        out = [_text(r) for r in regions]
    else:
        out = [_text(m.get(k)) for k in ("region", "sub_region", "sub_sub_region")]
        if not any(out) and isinstance(regions, str):
            out = [r.strip() for r in regions.split(">")]
    return [r for r in out if r]


def _date(value: Any) -> str | None:
    """'2020-10-27 16:17:24' or off-spec '8/25/2022 11:17:07 AM' -> ISO date."""
    text = _text(value)
    if not text:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        m = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if m:
            return dt.date(int(m[3]), int(m[1]), int(m[2])).isoformat()
    except ValueError:
        return None
    return None


def sniff(sample: Sample) -> bool:
    """A local JSON file whose start is an array of meetings (name, day/time, types or address).
    URLs are not fetched: False."""
    return sample.url is None and sniff_text(sample.text)


def sniff_text(text: str) -> bool:
    t = text.lstrip("\ufeff \t\r\n")
    if not t.startswith("["):
        return False
    return '"name"' in t and ('"day"' in t or '"time"' in t) and (
        '"slug"' in t or '"types"' in t or '"formatted_address"' in t or '"conference_url"' in t)


FORMAT = SourceFormat(SOURCE, read=read, sniff=sniff, read_url=read_url)
