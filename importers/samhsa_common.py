"""What the three SAMHSA shapes share: facility field names, one facility -> `ServiceRecord`, and
sniffing a file before trusting it as text.

All SAMHSA exports name facility fields alike (name1, name2, street1, ..., intake1, latitude), so one
function builds every record; the importers differ only in how they find the fields and the codes.
"""

from __future__ import annotations

from pathlib import Path

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from helpline_tui.core import concepts
from importers import samhsa_codes
from importers.csv_text import is_utf16
from importers.xlsx import OLE_MAGIC, ZIP_MAGIC

FACILITY_FIELDS = (
    "name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
    "intake_prompt", "intake1", "intake2", "intake1a", "intake2a", "hotline1", "website",
    "latitude", "longitude", "type_facility",
)
# Columns some exports carry that are neither facility fields nor service codes.
META_FIELDS = ("frid", "_irow", "miles", "typefacility", "services", "service_code_info")
_INTAKES = ("intake1", "intake2", "intake1a", "intake2a")


def facility_record(fields: dict[str, str], codes: list[str], *, row: int, source: str,
                    raw_extra: dict | None = None, extra_unmapped: list[str] | None = None
                    ) -> ServiceRecord | SkippedRow:
    """One facility. `fields`: facility field -> text ("" when absent); `codes`: upper-case SAMHSA
    service codes. A row without a name or with a position that is not a number is skipped."""
    name = fields.get("name1", "").strip()
    if not name:
        return SkippedRow(row=row, field="name1", reason="the facility name (name1) is empty")
    position: list[float | None] = []
    for key in ("latitude", "longitude"):
        text = fields.get(key, "").strip()
        if not text:
            position.append(None)
            continue
        try:
            value = float(text)
        except ValueError:
            return SkippedRow(row=row, field=key, reason=f"'{text[:40]}' is not a number")
        position.append(value if value == value else None)  # NaN -> missing
    table = samhsa_codes.table()
    ftype = fields.get("type_facility", "").strip().upper()
    type_code = samhsa_codes.FACILITY_TYPES.get(ftype)
    needs, pops, pay, langs, unmapped = table.map_codes([*codes, type_code] if type_code else codes)
    # SAMHSA's survey asks only for languages *other than* English (SP Spanish, AH sign language,
    # F-codes): every facility serves in English. Without it, the English filter kept 3 of 148
    # services near Boston.
    langs = sorted({"en", *langs})
    street = ", ".join(s for s in (fields.get("street1", "").strip(), fields.get("street2", "").strip()) if s)
    raw: dict[str, object] = {k: v for k, v in fields.items() if v}
    raw["codes"] = codes
    if raw_extra:
        raw.update(raw_extra)
    return ServiceRecord(
        name=name, kind="treatment", source=source, row=row,
        site_name=fields.get("name2", ""),
        phone=fields.get("phone", ""),
        # A second intake line only when there is no first: one intake number is what a handler
        # reads out; the rest stay in the record's raw fields for the detail view.
        intake_phone=next((fields[k] for k in _INTAKES if fields.get(k, "").strip()), ""),
        hotline_phone=fields.get("hotline1", ""),
        website=fields.get("website", ""),
        street=street, city=fields.get("city", ""), state=fields.get("state", ""),
        zip=fields.get("zip", ""), county=fields.get("county", ""),
        latitude=position[0], longitude=position[1],
        needs=needs, populations=pops, payment=pay, languages=langs,
        source_codes=[ftype, *codes] if ftype else list(codes),
        concepts=concepts.from_samhsa_codes(codes),
        unmapped_codes=unmapped + (extra_unmapped or []),
        raw=raw,
    )


def require_columns(header: list[str], origin: str, what: str) -> None:
    """name1 and enough address to place the facility (city and state, or zip)."""
    have = set(header)
    if "name1" not in have:
        raise SourceError(origin, f"has no 'name1' column, so it is not a {what} "
                                  f"(columns found: {', '.join(h for h in header[:6] if h) or 'none'})")
    if "zip" not in have and not {"city", "state"} <= have:
        missing = "city" if "city" not in have else "state"
        raise SourceError(origin, f"has no address columns: it needs 'zip', or 'city' and 'state' "
                                  f"('{missing}' is missing)")


def sniff_file(path: Path, what: str) -> str:
    """'xlsx' or 'text'; raises SourceError for files that are neither (empty, binary, a web page,
    the old .xls format)."""
    origin = str(path)
    if path.is_dir():
        raise SourceError(origin, f"is a folder, not a {what} file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise SourceError(origin, f"cannot be read ({exc.strerror or exc})") from None
    if not head.strip():
        raise SourceError(origin, "is empty")
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if is_utf16(head):
        return "text"  # Excel's "Unicode text" (importers.csv_text)
    if head.startswith(OLE_MAGIC):
        raise SourceError(origin, "is an old binary Excel (.xls) file; save it as .xlsx or CSV and import that")
    if head.count(b"\x00") > len(head) // 100:  # UTF-16 or a binary file; a stray NUL is cleaned away
        raise SourceError(origin, f"holds binary data, not a {what} (is it the right file?)")
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
        raise SourceError(origin, f"is a web page (HTML/XML), not a {what}; the download probably "
                                  "saved an error page — download the export again")
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13))
    if controls > len(head) // 100:
        raise SourceError(origin, f"holds binary data, not a {what} (is it the right file?)")
    return "text"


def parse_code_info(text: str) -> list[str]:
    """National Directory `service_code_info`: 'SA DT * OP OD * SP' -> ['SA', 'DT', 'OP', 'OD', 'SP'].
    The ' * ' group separators only mark category boundaries (empty categories are left out), so
    they carry nothing we need; the category comes from the code table."""
    if not text:
        return []
    seen: dict[str, None] = {}
    for token in text.replace("*", " ").upper().split():
        seen.setdefault(token, None)
    return list(seen)


def is_national_directory(sheets: list[tuple[str, list[str]]]) -> bool:
    """A workbook's (sheet title, header cells) that make it a National Directory: a "Facilities
    List" sheet, or facility rows with `service_code_info`. The locator's Excel export has name1
    too, but one column per code instead."""
    return any(title == "facilities list" or ("name1" in header and "service_code_info" in header)
               for title, header in sheets)
