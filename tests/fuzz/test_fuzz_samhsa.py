"""Fuzzing the three SAMHSA formats: locator CSV and Excel export, saved API JSON, National
Directory workbook. Each generator starts from the real header or field names and mutates values,
columns and bytes."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import check_import, workspace
from tests.fuzz.mutations import chance, GOOD, damage, hostile_text, json_value, value_for

pytestmark = pytest.mark.fuzz

FACILITY_COLUMNS = ["name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "phone",
                    "intake_prompt", "intake1", "intake2", "website", "latitude", "longitude", "type_facility"]
CODE_COLUMNS = ["mh", "sa", "dt", "mm", "op", "res", "sp", "hh", "meth", "bu", "nxn", "vet", "fem", "male", "mc",
                "md", "sf", "pi", "ad", "yad", "snr", "zz9"]
KIND_OF = {"name1": "name", "name2": "name", "street1": "street", "street2": "street", "city": "city",
           "state": "state", "zip": "zip", "zip4": "zip", "county": "city", "phone": "phone", "intake1": "phone",
           "intake2": "phone", "intake1a": "phone", "intake2a": "phone", "hotline1": "phone", "website": "website",
           "latitude": "latitude", "longitude": "longitude"}
FLAGS = st.sampled_from(["1", "", "", "", "0", "yes", "1.0", "x", " 1 "])


def cell(column: str):
    if column in KIND_OF:
        return value_for(KIND_OF[column])
    if column == "type_facility":
        return st.one_of(st.sampled_from(["SU", "MH", "SA", "OTP", "BUPREN", "HRSA", "", "su "]), hostile_text)
    if column == "service_code_info":
        return st.one_of(st.sampled_from(["SA DT * OP OD * SP", "MH * OP", "", "* * *", "ZZZZ"]), hostile_text)
    return st.one_of(FLAGS, FLAGS, hostile_text)


@st.composite
def locator_table(draw, columns=FACILITY_COLUMNS, codes=CODE_COLUMNS):
    """(header, rows): the real columns (mostly all, else some dropped, duplicated or re-spaced)
    and 0-6 rows, each either real-looking or hostile in some cells."""
    if not chance(draw, 4):
        dropped = draw(st.lists(st.sampled_from(columns[1:]), max_size=3))
        header = [c for c in columns if c not in dropped]
    else:
        header = draw(st.lists(st.sampled_from(columns), max_size=len(columns), unique=True))
    header += draw(st.lists(st.sampled_from(codes), max_size=8, unique=True))
    if chance(draw, 10):
        header.append(draw(st.sampled_from(header or ["name1"])))  # a duplicated column
    if chance(draw, 10):
        header.append(draw(hostile_text))
    header = [f" {h} " if chance(draw, 6) else h for h in header]
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        hostile = chance(draw, 3)
        row = [draw(cell(h.strip()) if hostile else good_cell(h.strip())) for h in header]
        if chance(draw, 6):
            extra = draw(st.integers(-3, 2))
            row = row[:extra] if extra < 0 else row + [draw(hostile_text) for _ in range(extra)]
        rows.append(row)
    if rows and chance(draw, 8):
        rows.append(list(rows[0]))  # the same site twice (SU and MH)
    return header, rows


def good_cell(column: str):
    if column in KIND_OF:
        return st.sampled_from(GOOD[KIND_OF[column]])
    if column == "type_facility":
        return st.sampled_from(["SU", "MH", "OTP", ""])
    if column == "service_code_info":
        return st.sampled_from(["SA DT * OP OD * SP", "MH * OP", ""])
    return FLAGS


def csv_bytes(header, rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def xlsx_bytes(sheets: dict[str, tuple[list, list]]) -> bytes:
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def storable(value):
        # openpyxl refuses characters XML cannot hold; Excel cannot store them either.
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value).replace("\ufffe", "").replace("\uffff", "")[:32767]
            try:
                return float(value) if value.strip() and value.strip()[0] in "-0123456789" and len(value) < 20 \
                    and value.replace(".", "", 1).lstrip("-").isdigit() else value
            except ValueError:
                return value
        return value

    workbook = openpyxl.Workbook(write_only=True)
    for title, (header, rows) in sheets.items():
        ws = workbook.create_sheet(title)
        ws.append([storable(h) for h in header])
        for row in rows:
            ws.append([storable(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@fuzz_settings(1500)
@given(table=locator_table(), data=st.data())
def test_samhsa_csv_export(base_db, table, data):
    raw = data.draw(damage(csv_bytes(*table)))
    with workspace(base_db) as (folder, db):
        source = folder / "FindTreament_Facility_listing.csv"
        source.write_bytes(raw)
        check_import("samhsa-csv (CSV)", "samhsa-csv", source, db)


@fuzz_settings(500)
@given(table=locator_table(), sheet=st.sampled_from(["Sheet1", "Facilities", "Export"]), data=st.data())
def test_samhsa_csv_excel_export(base_db, table, sheet, data):
    raw = xlsx_bytes({sheet: table})
    if chance(data.draw, 6):
        raw = data.draw(damage(raw))
    with workspace(base_db) as (folder, db):
        source = folder / "FindTreament_Facility_listing.xlsx"
        source.write_bytes(raw)
        check_import("samhsa-csv (XLSX)", "samhsa-csv", source, db)


DIRECTORY_COLUMNS = ["name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "intake1",
                     "intake2", "intake1a", "intake2a", "service_code_info"]


@st.composite
def code_reference(draw):
    rows = draw(st.lists(st.tuples(st.sampled_from(["SA", "DT", "ZZ", "op", "", "SP"]), hostile_text).map(list),
                         max_size=4))
    return ["category_code", "service_code", "service_name"][draw(st.integers(0, 1)):], \
        [["TC", *r] for r in rows]


@fuzz_settings(500)
@given(table=locator_table(columns=DIRECTORY_COLUMNS, codes=["service_code_info"]),
       title=st.sampled_from(["Facilities List", " facilities list", "Sheet1"]),
       reference=st.one_of(st.none(), code_reference()), data=st.data())
def test_samhsa_national_directory(base_db, table, title, reference, data):
    sheets = {title: table}
    if reference:
        sheets["Service Code Reference"] = reference
    raw = xlsx_bytes(sheets)
    if chance(data.draw, 6):
        raw = data.draw(damage(raw))
    with workspace(base_db) as (folder, db):
        source = folder / "National_Directory_SA_Facilities.xlsx"
        source.write_bytes(raw)
        check_import("samhsa-directory", "samhsa-directory", source, db)


JSON_FIELDS = FACILITY_COLUMNS + ["hotline1", "intake1a", "intake2a", "typeFacility", "frid", "_irow", "miles"]


@st.composite
def api_row(draw):
    row = {}
    for key in draw(st.lists(st.sampled_from(JSON_FIELDS), max_size=len(JSON_FIELDS), unique=True)) + ["name1"]:
        if chance(draw, 7):
            row[key] = draw(json_value)  # a number, null, list or object where text belongs
        elif key in KIND_OF:
            row[key] = draw(value_for(KIND_OF[key]))
        else:
            row[key] = draw(hostile_text)
    services = st.fixed_dictionaries({
        "f1": hostile_text,
        "f2": st.sampled_from(["TC", "SET", "PAY", "OT", "LANG", "", "XX"]),
        "f3": st.one_of(st.sampled_from(["Substance use treatment", "Residential; Short-term residential",
                                         "Medicaid; Cash or self-payment", "Spanish", ";;", ""]), hostile_text),
    })
    row["services"] = draw(st.one_of(st.lists(services, max_size=4), st.none(), json_value))
    return row


@st.composite
def api_response(draw):
    rows = draw(st.lists(st.one_of(api_row(), api_row(), json_value), max_size=5))
    shape = draw(st.sampled_from(["page", "page", "pages", "bare-list", "error", "message", "odd"]))
    if shape == "page":
        return {"page": 1, "totalPages": draw(json_value), "recordCount": len(rows), "rows": rows}
    if shape == "pages":
        return [{"page": i + 1, "rows": rows[i::2]} for i in range(2)]
    if shape == "bare-list":
        return rows
    if shape == "error":
        return {"error": draw(hostile_text), "rows": draw(st.sampled_from([None, "x", 3]))}
    if shape == "message":
        return draw(hostile_text)
    return draw(json_value)


@fuzz_settings(1500)
@given(doc=api_response(), data=st.data())
def test_samhsa_api_json(base_db, doc, data):
    raw = data.draw(damage(json.dumps(doc, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass")))
    with workspace(base_db) as (folder, db):
        source = folder / "findtreatment_api.json"
        source.write_bytes(raw)
        check_import("samhsa-json", "samhsa-json", source, db)
