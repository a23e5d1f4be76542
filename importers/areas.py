"""Addresses and service areas as community directories write them -> the record's fields.

- `state_code`: "FL ", "Florida", "British Columbia" -> "FL" / "BC"; anything else -> "" (kept in
  the raw record), because the pipeline rejects a record whose state is not a code and a fictional
  "MyState" must not cost the record.
- `split_address`: "1937 West MacDade Boulevard, Woodlyn, PA 19094, USA" -> street, city, state, zip
  (Meeting Guide feeds often give only `formatted_address`).
- `area_tokens`: service-area text -> the tokens search uses to keep area-wide services ("US", a
  state code, "zip:10701", "county:NY:Westchester"). A state token means the whole state is
  served, so it is only produced when the text says so ("Statewide", "Florida").
"""

from __future__ import annotations

import re

from helpline_tui.core.states import STATES as US_STATES
from helpline_tui.core.textnorm import fold

CA_PROVINCES = {
    "AB": "Alberta", "BC": "British Columbia", "MB": "Manitoba", "NB": "New Brunswick",
    "NL": "Newfoundland and Labrador", "NS": "Nova Scotia", "NT": "Northwest Territories",
    "NU": "Nunavut", "ON": "Ontario", "PE": "Prince Edward Island", "QC": "Quebec",
    "SK": "Saskatchewan", "YT": "Yukon",
}
_BY_NAME = {fold(name): code for table in (US_STATES, CA_PROVINCES) for code, name in table.items()}
_BY_NAME.update({"newfoundland": "NL", "yukon territory": "YT", "washington dc": "DC", "d c": "DC"})
_COUNTRIES = {"usa", "us", "u s a", "united states", "united states of america", "canada", "ca"}
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")
_CA_POSTAL = re.compile(r"^[A-Za-z]\d[A-Za-z]\s?\d[A-Za-z]\d$")


def state_code(text: object) -> str:
    """Two-letter US state or Canadian province code, or "" when the text is not one."""
    t = str(text or "").strip().strip(".")
    if not t:
        return ""
    if len(t) == 2 and t.upper() in US_STATES | CA_PROVINCES:
        return t.upper()
    return _BY_NAME.get(fold(t), "")


def is_country(text: object) -> bool:
    return fold(str(text or "")) in _COUNTRIES


def fold_country(text: object) -> str:
    """'United States of America', 'USA', 'US' -> 'US'; 'Canada', 'CA' -> 'CA'; else ''."""
    t = fold(str(text or ""))
    if t in ("usa", "us", "u s a", "united states", "united states of america"):
        return "US"
    return "CA" if t in ("canada", "ca") else ""


def split_address(text: object) -> dict[str, str]:
    """Street, city, state and zip from a one-line address; fields it cannot find are "".

    Handles "street, city, ST 12345, USA", "street, city, ST, 12345, USA", "city, ST, USA" and a
    leading place name ("St Paul Lutheran Church, 50 E Plumstead Ave, Lansdowne, PA, USA")."""
    parts = [p.strip() for p in str(text or "").split(",") if p.strip()]
    out = {"street": "", "city": "", "state": "", "zip": ""}
    if parts and is_country(parts[-1]):
        parts.pop()
    # The end: "PA 19094" | "PA", "19094" | "PA" | "19094"
    if parts and (_ZIP.match(parts[-1]) or _CA_POSTAL.match(parts[-1])):
        out["zip"] = parts.pop()
    if parts:
        words = parts[-1].split()
        if len(words) >= 2 and (_ZIP.match(words[-1]) or _CA_POSTAL.match(" ".join(words[-2:]))):
            postal = words[-1] if _ZIP.match(words[-1]) else " ".join(words[-2:])
            head = parts[-1][: len(parts[-1]) - len(postal)].strip()
            if state_code(head):
                out["zip"], out["state"] = postal, state_code(head)
                parts.pop()
        elif state_code(parts[-1]):
            out["state"] = state_code(parts.pop())
    if out["state"] and parts:
        out["city"] = parts.pop()
    if parts:
        # A venue name before the street: keep the part that starts with a house number.
        numbered = [i for i, p in enumerate(parts) if re.match(r"^\d", p)]
        start = numbered[0] if numbered else 0
        out["street"] = ", ".join(parts[start:])
    return out


_NATIONAL = re.compile(r"\b(nationwide|national|united states|usa|u\.s\.a?\.?|all states)\b", re.I)
_STATEWIDE = re.compile(r"\bstate\s*-?\s*wide\b|\bentire state\b|\ball of\b", re.I)
_COUNTY = re.compile(r"([A-Z][A-Za-z.'\- ]+?)\s+(County|Parish|Borough)\b")
_ZIPS = re.compile(r"\b(\d{5})\b")


def area_tokens(text: object, state: str = "") -> list[str]:
    """Tokens for one service-area text. `state` is the record's own state, used for "Statewide"
    and for "X County" without a state. Unrecognised text gives no token (the text is kept)."""
    t = str(text or "").strip()
    if not t:
        return []
    out: list[str] = []
    whole = state_code(t)
    if whole:
        return [whole]
    if _NATIONAL.search(t) and not re.search(r"\bcounty\b|\bcity\b", t, re.I):
        return ["US"]
    if _STATEWIDE.search(t) and state:
        out.append(state)
    for name, _kind in _COUNTY.findall(t):
        county = name.strip()
        # "Miami-Dade County, FL": a state named in the text wins over the record's own.
        tail = t[t.find(county) + len(county):]
        m = re.search(r"\b([A-Z]{2})\b", tail)
        st = m.group(1) if m and state_code(m.group(1)) else state
        if st:
            token = f"county:{st}:{county}"
            if token not in out:
                out.append(token)
    for z in _ZIPS.findall(t):
        if f"zip:{z}" not in out:
            out.append(f"zip:{z}")
    return out
