"""The parts that make a large import fast must not change what it produces: JSON lists are encoded
as json.dumps would, side tables match the records, and the cycle collector comes back on."""

from __future__ import annotations

import gc
import json
import sqlite3
from pathlib import Path

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import SourceError
from helpline_tui.core.row_encoding import _json_list
from importers import samhsa_csv
from tests.conftest import shared_file

BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
HEADER = "name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,intake2,website,latitude,longitude,type_facility,mh,sa,sp"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("values", [[], ["a"], ["SA", "MH"], ['x"y'], ['"', '"'], ["a\\b"], ["é", "ñ"], ["\x01"],
                                    ["tab\t"], ["\u2028"], ["\x7f"], ["a", ""], [1, 2]])
def test_json_lists_are_encoded_as_json_dumps_would(values):
    assert _json_list(values) == json.dumps(values, ensure_ascii=False)


def test_side_tables_hold_exactly_what_the_records_say(tmp_path):
    db = tmp_path / "d.sqlite"
    path = shared_file(*BOSTON)
    run_import(db, samhsa_csv.read(str(path)), source="samhsa-csv", format="samhsa-csv", origin=str(path))
    conn = sqlite3.connect(db)
    facets, languages, phones = set(), set(), set()
    for rid, needs, pops, pay, langs, digits in conn.execute(
            "SELECT rid, needs, populations, payment, languages, phone_digits FROM services"):
        facets |= {(v, rid, f) for f, j in (("need", needs), ("population", pops), ("payment", pay)) for v in json.loads(j)}
        languages |= {(v, rid) for v in json.loads(langs)}
        # Each number, its last 7 digits; a number with an extension also by its first 10 ("617-442-8800").
        phones |= {(d, rid) for n in digits.split()
                   for d in ((n, n[:10], n[3:10]) if len(n) > 10 else (n, n[-7:]))}
    assert set(conn.execute("SELECT value, rid, facet FROM service_facets")) == facets
    assert set(conn.execute("SELECT lang, rid FROM service_languages")) == languages
    assert set(conn.execute("SELECT digits, rid FROM service_phones")) == phones
    assert len(facets) > 10_000 and len(languages) > 400


def test_collector_is_back_on_after_an_import_and_after_a_failed_one(tmp_path):
    assert gc.isenabled()
    path = shared_file(*BOSTON)
    run_import(tmp_path / "d.sqlite", samhsa_csv.read(str(path)), source="samhsa-csv", format="samhsa-csv",
               origin=str(path))
    assert gc.isenabled()
    empty = write(tmp_path / "empty.csv", HEADER + "\n")
    with pytest.raises(SourceError):
        run_import(tmp_path / "d.sqlite", samhsa_csv.read(str(empty)), source="samhsa-csv", format="samhsa-csv",
                   origin=str(empty))
    assert gc.isenabled()
