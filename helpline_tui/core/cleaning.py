"""Text hygiene applied once, in the pipeline, to every field of every source.

Imported data is shown to call handlers and pasted into referral slips, so nothing from a source may
carry terminal escape sequences, control characters, HTML entities or markup noise.
"""

from __future__ import annotations

import html
import re
import unicodedata
from html.parser import HTMLParser

from helpline_tui.core import limits, states

# ANSI CSI / OSC / other ESC sequences: removed whole, not just their ESC byte, so no "[31m" is left.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"  # DCS / SOS / PM / APC
    r"|\x1b[@-Z\\-_]"  # two-byte sequences
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_MARKUP = re.compile(r"<[A-Za-z/!?]")  # what a tag, a comment or a declaration begins with
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_LINE_BREAKS = re.compile("\r\n?|[\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

MAX_FIELD_CHARS = limits.MAX_TEXT_CHARS  # the limits and what happens beyond them: core/limits.py
MAX_NAME_CHARS = limits.MAX_NAME_CHARS


class _TextOfHtml(HTMLParser):
    """The text a browser would show: tags and comments dropped, script and style content dropped
    with them, a line break for br and at each p, div and li."""

    _BREAKS = frozenset(("br", "p", "div", "li"))
    _HIDDEN = frozenset(("script", "style"))

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in self._BREAKS:  # <br/>: one break, not one for the start and one for the end
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(self._hidden - 1, 0)
        elif tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(text: str) -> str:
    """Markup reduced to its text by a real parser (html.parser), so no trick of nesting or quoting
    (`<<script>script>`, `<!-- a > b -->`) leaves markup or script text behind."""
    parser = _TextOfHtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts)


def _drop_controls(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co") and ch not in "\u200d":  # keep ZWJ for emoji/scripts
            continue
        out.append(ch)
    return "".join(out)


def clean_text(value: object, *, multiline: bool = False, limit: int = MAX_FIELD_CHARS) -> str:
    """Plain, printable, single-spaced text. HTML entities are decoded (twice, since 211 exports
    double-escape), simple HTML is reduced to text, escapes and control characters are removed."""
    if value is None:
        return ""
    text = str(value)
    if not text:
        return ""
    if text.isprintable() and "&" not in text and "<" not in text and "  " not in text:
        # Fast path: most fields of most rows are already clean.
        text = text.strip()
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    if len(text) > 8 * limit:
        # Cleaning runs per character; a 10 MB description would take seconds for 4,000 kept.
        # Markup and entities rarely shrink text eightfold, so the cut still leaves enough.
        text = text[: 8 * limit]
    text = _ESCAPES.sub("", text)
    for _ in range(2):
        if "&" not in text:
            break
        text = html.unescape(text)
    if "<" in text and _MARKUP.search(text):
        text = html_to_text(text)
    text = _ESCAPES.sub("", text)
    text = _LINE_BREAKS.sub("\n", text)  # U+2028/U+2029 too: JSON readers that split lines split there
    text = unicodedata.normalize("NFC", _drop_controls(text))
    if multiline:
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
    else:
        text = _SPACES.sub(" ", text.replace("\n", " ").replace("\t", " ")).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


_DIGITS = re.compile(r"\d")
_PLAIN_PHONE = re.compile(r"\(?([2-9]\d\d)\)?[-. ]?(\d{3})[-. ](\d{4})")
_EXT = re.compile(r"(?:ext\.?|extension|x|#)\s*(\d{1,6})\s*$", re.I)


# A one-tap dial-in: a number, then pauses (",", ";") and keys ("+13017158592,,503536771#").
_DIAL_KEYS = re.compile(r"^(.*?\d)\s*([,;][\d#*,;\s]*)$")


def format_phone(value: object) -> str:
    """US numbers as 617-555-0100 (with " x123" for an extension); 3-digit lines (988, 211) kept;
    a dial-in's keys after the number kept as given, spaces out ("617-555-0100,,503536771#");
    anything else returned cleaned but unchanged. Returns "" for placeholders (see is_placeholder)."""
    text = clean_text(value)
    if not text:
        return ""
    dial = _DIAL_KEYS.match(text)
    if dial and any(ch.isdigit() or ch in "#*" for ch in dial[2]):
        number = format_phone(dial[1])
        return number + dial[2].replace(" ", "") if number else ""
    plain = _PLAIN_PHONE.fullmatch(text)
    if plain:  # most numbers: ten digits in three groups, nothing else (the slow path agrees)
        digits = "".join(plain.groups())
        return "" if is_placeholder_phone(digits) else f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    ext = ""
    m = _EXT.search(text)
    if m:
        ext = f" x{m.group(1)}"
        text = text[: m.start()]
    digits = "".join(_DIGITS.findall(text))
    letters = re.sub(r"[^A-Za-z]", "", text)
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) == 10 and len(letters) <= 1:
        if is_placeholder_phone(digits):
            return ""
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}{ext}"
    if len(digits) == 3 and not letters:
        return digits
    if not digits:
        return ""
    return text.strip(" -.,;") + ext


