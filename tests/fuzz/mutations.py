"""Hostile values and damaged files, for generators that start from a format's real shape.

`hostile_text` is what a careless or malicious export puts in a field: arbitrary Unicode, control
characters, ANSI/OSC escape sequences, Rich markup, HTML, huge or empty strings, numbers out of
range. `damage` then breaks the file as downloads and editors do: cut short, re-encoded, bytes
flipped.
"""

from __future__ import annotations

from hypothesis import strategies as st

ESCAPES = [
    "\x1b[31mRED\x1b[0m", "\x1b]0;owned\x07", "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m", "\x1b[2J\x1b[H", "\x1bP+q\x1b\\", "\x07\x08\x7f", "\r\n", "\u202eevil", "\u200b", "\ufeff",
    "\x00", "\uffff",
]
MARKUP = ["[bold]x[/bold]", "[/]", "[link=http://x]y[/link]", "[@click=app.quit]q[/]", "<b>bold</b>",
          "<script>alert(1)</script>", "&amp;lt;b&amp;gt;", "&#27;[31m", "&#x1b;", "{name}", "%s%n", "${x}"]
NUMBERS = ["", "0", "-1", "-0", "1e309", "-1e309", "NaN", "nan", "inf", "-Infinity", "1" * 400,
           "99999999999999999999", "0x1F", "1,5", " 42.3 ", "4.2e1", "-91", "181", "1_000", "٣"]
FIELD_NAMES = ["name", "id", "row", "", " ", "NAME1", "name1 ", "__proto__", "ñame", "\x1b[0m"]

# Characters that stress text handling, mixed into arbitrary text.
_ALPHABET = st.one_of(
    st.characters(codec="utf-8"),
    st.sampled_from(list("\x00\x01\x07\x08\t\n\r\x0b\x0c\x1b\x7f\x85\x9b\u2028\u2029\u200d\u202e\ufeff\"',;<>&[]\\")),
)
plain_text = st.text(_ALPHABET, max_size=40)


def _huge(char: str) -> str:
    return char * 70_000


_mixed = st.tuples(plain_text, st.sampled_from(ESCAPES + MARKUP), plain_text).map("".join)
_known = st.sampled_from(ESCAPES + MARKUP + NUMBERS)
hostile_text = st.one_of(  # listed more than once = drawn more often; huge strings are slow, so rare
    plain_text, plain_text, plain_text, _known, _known, _known, _mixed, _mixed, _mixed,
    st.sampled_from(["x", "\x1b", "é", "[b]"]).map(_huge),
)

# JSON values of every type, for fields that should be strings (and the other way round).
json_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**20),
                        st.floats(allow_nan=False, allow_infinity=False), hostile_text)
json_value = st.recursive(json_scalar, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                              st.dictionaries(st.text(max_size=6), inner,
                                                                              max_size=3)), max_leaves=6)


@st.composite
def damage(draw, data: bytes) -> bytes:
    """The file as it might arrive: intact most of the time, else cut, re-encoded or corrupted."""
    how = draw(st.sampled_from(["intact"] * 7 + ["truncate", "latin1", "utf16", "flip", "insert_nul",
                                "bom", "crlf"]))
    if how == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if how == "latin1":
        return data.decode("utf-8", "replace").encode("latin-1", "replace")
    if how == "utf16":
        return data.decode("utf-8", "replace").encode("utf-16")
    if how == "flip" and data:
        at = draw(st.integers(0, len(data) - 1))
        return data[:at] + bytes([data[at] ^ draw(st.integers(1, 255))]) + data[at + 1:]
    if how == "insert_nul" and data:
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\x00" + data[at:]
    if how == "bom":
        return b"\xef\xbb\xbf" + data
    if how == "crlf":
        return data.replace(b"\n", b"\r\n")
    return data


garbage_bytes = st.one_of(
    st.binary(max_size=2000),
    st.sampled_from([b"", b"   ", b"\xef\xbb\xbf", b"PK\x03\x04", b"PK\x03\x04" + b"\x00" * 100, b"\xd0\xcf\x11\xe0",
                     b"<html><body>502 Bad Gateway</body></html>", b"<?xml version='1.0'?><x/>", b"[]", b"{}",
                     b"null", b"\"error\"", b"[1,2,3]", b"[[[[[[[[[[", b"{" * 5000, b"[" * 100_000,
                     b"1" * 5000, b"name1\n", b"name1,zip\n", b"\x1b[31m"]),
)


# Real-looking values by field, so most rows get far enough to exercise the later checks.
GOOD = {
    "name": ["Hope House", "Clínica San Juan", "North Suffolk Community Services", "AA Grupo Esperanza"],
    "street": ["301 Broadway", "45 Calle Luna", "1200 Main Street, Suite 4", ""],
    "city": ["Chelsea", "Boston", "San Juan", "Yonkers", ""],
    "state": ["MA", "NY", "PR", "Massachusetts", "ma", "BC", ""],
    "zip": ["02150", "10701-1234", "00901", "2150", "V2Y 0A2", ""],
    "phone": ["866-781-6727", "(617) 555-0101", "617.555.0101 x12", "000-000-0000", "911", ""],
    "website": ["http://www.northsuffolk.org", "www.example.org", "javascript:alert(1)", "mailto:x@y.z", ""],
    "latitude": ["42.3910401", "-71.03", "0", "", "91", "abc"],
    "longitude": ["-71.0366372", "42.39", "0", "", "-181"],
    "email": ["info@example.org", "not an email", ""],
    "date": ["2020-10-27 16:17:24", "8/25/2022 11:17:07 AM", "2023-02-30", "yesterday", ""],
}


def value_for(kind: str):
    """Mostly a real-looking value of this kind, sometimes something hostile."""
    return st.one_of(st.sampled_from(GOOD[kind]), st.sampled_from(GOOD[kind]), hostile_text)


def chance(draw, one_in: int) -> bool:
    """True about once in `one_in` draws. The special value sits mid-range because hypothesis
    favours 0 and the bounds, which would make a rare mutation the common case."""
    return draw(st.integers(0, one_in - 1)) == one_in // 2
