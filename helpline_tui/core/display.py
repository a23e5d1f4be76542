"""The one rule for text that reaches a terminal: the TUI's screens, notices and slips, the CLI's
table and messages. No Textual here, so the CLI and the TUI share it.

What an import brings is cleaned once (`cleaning.clean_text`), but the source record is kept as
imported, a file name or a source name is whatever it was given, and a directory may come from an
older version: so everything shown passes through `display_text` too. A terminal obeys control
characters (ESC starts sequences that set the window title, write the clipboard, move the cursor
and paint over what is on screen; a carriage return writes over its own line), so each is shown as
its escape ("\\x1b"), never sent. Line breaks, U+2028 and U+2029 included, are a newline where the
text may hold lines and a space where it is one line. Bidirectional overrides, which reorder what
is shown (a phone number read backwards), are shown as escapes too.
"""

from __future__ import annotations

import json
import re
from typing import Any

# Line breaks a terminal or a line-splitting reader (str.splitlines) honours.
_LINE_BREAKS = "\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]"
_CONTROLS = "[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069]"
_UNSAFE = re.compile(f"({_LINE_BREAKS})|\t|{_CONTROLS}")


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def display_text(value: object, *, multiline: bool = False) -> str:
    """`value` as text safe to show: no character a terminal would obey. Idempotent."""
    text = value if isinstance(value, str) else ("" if value is None else str(value))
    if _UNSAFE.search(text) is None:  # nearly every string: nothing to do
        return text
    line_break = "\n" if multiline else " "

    def shown(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return line_break
        char = match.group()
        return " " if char == "\t" else _escape(char)

    return _UNSAFE.sub(shown, text)


# json.dumps escapes C0 but leaves DEL, C1 (\x9b is an 8-bit CSI), U+2028/U+2029 and the
# bidirectional overrides as they are.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_line(data: Any) -> str:
    """`data` as one line of JSON with the characters a terminal or a line-splitting reader would
    act on written as \\u escapes: the same data for any JSON reader, safe to print."""
    text = json.dumps(data, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