def is_placeholder_phone(value: str) -> bool:
    """999-999-9999, 000-000-0000, 123-456-7890 and other numbers no caller could ring."""
    digits = "".join(_DIGITS.findall(value))
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10:
        return False
    if len(set(digits)) == 1 or digits in ("1234567890", "0123456789"):
        return True
    # North American numbering: area code and exchange never start with 0 or 1.
    return digits[0] in "01" or digits[3] in "01"


def phone_digits(value: str) -> str:
    """The number's digits; a dial-in's keys after the number (",,503536771#") are not its own."""
    return "".join(_DIGITS.findall(re.split(r"[,;]", value or "", maxsplit=1)[0]))


def clean_website(value: object) -> str:
    text = clean_text(value)
    if not text or text.lower() in ("http://", "https://", "n/a", "none", "null", "www"):
        return ""
    if " " in text:
        text = text.split(" ")[0]
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        text = "https://" + text.lstrip("/")
    if not re.match(r"^https?://[^/\s.]+\.[^\s]+", text, re.I):
        return ""
    return text


def clean_email(value: object) -> str:
    text = clean_text(value).removeprefix("mailto:")
    return text if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text) else ""


def clean_zip(value: object) -> str:
    """5-digit ZIP (ZIP+4 reduced to 5); Excel's lost leading zeros restored ("2150" -> "02150")."""
    text = clean_text(value)
    if not text:
        return ""
    m = re.match(r"^(\d{3,5})(?:\.0)?(?:[- ]?\d{4})?$", text)
    if not m:
        return ""
    return m.group(1).zfill(5)


US_STATES = states.ZIP_CODE_STATES  # where a ZIP code is a US one, checked as one


def to_float(value: object) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)  # type: ignore[arg-type]  # whatever a source gave; what float() cannot read is None
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN -> None


def _plausible(lat: float, lon: float) -> bool:
    # The states and territories (core/states.py): Guam and the Marianas sit at positive longitude
    # (~145 E), American Samoa south of the equator (~14 S, 170 W).
    return (13 <= lat <= 72 and (-180 <= lon <= -64 or 144 <= lon <= 146)) or (-15 <= lat <= -11 and -172 <= lon <= -168)


def fix_coordinates(lat: float | None, lon: float | None) -> tuple[float | None, float | None, str]:
    """Range-check a US position. Returns (lat, lon, note): 0,0 and out-of-range become None;
    a latitude/longitude swap is repaired when only the swapped reading is plausible."""
    if lat is None or lon is None:
        return None, None, ""
    if lat == 0 and lon == 0:
        return None, None, "0,0 coordinates dropped"
    if _plausible(lat, lon):
        return lat, lon, ""
    if _plausible(lon, lat):
        return lon, lat, "latitude and longitude swapped, repaired"
    return None, None, "coordinates out of range dropped"
