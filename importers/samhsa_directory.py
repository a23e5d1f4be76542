"""samhsa-directory: SAMHSA's annual National Directory workbook (N-SUMHSS, SU or MH facilities).

Sheet "Facilities List": name1, name2, street1, street2, city, state, zip, phone, intake1, intake2,
intake1a, intake2a, service_code_info ("SA DT * OP OD * SP": codes, with ' * ' between categories).
Sheet "Service Code Reference" names every code; codes our table does not know keep that name in the
record. The directory has no coordinates: the pipeline places each facility at its ZIP centroid and
marks the position approximate. Streamed with openpyxl read-only (12,000 rows in about a second).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from importers import samhsa_codes
from importers.samhsa_common import FACILITY_FIELDS, facility_record, parse_code_info, require_columns, sniff_file
from importers.xlsx import first_row, open_workbook, sheet_rows

SOURCE = "samhsa-directory"
WHAT = "SAMHSA National Directory workbook"
FACILITIES_SHEET = "facilities list"
REFERENCE_SHEET = "service code reference"


def read(source: str) -> Iterator[ServiceRecord | SkippedRow]:
    path = Path(source)
    origin = str(path)
    if sniff_file(path, WHAT) != "xlsx":
        raise SourceError(origin, f"is not an Excel workbook, so it is not a {WHAT} "
                                  "(for a CSV export use: helpline import samhsa-csv)")
    workbook = open_workbook(path)
    try:
        names = _reference_names(workbook, origin)
        ws = _facilities_sheet(workbook, origin)
        rows = sheet_rows(ws, origin)
        _, header = next(rows, (0, []))
        header = [h.strip().lower() for h in header]
        require_columns(header, origin, WHAT)
        fields = [(name, i) for i, name in enumerate(header) if name in FACILITY_FIELDS]
        info = header.index("service_code_info") if "service_code_info" in header else None
        table = samhsa_codes.table()
        count = 0
        for number, cells in rows:
            count += 1
            if len(cells) < len(header):
                cells += [""] * (len(header) - len(cells))
            codes = parse_code_info(cells[info]) if info is not None else []
            unknown = {c: names[c] for c in codes if c in names and not table.known(c)}
            yield facility_record({name: cells[i] for name, i in fields}, codes, row=number, source=SOURCE,
                                  raw_extra={"code_names": unknown} if unknown else None)
        if not count:
            raise SourceError(origin, "has a header but no facility rows")
    finally:
        workbook.close()


def _facilities_sheet(workbook, origin: str):
    """The sheet named "Facilities List", else the first whose header has name1."""
    for ws in workbook.worksheets:
        if ws.title.strip().lower() == FACILITIES_SHEET:
            return ws
    for ws in workbook.worksheets:
        if "name1" in (c.strip().lower() for c in first_row(ws, origin)):
            return ws
    raise SourceError(origin, f"has no 'Facilities List' sheet and no sheet with a 'name1' column, so it is "
                              f"not a {WHAT}")


def _reference_names(workbook, origin: str) -> dict[str, str]:
    """service_code -> service_name from the "Service Code Reference" sheet, when there is one."""
    ws = next((w for w in workbook.worksheets if w.title.strip().lower() == REFERENCE_SHEET), None)
    if ws is None:
        return {}
    rows = sheet_rows(ws, origin)
    _, header = next(rows, (0, []))
    header = [h.strip().lower() for h in header]
    if "service_code" not in header or "service_name" not in header:
        return {}
    code_at, name_at = header.index("service_code"), header.index("service_name")
    names = {}
    for _, cells in rows:
        if len(cells) > max(code_at, name_at) and cells[code_at].strip():
            names[cells[code_at].strip().upper()] = " ".join(cells[name_at].split())
    return names
