"""Hostile data at import: absurd sizes, NUL bytes, bad encodings, BOMs and CRLF line ends.

The limits are those of helpline_tui/core/limits.py: a field over its limit is cut and the summary
names the row and field; a row wider than its header is skipped naming the row; nothing crashes.
The million-row case is bench/bench_import.py --rows 1000000 (time and peak RSS).
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from helpline_tui.core import limits
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from importers import hsds, meeting_guide
from tests.conftest import run_cli

HEADER = ("name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,intake2,"
          "website,latitude,longitude,type_facility").split(",")


def facility(name: str, city: str = "Boston") -> list[str]:
    return [name, "", "1 Main St", "", city, "MA", "02118", "", "Suffolk", "617-555-0100", "", "", "",
            "", "42.35", "-71.06", "SU"]


def write_csv(path: Path, rows: list[list[str]], *, header=HEADER, newline: str = "\n",
              encoding: str = "utf-8") -> Path:
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator=newline)
    out.writerow(header)
    out.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def records(db: Path) -> dict[str, dict]:
    conn = open_readonly(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM services")]
    return {rec["name"]: rec for rec in (get_record(conn, i) for i in ids)}


@pytest.fixture(scope="module")
def empty_directory(tmp_path_factory) -> Path:
    """A directory with the ZIP table filled once (filling it is what takes time)."""
    path = tmp_path_factory.mktemp("base") / "services.sqlite"
    run_import(path, [ServiceRecord(name="Existing", source="base", row=1, state="MA", zip="02118")],
               source="base", format="t", origin="t")
    return path


@pytest.fixture
def db(empty_directory, tmp_path) -> Path:
    path = tmp_path / "services.sqlite"
    shutil.copyfile(empty_directory, path)
    return path


def test_a_one_megabyte_name_is_cut_and_the_summary_names_file_row_and_field(tmp_path, db):
    source = write_csv(tmp_path / "export.csv", [facility("Good Clinic"), facility("X" * 1_000_000)])
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert str(source) in done.stdout.splitlines()[0]
    assert "row 3, field 'name': 1,000,000 characters long, cut to the 300-character limit" in done.stdout
    long = next(r for n, r in records(db).items() if n.startswith("XXX"))
    assert len(long["name"]) == limits.MAX_NAME_CHARS and long["name"].endswith("…")
    # The source record kept for the detail view is capped too, so the file stays small.
    assert len(long["raw"]["name1"]) == limits.MAX_RAW_VALUE_CHARS
    assert db.stat().st_size < 20 * 1024 * 1024
    summary = json.loads(run_cli("import", "samhsa-csv", str(source), "--db", str(db), "--json").stdout)
    assert summary["cut"] == [{"row": 3, "field": "name", "reason": limits.cut_message(1_000_000, 300)}]


def test_a_ten_megabyte_description_with_markup_is_cut_quickly(tmp_path, db):
    feed = [{"name": "Big Notes Group", "slug": "big", "day": 1, "time": "19:00", "city": "Boston",
             "state": "MA", "postal_code": "02118",
             "notes": ("<p>Bring a friend &amp; coffee.\x1b[31m</p>\x00" * 250_000)[:10_000_000]}]
    source = tmp_path / "meetings.json"
    source.write_text(json.dumps(feed), encoding="utf-8")
    summary = run_import(db, meeting_guide.read(str(source)), source="mg", format="meeting-guide",
                         origin=str(source))
    got = records(db)["Big Notes Group"]
    assert len(got["description"]) == limits.MAX_TEXT_CHARS and got["description"].endswith("…")
    assert "\x1b" not in got["description"] and "\x00" not in got["description"] and "<p>" not in got["description"]
    assert [(c["row"], c["field"]) for c in summary.cut] == [(1, "description")]
    assert "cut to the 4,000-character limit" in summary.cut[0]["reason"]
    assert len(json.dumps(got["raw"])) < 10 * limits.MAX_RAW_VALUE_CHARS


def test_a_row_with_a_hundred_thousand_columns_is_skipped_naming_the_row(tmp_path, db):
    source = write_csv(tmp_path / "export.csv", [facility("Good Clinic"), facility("Wide Row") + ["1"] * 100_000])
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "skipped row 3: has 100,017 cells but the header has 17" in done.stdout
    assert set(records(db)) == {"Existing", "Good Clinic"}


def test_a_hundred_thousand_columns_in_the_header_is_not_a_crash(tmp_path, db):
    header = HEADER + [f"x{i}" for i in range(100_000)]
    source = write_csv(tmp_path / "export.csv", [facility("Wide Header Clinic") + [""] * 100_000], header=header)
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Wide Header Clinic" in records(db)


def test_a_cell_over_the_csv_limit_is_an_error_naming_file_and_row(tmp_path, db):
    source = write_csv(tmp_path / "export.csv", [facility("Good Clinic"),
                                                 facility("Y" * (limits.MAX_CSV_CELL_CHARS + 10))])
    before = db.read_bytes()
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert str(source) in done.stderr and "row 3" in done.stderr and "field larger than" in done.stderr
    assert db.read_bytes() == before


def test_nul_bytes_are_removed_not_a_reason_to_refuse_the_file(tmp_path, db):
    source = write_csv(tmp_path / "export.csv", [facility("Good Clinic"), facility("Nul\x00Clinic", city="Bos\x00ton")])
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    got = records(db)["NulClinic"]
    assert got["city"] == "Boston"
    feed = tmp_path / "meetings.json"
    feed.write_text(json.dumps([{"name": "Nul\u0000Group", "slug": "n", "day": 2, "time": "10:00",
                                 "city": "Boston", "state": "MA"}]))
    run_import(db, meeting_guide.read(str(feed)), source="mg", format="meeting-guide", origin=str(feed))
    assert "NulGroup" in records(db)


def test_a_binary_file_is_still_refused_in_one_sentence(tmp_path, db):
    source = tmp_path / "export.csv"
    # An image, not UTF-16 text: UTF-16 with its byte-order mark is Excel's "Unicode text", and read.
    source.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    before = db.read_bytes()
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "binary data" in done.stderr
    assert db.read_bytes() == before


def test_invalid_utf8_in_a_csv_is_read_as_windows_1252_and_in_json_is_one_clear_error(tmp_path, db):
    source = write_csv(tmp_path / "export.csv", [facility("Cl\u00ednica Esperanza")], encoding="cp1252")
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert "Clínica Esperanza" in records(db)
    feed = tmp_path / "meetings.json"
    feed.write_bytes(b'[{"name": "Caf\xe9 Group", "day": 1, "time": "10:00"}]')
    before = db.read_bytes()
    done = run_cli("import", "meeting-guide", str(feed), "--db", str(db))
    assert done.returncode == 1 and done.stderr.count("\n") == 1
    assert str(feed) in done.stderr and "not UTF-8" in done.stderr
    assert db.read_bytes() == before


def test_bom_and_crlf_line_ends_are_invisible(tmp_path, db):
    source = tmp_path / "export.csv"
    write_csv(source, [facility("Crlf Clinic"), facility("Second Clinic")], newline="\r\n", encoding="utf-8-sig")
    assert source.read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in source.read_bytes()
    done = run_cli("import", "samhsa-csv", str(source), "--db", str(db))
    assert done.returncode == 0, done.stderr
    got = records(db)
    assert {"Crlf Clinic", "Second Clinic"} <= set(got)
    assert got["Second Clinic"]["raw"].get("type_facility") == "SU"  # the last column has no stray "\r"
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "services.csv").write_bytes("\ufeffid,name,description\r\ns1,Bom Service,Line one\r\n".encode())
    (package / "organizations.csv").write_bytes("\ufeffid,name\r\no1,Org\r\n".encode())
    names = [r.name for r in hsds.read(str(package)) if isinstance(r, ServiceRecord)]
    assert names == ["Bom Service"]
