"""What a mutual-help meeting's page says beyond the common fields, as data for the interface to put
in words (helpline_tui.i18n), in the reader's language.

The Meeting Guide importer stores no prose of its own: the meeting's types stay codes
(`source_codes`), how it meets is read again from the stored source record (`attendance_option`,
the types, the conference link and dial-in), the join link is the record's website and a dial-in
that is a phone number is its phone. `attendance()` is the one rule for both the import (the
meeting's status) and the page (its words). Pure Python, no Textual.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

_DATA = Path(__file__).parent / "data" / "meeting_types.json"
FORMAT = "meeting-guide"

# Type codes a page says otherwise: languages have their own section, and online / location
# temporarily closed are said by how the meeting meets.
_SAID_ELSEWHERE = frozenset({"ONL", "TC"})
ALIASES = {"ASBI": "ABSI"}  # a misspelling seen in real feeds

# How a meeting meets, for its page: ids of i18n strings "meeting.<id>".
ONLINE_ONLY = "online-only"
ROOM_CLOSED_ONLINE = "room-closed-online"
HYBRID = "hybrid"


@lru_cache(maxsize=1)
def type_names() -> dict[str, dict[str, str]]:
    """code -> {"en": name, "es": name} (code4recovery's own translations)."""
    return json.loads(_DATA.read_text(encoding="utf-8"))["types"]


def type_name(code: str, lang: str) -> str | None:
    entry = type_names().get(ALIASES.get(code, code))
    return (entry.get(lang) or entry.get("en")) if entry else None


def attendance(option: str, codes: Iterable[str], online_link: bool, in_person: bool) -> tuple[bool, str, str]:
    """(online, status, how it meets: ONLINE_ONLY, ROOM_CLOSED_ONLINE, HYBRID or "" when nothing
    needs saying) from attendance_option, the type codes, whether a conference URL or phone is
    given and whether the meeting has a street address."""
    option = (option or "").strip().lower()
    codes = set(codes)
    online = option in ("online", "hybrid") or "ONL" in codes or online_link
    if option == "inactive":
        return online, "inactive", ""
    if "TC" in codes:
        if online:
            return True, "active", ROOM_CLOSED_ONLINE
        return False, "temporarily-closed", ""
    if option == "online" or (online and not in_person and option != "hybrid"):
        return True, "active", ONLINE_ONLY  # online with no street address: nowhere else to go
    if online and (option == "hybrid" or in_person):
        return True, "active", HYBRID
    return online, "active", ""


@dataclass
class MeetingFacts:
    attends: str = ""  # ONLINE_ONLY, ROOM_CLOSED_ONLINE, HYBRID or ""
    types: list[str] = field(default_factory=list)  # type codes to name, in the source's order
    join_link: bool = False  # the website is the meeting's conference link


def _text(value: Any) -> str:
    return "" if value is None or isinstance(value, (dict, list, bool)) else str(value).strip()


def facts(rec: dict[str, Any]) -> MeetingFacts | None:
    """The meeting facts of a record imported from Meeting Guide JSON; None for other records."""
    from helpline_tui.core.directory import source_formats  # not at import: importers use this module

    if any(fmt != FORMAT for fmt in source_formats(rec)):
        return None
    raw = rec.get("raw") or {}
    members = raw["merged"] if isinstance(raw.get("merged"), list) else [raw]
    members = [m for m in members if isinstance(m, dict)] or [{}]
    codes = [c for c in rec.get("source_codes") or [] if isinstance(c, str)]
    first = members[0]
    online_link = any(_text(m.get("conference_url")) or _text(m.get("conference_phone")) for m in members)
    online, _status, attends = attendance(_text(first.get("attendance_option")), codes, online_link,
                                          in_person=bool(rec.get("street")))
    # In the source's order (the directory keeps codes sorted): "Open, Discussion".
    given = [str(c).strip() for m in members if isinstance(m.get("types"), list) for c in m["types"]]
    order = {c: i for i, c in reversed(list(enumerate(given)))}
    codes.sort(key=lambda c: order.get(c, len(order)))
    types = [c for c in dict.fromkeys(codes) if c not in _SAID_ELSEWHERE and c not in LANGUAGE_CODES]
    # The importer makes an online meeting's conference link its website.
    join_link = online and bool(rec.get("website")) and any(_text(m.get("conference_url")) for m in members)
    return MeetingFacts(attends=attends, types=types, join_link=join_link)


# Meeting Guide type codes (code4recovery/spec README "Meeting Types") that name a language, as
# ISO codes: the importer's languages (importers.taxonomy) and the types the page does not list
# again, since it lists languages on their own. S is Spanish; SP is Speaker.
LANGUAGES: dict[str, str] = {
    "S": "es", "EN": "en", "FR": "fr", "POL": "pl", "RUS": "ru", "ASL": "asl", "AF": "af",
    "AM": "am", "AR": "ar", "BG": "bg", "DA": "da", "DE": "de", "EL": "el", "FA": "fa", "FI": "fi",
    "HE": "he", "HI": "hi", "HR": "hr", "HU": "hu", "IS": "is", "ITA": "it", "JA": "ja", "KA": "ka",
    "KOR": "ko", "LT": "lt", "ML": "ml", "MT": "mt", "NE": "ne", "NL": "nl", "NO": "no", "POR": "pt",
    "PUN": "pa", "SK": "sk", "SL": "sl", "SV": "sv", "TH": "th", "TL": "tl", "TUR": "tr", "UK": "uk",
}
LANGUAGE_CODES = frozenset(LANGUAGES)


# ---- conference dial-ins ---------------------------------------------------------------------

# "+13017158592,,83153365392#,,#,,19135459#": a number, then pauses (",", ";") and keys to press.
_DIAL = re.compile(r"^(?P<number>\+?[\d\s().-]{7,}?)\s*(?P<keys>[,;][\d#*,;\s]*)$")


def split_dial(phone: str) -> tuple[str, list[str]]:
    """(the number, the keys pressed after it, each group as given: "83153365392#", "#") for a
    one-tap dial-in; (phone, []) for anything else."""
    m = _DIAL.match((phone or "").strip())
    if not m:
        return (phone or "").strip(), []
    groups = [g.replace(" ", "") for g in re.split(r"[,;]+", m["keys"])]
    groups = [g for g in groups if g]
    return (m["number"].strip(), groups) if groups else (m["number"].strip(), [])


def is_phone_number(text: str) -> bool:
    """A dial-in given as a phone number (with or without keys after it), not a sentence."""
    number, _keys = split_dial(text)
    digits = re.sub(r"\D", "", number)
    return bool(re.fullmatch(r"\+?[\d\s().-]+", number)) and 7 <= len(digits) <= 15


# ---- what a meeting is, as index tags (search) ------------------------------------------------
#
# A meeting's types, how it meets and its fellowship become tags of the full-text index, as needs
# and days are ('mtc' closed, 'atonline', 'fwaa'), so FTS5 intersects them with the words, the day
# and the place. They are read from the stored record, whatever version imported it: its type
# codes, street, the feed's attendance option and conference fields, its names, and the fellowship
# of its feed (feed_fellowships()). The same function serves the index and the ranking.

FELLOWSHIP_META = "meeting-fellowship:"  # meta key prefix: the fellowship of a feed, per source
FELLOWSHIPS_PRESENT = "meeting-fellowships"  # meta key: fellowships the directory has records of

# The columns meeting_tags() reads, as one SQL value per row of `services` (NULL for records not
# imported from a Meeting Guide feed, which cost nothing more).
MEETING_SQL = (
    "CASE WHEN source IN (SELECT name FROM sources WHERE format = 'meeting-guide') THEN json_array("
    "source_codes, street, json_extract(raw_json, '$.attendance_option'), "
    "json_extract(raw_json, '$.conference_url'), json_extract(raw_json, '$.conference_phone'), "
    "(SELECT value FROM meta WHERE key = '" + FELLOWSHIP_META + "' || source)) END"
)


def type_token(code: str) -> str:
    return "mt" + re.sub(r"[^0-9a-z]", "", ALIASES.get(code, code).lower())


def attend_token(how: str) -> str:
    return "at" + re.sub(r"[^0-9a-z]", "", how)


def fellowship_token(fellowship: str) -> str:
    return "fw" + re.sub(r"[^0-9a-z]", "", fellowship)


@lru_cache(maxsize=1)
def fellowships() -> dict[str, dict[str, Any]]:
    """id -> {"label", "en", "es", "words"} (core/data/meeting_types.json)."""
    return json.loads(_DATA.read_text(encoding="utf-8"))["fellowships"]


@lru_cache(maxsize=1)
def _fellowship_in_names() -> re.Pattern[str]:
    """The fellowship words a record's names may carry: phrases, words of 6 letters or more, and
    'aa' ('A.A.' folds to 'a a'); 'na', 'ca', 'smart' alone name too many other things."""
    alternatives = []
    for fid, entry in fellowships().items():
        for word in entry["words"]:
            initials = all(len(part) == 1 for part in word.split())  # 'n a' is in 'N.A.S. (Naval Air Station)'
            if word in ("aa", "a a") or (" " in word and not initials) or len(word) >= 6:
                alternatives.append((word, fid))
    alternatives.sort(key=lambda a: -len(a[0]))  # 'al anon family groups' before 'al anon'
    _FELLOWSHIP_OF.update({w: f for w, f in alternatives})
    return re.compile(r"\b(" + "|".join(re.escape(w) for w, _ in alternatives) + r")\b")


_FELLOWSHIP_OF: dict[str, str] = {}


def fellowship_named(folded_text: str) -> str | None:
    """The fellowship a folded name names first ('call to action a a' -> 'aa'), or None."""
    m = _fellowship_in_names().search(folded_text or "")
    return _FELLOWSHIP_OF[m.group(1)] if m else None


def meeting_tags(meeting_json: str | None, match_fold: str, needs_json: str | None) -> tuple[str, ...]:
    """Index tags of a record: a meeting's types, attendance and fellowship (MEETING_SQL gives
    `meeting_json`); any other support group's fellowship when its names say one."""
    if not meeting_json:
        if needs_json and '"support-group"' in needs_json:
            named = fellowship_named(match_fold)
            return (fellowship_token(named),) if named else ()
        return ()
    return _meeting_tags(meeting_json, match_fold)


@lru_cache(maxsize=8192)
def _meeting_tags(meeting_json: str, match_fold: str) -> tuple[str, ...]:
    try:
        codes_json, street, option, url, phone, feed_fellowship = json.loads(meeting_json)
        codes = [c for c in json.loads(codes_json or "[]") if isinstance(c, str)]
    except (ValueError, TypeError):
        return ()
    online, _status, attends = attendance(_text(option), codes, bool(_text(url) or _text(phone)),
                                          in_person=bool(street))
    tags = [type_token(c) for c in dict.fromkeys(codes) if c not in _SAID_ELSEWHERE]
    if online:
        tags.append(attend_token("online"))
    if attends not in (ONLINE_ONLY, ROOM_CLOSED_ONLINE):
        tags.append(attend_token("in-person"))
    fellowship = fellowship_named(match_fold) or feed_fellowship or "aa"
    tags.append(fellowship_token(fellowship))
    return tuple(tags)


def online_only(tags: Iterable[str]) -> bool:
    """A meeting one can only join online (no room to go to): ranked after those with a room."""
    tags = set(tags)
    return attend_token("online") in tags and attend_token("in-person") not in tags


def store_feed_fellowships(conn) -> None:
    """Before the index is built: the fellowship of each Meeting Guide feed, for its meetings
    whose names say none. It is the one its meetings name most ('Call to Action A.A.'), else the
    one its address or source name says ('al-anon.json'), else AA, whose format Meeting Guide is."""
    conn.execute("DELETE FROM meta WHERE key LIKE ?", (FELLOWSHIP_META + "%",))
    from helpline_tui.core.textnorm import fold

    for source, origin in conn.execute("SELECT name, origin FROM sources WHERE format = 'meeting-guide'").fetchall():
        counts: dict[str, int] = {}
        for (match_fold,) in conn.execute("SELECT match_fold FROM services WHERE source = ?", (source,)):
            named = fellowship_named(match_fold)
            if named:
                counts[named] = counts.get(named, 0) + 1
        # A local file by its name only: the folders it is in say nothing of the feed.
        named_by = origin if "://" in (origin or "") else (origin or "").replace("\\", "/").rsplit("/", 1)[-1]
        chosen = max(counts, key=lambda f: (counts[f], f == "aa")) if counts else \
            fellowship_named(fold(f"{named_by} {source}")) or "aa"
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (FELLOWSHIP_META + source, chosen))


def store_fellowships_present(conn) -> None:
    """After the index is built: the fellowships it has records of, so a query asking for one
    the directory lacks says so (search) rather than finding nothing."""
    present = [fid for fid in fellowships() if conn.execute(
        "SELECT 1 FROM services_fts WHERE services_fts MATCH ? LIMIT 1",
        (f'keywords: "{fellowship_token(fid)}"',)).fetchone()]
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (FELLOWSHIPS_PRESENT, json.dumps(present)))


def fellowships_present(conn) -> frozenset[str] | None:
    """The fellowships stored by the last index build; None for a directory built before."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (FELLOWSHIPS_PRESENT,)).fetchone()
    return frozenset(json.loads(row[0])) if row else None
