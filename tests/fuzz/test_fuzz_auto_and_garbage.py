"""`auto` detection over every format's generated files, and raw garbage (random bytes, edge-case
JSON, empty and binary files) fed to every format: a clean refusal or an import, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import importers
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import check_import, workspace
from tests.fuzz.mutations import garbage_bytes
from tests.fuzz.test_fuzz_hsds import hsds_json_document, tabular_package, write_package
from tests.fuzz.test_fuzz_meetings_airs import airs_document, meeting_feed
from tests.fuzz.test_fuzz_samhsa import api_response, csv_bytes, locator_table, xlsx_bytes

pytestmark = pytest.mark.fuzz

FORMATS = [*importers.FORMATS, "auto"]

EDGE_JSON = [
    b'[{"name": "Big", "day": 1, "time": "19:00", "latitude": 1' + b"0" * 5000 + b"}]",
    b'{"rows": [{"name1": "Big", "zip": "02150", "latitude": 1' + b"0" * 5000 + b"}]}",
    b'[{"name": "Far", "day": 1, "time": "19:00", "latitude": 1e400, "longitude": -1e400}]',
    b'{"rows": [{"name1": "NaN", "zip": "02150", "latitude": NaN, "longitude": Infinity}]}',
    b'[{"name": "NaN", "day": NaN, "time": "19:00"}]',
    b'[{"name": "Deep", "day": 1, "time": "19:00", "types": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]",
    b'{"id": "1", "name": "Deep", "phones": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    b'[{"name": "Dup", "day": 1, "time": "19:00", "name": "Twice"}]',
    b'{"contents": [{"id": "1", "name": "Svc", "service_at_locations": [{"location": {"latitude": 1e400}}]}]}',
    b'\xef\xbb\xbf\xef\xbb\xbf[]',
    b'[{"name": "\\ud800", "day": 1, "time": "19:00"}]',
    b'{"rows": [{"name1": "\\u001b[31mRed", "zip": "02150"}], "totalPages": "1e999"}',
]


@st.composite
def any_format_file(draw):
    """(file name, bytes) or (folder name, {path: bytes}) as one of the formats writes it."""
    kind = draw(st.sampled_from(["samhsa-csv", "samhsa-xlsx", "samhsa-json", "hsds-folder", "hsds-zip",
                                 "hsds-json", "meeting-guide", "airs-xml"]))
    if kind == "samhsa-csv":
        return "listing.csv", csv_bytes(*draw(locator_table()))
    if kind == "samhsa-xlsx":
        return "listing.xlsx", xlsx_bytes({"Sheet1": draw(locator_table())})
    if kind == "samhsa-json":
        import json
        return "api.json", json.dumps(draw(api_response())).encode("utf-8", "surrogatepass")
    if kind in ("hsds-folder", "hsds-zip"):
        return kind, draw(tabular_package(draw(st.sampled_from(["1.1", "2.0", "3.0"]))))
    if kind == "hsds-json":
        return "services.json", draw(hsds_json_document())
    if kind == "meeting-guide":
        return "feed.json", draw(meeting_feed())
    return "export.xml", draw(airs_document())


@fuzz_settings(700)
@given(generated=any_format_file())
def test_auto_detection_of_every_format(base_db, generated):
    name, content = generated
    with workspace(base_db) as (folder, db):
        if isinstance(content, dict):
            source = write_package(folder, content, as_zip=name == "hsds-zip")
        else:
            source = folder / name
            source.write_bytes(content)
        check_import("auto", "auto", source, db)


@fuzz_settings(700)
@given(content=st.one_of(garbage_bytes, st.sampled_from(EDGE_JSON)), fmt=st.sampled_from(FORMATS),
       name=st.sampled_from(["data.csv", "data.json", "data.xml", "data.xlsx", "data", "datapackage.json",
                             "-weird name \u202e.csv"]))
def test_garbage_files_in_every_format(base_db, content, fmt, name):
    with workspace(base_db) as (folder, db):
        source = folder / name
        source.write_bytes(content)
        check_import(f"garbage ({fmt})" if fmt == "auto" else "garbage (named formats)", fmt, source, db)


@fuzz_settings(100)
@given(fmt=st.sampled_from(FORMATS), files=st.dictionaries(
    st.sampled_from(["services.csv", "data/services.csv", "a.csv", "datapackage.json", "x/y/z/w/services.csv"]),
    garbage_bytes, max_size=3))
def test_garbage_folders_in_every_format(base_db, fmt, files):
    with workspace(base_db) as (folder, db):
        source = write_package(folder, files, as_zip=False)
        check_import("garbage folders", fmt, source, db)
