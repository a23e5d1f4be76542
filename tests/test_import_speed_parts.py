"""The parts that make a large import fast must not change what it produces: the CSV read in a
worker process yields what reading in-process yields (errors included), JSON lists are encoded as
json.dumps would, side tables match the records, and the cycle collector comes back on."""

from __future__ import annotations

import gc
import json
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from helpline_tui.core.pipeline import _json_list, run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from importers import samhsa_csv
from importers.worker import Packer, Unpacker, read_in_worker
from tests.conftest import shared_file

BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
HEADER = "name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,intake2,website,latitude,longitude,type_facility,mh,sa,sp"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_worker_yields_exactly_what_reading_in_process_yields():
    path = shared_file(*BOSTON)
    in_worker = list(samhsa_csv.read(str(path)))
    in_process = list(samhsa_csv._read_csv(Path(path)))
    assert len(in_worker) == 662
    assert in_worker == in_process
    spanish = [r for r in in_worker if "es" in r.languages]
    assert spanish and all("SP" in r.source_codes and "SP" in r.raw["codes"] for r in spanish)


def test_worker_raises_the_readers_error_unchanged(tmp_path):
    path = write(tmp_path / "cut.csv", HEADER + "\nA Clinic,,1 Main St,,Boston,MA,02118,,Suffolk,617-555-0100,,,,,,,SU,1,1,1\n"
                 "B Clinic,,2 Main St,,Boston,MA,02118,,Suffolk,617-555-0101,,,,,42.3,-71.0,SU,1")
    with pytest.raises(SourceError) as in_process:
        list(samhsa_csv._read_csv(path))
    with pytest.raises(SourceError) as in_worker:
        list(samhsa_csv.read(str(path)))
    assert str(in_worker.value) == str(in_process.value)
    assert "truncated" in str(in_worker.value) and in_worker.value.row == 3


def test_worker_keeps_skipped_rows_in_order(tmp_path):
    path = write(tmp_path / "mixed.csv", HEADER + "\n,,1 Main St,,Boston,MA,02118,,,,,,,,,,SU,1,,\n"
                 "C Clinic,,3 Main St,,Boston,MA,02118,,,,,,,,north,-71.0,MH,1,,1\n"
                 "D Clinic,,4 Main St,,Boston,MA,02118,,,,,,,,42.3,-71.0,MH,1,,1\n")
    items = list(samhsa_csv.read(str(path)))
    assert [type(i).__name__ for i in items] == ["SkippedRow", "SkippedRow", "ServiceRecord"]
    assert (items[0].row, items[0].field, items[1].row, items[1].field) == (2, "name1", 3, "latitude")
    assert items[2].name == "D Clinic" and items[2].languages == ["es"]


def test_worker_is_stopped_when_the_consumer_stops_early(tmp_path):
    rows = "".join(f"Clinic {i},,{i} Main St,,Boston,MA,02118,,,,,,,,,,SU,1,,\n" for i in range(5000))
    path = write(tmp_path / "many.csv", HEADER + "\n" + rows)
    reader = samhsa_csv.read(str(path))
    assert next(reader).name == "Clinic 0"
    reader.close()
    assert multiprocessing.active_children() == []


def test_worker_carries_a_crash_as_an_error_not_a_hang():
    def broken():
        yield ServiceRecord(name="fine")
        raise ValueError("a bug in a reader")

    reader = read_in_worker(broken)
    with pytest.raises(RuntimeError, match="a bug in a reader"):
        list(reader)


def test_packing_round_trips_any_record():
    packer, unpacker = Packer(), Unpacker()
    records = [
        ServiceRecord(name="A", source_codes=["SA", "MH"], needs=["detox"], raw={"name1": "A", "codes": ["SA", "MH"]}),
        ServiceRecord(name="B", source_codes=[], languages=[""], service_area_list=["US", "NY"], raw={"codes": "SA MH"}),
        ServiceRecord(name="C", unmapped_codes=["X", 3], raw={"nested": {"codes": ["Z"]}}, hours={"mon": [["09:00", "17:00"]]}),
        SkippedRow(row=7, reason="the facility name (name1) is empty", field="name1"),
    ]
    packed = [packer.pack(r) for r in records]
    unpacker.strings += packer.take_new()
    assert [unpacker.unpack(p) for p in packed] == records


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
        phones |= {(d, rid) for n in digits.split() for d in (n, n[-7:])}
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
