"""Fuzzing Open Referral HSDS: 1.1, 2.0 and 3.0 tabular packages (folders and zips) and 3.0 JSON.
Tables use the versions' real file and column names; ids are drawn from a small pool so services,
locations, phones and schedules link up (or dangle, or repeat)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import check_import, workspace
from tests.fuzz.mutations import chance, GOOD, damage, hostile_text, json_value

pytestmark = pytest.mark.fuzz

IDS = st.one_of(st.sampled_from(["1", "2", "3", "1", "", "x-9"]), hostile_text)
TEXT = {
    "id": IDS, "service_id": IDS, "location_id": IDS, "organization_id": IDS, "service_at_location_id": IDS,
    "taxonomy_id": st.sampled_from(["RX-8450.8000", "BD-1800.2000", "YF-5000", "P", "", "LR-8000.0500-800"]),
    "taxonomy_term_id": IDS, "link_id": IDS, "contact_id": IDS, "phone_id": IDS,
    "name": st.sampled_from(GOOD["name"] + ["Detox", "Suboxone clinic", "Food pantry"]),
    "description": st.sampled_from(["Outpatient counseling.", "<b>Methadone</b> &amp;lt;i&amp;gt;", "", "Línea 24h"]),
    "status": st.sampled_from(["active", "inactive", "defunct", "temporarily closed", "Active", ""]),
    "url": st.sampled_from(GOOD["website"]), "email": st.sampled_from(GOOD["email"]),
    "latitude": st.sampled_from(GOOD["latitude"]), "longitude": st.sampled_from(GOOD["longitude"]),
    "number": st.sampled_from(GOOD["phone"]), "type": st.sampled_from(["voice", "fax", "hotline", "tty", ""]),
    "address_1": st.sampled_from(GOOD["street"]), "city": st.sampled_from(GOOD["city"]),
    "state_province": st.sampled_from(GOOD["state"]), "postal_code": st.sampled_from(GOOD["zip"]),
    "country": st.sampled_from(["US", "USA", "CA", "", "  "]),
    "address_type": st.sampled_from(["physical", "postal", "virtual", ""]),
    "weekday": st.sampled_from(["Monday", "monday", "1", "7", "Funday", ""]),
    "byday": st.sampled_from(["MO,TU,WE", "SA", "XX", "", "MO,,FR"]),
    "freq": st.sampled_from(["WEEKLY", "MONTHLY", ""]),
    "opens_at": st.sampled_from(["9:00am", "09:00", "25:00", "noon", "", "9"]),
    "closes_at": st.sampled_from(["5:00pm", "17:00", "00:00", "", "24:00"]),
    "original_text": st.sampled_from(["9:00am-5:00pm, Mon-Fri", "24 hours", ""]),
    "language": st.sampled_from(["English", "Spanish", "español", "ASL", "Klingon", ""]),
    "code": st.sampled_from(["en", "es", "sgn", "zz", "", "RX-8450"]),
    "eligibility": st.sampled_from(["child", "female", "transgender", "adult", "veterans"]),
    "payment": st.sampled_from(["Medicaid", "sliding scale", "cash", "free", ""]),
    "taxonomy": st.sampled_from(["AIRS", "Open Eligibility", ""]),
    "value": st.sampled_from(["", "yes"]), "link_type": st.sampled_from(["service", ""]),
    "link_entity": st.sampled_from(["service", "location", "organization", ""]),
    "extent": st.sampled_from(["Miami-Dade County", "Florida", "FL", ""]),
    "assured_date": st.sampled_from(GOOD["date"]), "last_modified": st.sampled_from(GOOD["date"]),
}
ID_COLUMNS = ("id", "service_id", "location_id", "organization_id", "service_at_location_id")

TABLES = {
    "1.1": {
        "services.csv": ["id", "organization_id", "name", "description", "url", "email", "status"],
        "organizations.csv": ["id", "name", "description", "url"],
        "locations.csv": ["id", "organization_id", "name", "description", "latitude", "longitude"],
        "services_at_location.csv": ["id", "service_id", "location_id", "description"],
        "phones.csv": ["id", "location_id", "service_id", "organization_id", "service_at_location_id", "number",
                       "type", "language"],
        "physical_addresses.csv": ["id", "location_id", "address_1", "city", "state_province", "postal_code",
                                   "country"],
        "regular_schedules.csv": ["id", "service_id", "location_id", "service_at_location_id", "weekday", "opens_at",
                                  "closes_at", "original_text"],
        "languages.csv": ["id", "service_id", "location_id", "language"],
        "services_taxonomy.csv": ["id", "service_id", "taxonomy_id"],
        "taxonomy.csv": ["id", "name"],
        "eligibility.csv": ["id", "service_id", "eligibility"],
        "payments_accepted.csv": ["id", "service_id", "payment"],
    },
    "2.0": {
        "services.csv": ["id", "organization_id", "name", "description", "url", "status"],
        "organizations.csv": ["id", "name"],
        "locations.csv": ["id", "organization_id", "name", "latitude", "longitude"],
        "services_at_location.csv": ["id", "service_id", "location_id"],
        "phones.csv": ["id", "service_id", "location_id", "number", "type"],
        "physical_addresses.csv": ["id", "location_id", "address_1", "city", "state_province", "postal_code"],
        "schedules.csv": ["id", "service_id", "location_id", "byday", "freq", "opens_at", "closes_at"],
        "taxonomy_terms.csv": ["id", "name", "taxonomy", "code"],
        "service_attributes.csv": ["id", "service_id", "taxonomy_term_id"],
        "languages.csv": ["id", "service_id", "language"],
        "service_areas.csv": ["id", "service_id", "extent", "description"],
    },
    "3.0": {
        "services.csv": ["id", "organization_id", "name", "description", "url", "email", "status", "assured_date",
                         "last_modified"],
        "organizations.csv": ["id", "name", "description"],
        "locations.csv": ["id", "organization_id", "name", "latitude", "longitude"],
        "service_at_location.csv": ["id", "service_id", "location_id", "description"],
        "addresses.csv": ["id", "location_id", "address_1", "city", "state_province", "postal_code", "country",
                          "address_type"],
        "phones.csv": ["id", "location_id", "service_id", "service_at_location_id", "number", "type"],
        "schedules.csv": ["id", "service_id", "location_id", "service_at_location_id", "byday", "freq", "opens_at",
                          "closes_at"],
        "languages.csv": ["id", "service_id", "location_id", "phone_id", "name", "code"],
        "taxonomy_terms.csv": ["id", "code", "name", "taxonomy"],
        "attributes.csv": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
        "service_areas.csv": ["id", "service_id", "name", "extent"],
    },
}


def column_value(column: str, hostile: bool):
    good = TEXT.get(column, st.sampled_from(GOOD["name"]))
    return st.one_of(good, good, hostile_text) if hostile else good


@st.composite
def table_bytes(draw, columns: list[str], required: bool, hostile_rows: bool) -> bytes:
    columns = list(columns)
    if hostile_rows and (not required or chance(draw, 10)):
        columns = [c for c in columns if not chance(draw, 7)]  # columns dropped
    if chance(draw, 10):
        columns = [c.upper() if draw(st.booleans()) else f" {c}" for c in columns]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for _ in range(draw(st.integers(0 if not required else 1, 5))):
        hostile = hostile_rows and chance(draw, 3)
        row = [draw(column_value(c.strip().lower(), hostile)) for c in columns]
        if chance(draw, 13):
            row = row[: draw(st.integers(0, len(row)))]
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


@st.composite
def tabular_package(draw, version: str) -> dict[str, bytes]:
    """file path inside the package -> bytes."""
    tables = TABLES[version]
    chosen = [n for n in tables if n == "services.csv" or not chance(draw, 4)]
    if chance(draw, 20):
        chosen.remove("services.csv")  # not a package at all
    prefix = draw(st.sampled_from(["", "", "data/"]))
    hostile_rows = chance(draw, 2)  # else every value is real-looking, so the mapping runs to the end
    files = {}
    for name in chosen:
        data = draw(table_bytes(tables[name], required=name == "services.csv", hostile_rows=hostile_rows))
        if chance(draw, 16):
            data = draw(damage(data))
        files[prefix + name] = data
    if draw(st.booleans()):
        descriptor = {"name": "fuzz", "version": draw(st.sampled_from([version, "", "9.9"])),
                      "resources": [{"name": n[:-4], "path": n} for n in chosen]}
        if chance(draw, 7):
            descriptor = draw(json_value)
        files["datapackage.json"] = json.dumps(descriptor).encode()
    return files


def write_package(folder, files: dict[str, bytes], as_zip: bool):
    if as_zip:
        source = folder / "hsds-package.zip"
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
        source.write_bytes(buffer.getvalue())
        return source
    source = folder / "hsds-package"
    for name, data in files.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    source.mkdir(exist_ok=True)
    return source


@fuzz_settings(800)
@given(files=tabular_package("1.1"), as_zip=st.booleans())
def test_hsds_1_1_packages(base_db, files, as_zip):
    with workspace(base_db) as (folder, db):
        check_import("hsds 1.1 (folder/zip)", "hsds", write_package(folder, files, as_zip), db)


@fuzz_settings(500)
@given(files=tabular_package("2.0"), as_zip=st.booleans())
def test_hsds_2_0_packages(base_db, files, as_zip):
    with workspace(base_db) as (folder, db):
        check_import("hsds 2.0 (folder/zip)", "hsds", write_package(folder, files, as_zip), db)


@fuzz_settings(800)
@given(files=tabular_package("3.0"), as_zip=st.booleans(), data=st.data())
def test_hsds_3_0_packages(base_db, files, as_zip, data):
    with workspace(base_db) as (folder, db):
        source = write_package(folder, files, as_zip)
        if as_zip and chance(data.draw, 10):
            source.write_bytes(data.draw(damage(source.read_bytes())))
        check_import("hsds 3.0 (folder/zip)", "hsds", source, db)


def maybe_hostile(good):
    return st.one_of(good, good, good, hostile_text, json_value)


@st.composite
def service_json(draw):
    """An HSDS 3.0 service object as /services/{id} returns it, with nested locations and phones."""
    def pick(column):
        return draw(maybe_hostile(TEXT.get(column, st.sampled_from(GOOD["name"]))))

    location = {"id": pick("id"), "name": pick("name"), "latitude": pick("latitude"),
                "longitude": pick("longitude"),
                "addresses": [{"address_1": pick("address_1"), "city": pick("city"),
                               "state_province": pick("state_province"), "postal_code": pick("postal_code"),
                               "country": pick("country"), "address_type": pick("address_type")}],
                "languages": [{"name": pick("language"), "code": pick("code")}]}
    service = {"id": pick("id"), "name": pick("name"), "description": pick("description"),
               "status": pick("status"), "url": pick("url"), "assured_date": pick("assured_date"),
               "organization": {"id": pick("id"), "name": pick("name")},
               "phones": [{"number": pick("number"), "type": pick("type")}],
               "schedules": [{"byday": pick("byday"), "freq": pick("freq"), "opens_at": pick("opens_at"),
                              "closes_at": pick("closes_at")}],
               "service_areas": [{"name": pick("extent"), "extent": pick("extent")}],
               "attributes": [{"taxonomy_term": {"code": pick("taxonomy_id"), "name": pick("name")}}],
               "service_at_locations": [{"id": pick("id"), "location": location}]}
    for key in draw(st.lists(st.sampled_from(sorted(service)), max_size=3, unique=True)):
        if draw(st.booleans()):
            del service[key]
        else:
            service[key] = draw(json_value)  # the wrong type where a list or object belongs
    return service


@st.composite
def hsds_json_document(draw) -> bytes:
    services = draw(st.lists(service_json(), min_size=1, max_size=3))
    shape = draw(st.sampled_from(["one", "page", "list", "ndjson", "odd"]))
    if shape == "ndjson":
        return "\n".join(json.dumps(s) for s in services).encode()
    doc = {"one": services[0], "page": {"total_items": len(services), "total_pages": 1, "page_number": 1,
                                         "contents": services},
           "list": services, "odd": draw(json_value)}[shape]
    return json.dumps(doc).encode("utf-8", "surrogatepass")


@fuzz_settings(1000)
@given(document=hsds_json_document(), data=st.data())
def test_hsds_3_0_json(base_db, document, data):
    with workspace(base_db) as (folder, db):
        source = folder / "services.json"
        source.write_bytes(data.draw(damage(document)))
        check_import("hsds 3.0 JSON", "hsds", source, db)
