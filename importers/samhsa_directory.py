"""samhsa-directory: SAMHSA's annual National Directory workbook (N-SUMHSS, SU or MH facilities).

Sheet "Facilities List": name1, name2, street1, street2, city, state, zip, phone, intake1, intake2,
intake1a, intake2a, service_code_info ("SA DT * OP OD * SP": codes, with ' * ' between categories).
Sheet "Service Code Reference" names every code; codes our table does not know keep that name in the
record. The directory has no coordinates: the pipeline places each facility at its ZIP centroid and
marks the position approximate. Streamed with openpyxl read-only (12,000 rows in about a second).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from importers import samhsa_codes
from importers.detect import Sample
from importers.samhsa_common import (FACILITY_FIELDS, facility_record, is_national_directory, parse_code_info,
                                     require_columns, sniff_file)
from importers.source_format import SourceFormat
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
    workbook = _opened_for_naming.pop(_file_key(path), None) or open_workbook(path)
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


# Type-of-care codes only one survey's workbook lists: the SA (N-SSATS, "SU" from 2024) directory has
# detox and halfway houses, the MH (N-MHSS) one mental-health treatment and mental-health facility types.
_SA_ONLY = frozenset({"DT", "HH"})
_MH_ONLY = frozenset({"MH", "CMHC", "OMH", "PSY", "MSMH"})
_KIND_IN_NAME = re.compile(r"(?:^|[^a-z])(sa|su|mh)(?:[^a-z]|$)")
_YEAR_IN_NAME = re.compile(r"(?:^|\D)((?:19|20)\d\d)(?:\D|$)")
ROWS_FOR_KIND = 200  # facility rows read when the workbook has no code reference sheet


def feed_name(source: str) -> str | None:
    """What this workbook is, for its default source name: "sa-2022", "mh-2022" (kind, then year).
    The kind comes from the content: the codes of its "Service Code Reference" sheet, else of its
    first facility rows, else the file name (SA/SU/MH); the year from the file name SAMHSA gives it
    (National_Directory_SA_Facilities_2022.xlsx, 2025_SU_Facilities_...), else the year the
    workbook was made. None when the file is not a readable workbook (the import then says why)."""
    path = Path(source)
    # Naming never fails an import: a workbook that cannot be read is refused by read(), in its words.
    try:
        if sniff_file(path, WHAT) != "xlsx":
            return None
        workbook = open_workbook(path)
    except Exception:
        return None
    kept = False
    try:
        codes = set(_reference_names(workbook, source))
        if not codes:
            ws = _facilities_sheet(workbook, source)
            rows = sheet_rows(ws, source)
            header = [h.strip().lower() for h in next(rows, (0, []))[1]]
            info = header.index("service_code_info") if "service_code_info" in header else None
            for _, (_, cells) in zip(range(ROWS_FOR_KIND), rows, strict=False):  # the first rows only
                if info is not None and info < len(cells):
                    codes.update(parse_code_info(cells[info]))
        created = getattr(workbook.properties.created, "year", None)
        # Opening loads every shared string (1 to 3 s for a national workbook): read() takes this one.
        while _opened_for_naming:
            _opened_for_naming.popitem()[1].close()
        _opened_for_naming[_file_key(path)] = workbook
        kept = True
    except Exception:
        return None
    finally:
        if not kept:
            workbook.close()
    sa, mh = len(codes & _SA_ONLY), len(codes & _MH_ONLY)
    kind = "sa" if sa > mh else "mh" if mh > sa else None
    name = path.name.lower()
    if kind is None and (found := _KIND_IN_NAME.search(name)):
        kind = "mh" if found.group(1) == "mh" else "sa"
    year = _YEAR_IN_NAME.search(name)
    year_text = year.group(1) if year else (str(created) if created else "")
    return "-".join(part for part in (kind, year_text) if part) or None


_opened_for_naming: dict[tuple, Any] = {}  # at most one workbook, opened by feed_name for read()


def _file_key(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (str(path),)
    return (str(path.resolve()), st.st_ino, st.st_size, st.st_mtime_ns)


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


def sniff(sample: Sample) -> bool:
    return is_national_directory(sample.sheets)


FORMAT = SourceFormat(SOURCE, read=read, sniff=sniff, feed_name=feed_name)
