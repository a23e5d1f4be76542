"""Sources built to eat the machine: a zip member inflating to hundreds of MB, JSON of
millions of empty objects, millions of rows, millions of skipped rows. Each is refused in one
sentence naming the file and the bound, or imported with its bad rows counted rather than kept.
The bounds are lowered here so that the files stay small; bench/hostile_memory.py runs the
full-size inputs against the default bounds and prints peak memory."""

from __future__ import annotations

import csv
import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

import importers
from helpline_tui.cli import main
from helpline_tui.core import limits
from tests.conftest import shared_file

SERVICES_HEADER = "id,name,organization_id,description\n"


def _import(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _refused(err: str, source: Path) -> bool:
    return err.startswith(f"helpline: {source}") and err.count("\n") == 1


@pytest.mark.parametrize("fmt, wrap", [
    ("meeting-guide", lambda items: items),
    ("samhsa-json", lambda items: b'{"page": 1, "totalPages": 1, "rows": ' + items + b"}"),
    ("hsds", lambda items: items),
], ids=["meeting-guide", "samhsa-json", "hsds-3.0-json"])
def test_json_of_many_empty_objects_is_refused_before_it_is_parsed(tmp_path: Path, capsys, monkeypatch, fmt, wrap):
    monkeypatch.setattr(limits, "MAX_JSON_VALUES", 1_000)
    source = tmp_path / "feed.json"
    source.write_bytes(wrap(b"[" + b",".join([b"{}"] * 2_000) + b"]"))
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, fmt, str(source), "--db", str(db))

    assert code == 1 and _refused(err, source), err
    assert "1,000 values" in err and "MAX_JSON_VALUES" in err
    assert not db.exists()


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _services(rows: int, described: bool = False) -> bytes:
    """services.csv; described: each row with a description of its own, so that the table
    compresses a few times, as real ones do, not hundreds."""
    lines = [SERVICES_HEADER] + [f"s{i},Service {i},o1,{hashlib.sha256(str(i).encode()).hexdigest() if described else ''}\n"
                                 for i in range(rows)]
    return "".join(lines).encode()


def test_zip_member_inflating_past_the_file_bound_is_refused(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1024 * 1024)
    package = _zip(tmp_path / "package.zip", {"data/services.csv": _services(20_000, described=True)})
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, "hsds", str(package), "--db", str(db))

    assert code == 1 and _refused(err, package), err
    assert "services.csv" in err and "1 MB limit" in err and "MAX_FILE_BYTES" in err
    assert not db.exists()


def test_zip_bomb_member_is_refused_by_its_ratio(tmp_path: Path, capsys):
    # 20 MB of one repeated row fits in a zip of about 40 KB: 500 times, a zip bomb's ratio.
    bomb = SERVICES_HEADER.encode() + b"s1,Same,o1,\n" * 1_700_000
    package = _zip(tmp_path / "package.zip", {"services.csv": bomb})
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, "hsds", str(package), "--db", str(db))

    assert code == 1 and _refused(err, package), err
    assert "services.csv" in err and "zip bomb" in err and "MAX_ZIP_RATIO" in err
    assert not db.exists()


def test_folder_table_past_the_file_bound_is_refused(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 64 * 1024)
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "services.csv").write_bytes(_services(3_000))
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, "hsds", str(folder), "--db", str(db))

    assert code == 1 and _refused(err, folder / "services.csv"), err
    assert "64 KB" in err or "65,536 bytes" in err
    assert "MAX_FILE_BYTES" in err and not db.exists()


def test_package_past_the_rows_bound_is_refused_naming_the_table(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_HSDS_ROWS", 500)
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "services.csv").write_bytes(_services(400))
    (folder / "phones.csv").write_text("id,service_id,number\n" + "".join(
        f"p{i},s{i},555-010-{i:04d}\n" for i in range(400)))
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, "hsds", str(folder), "--db", str(db))

    assert code == 1 and _refused(err, folder / "phones.csv"), err
    assert "500 rows" in err and "MAX_HSDS_ROWS" in err and not db.exists()


def test_millions_of_skipped_rows_are_counted_and_only_the_first_listed(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ROWS_LISTED", 5)
    feed = [{"name": "Grupo Esperanza", "day": 2, "time": "19:00", "slug": "good", "types": ["S"]}]
    feed += [{"name": "", "day": 1, "time": "19:00", "slug": f"bad-{i}"} for i in range(40)]
    source = tmp_path / "feed.json"
    source.write_text(json.dumps(feed))
    db = tmp_path / "services.sqlite"

    code, out, _ = _import(capsys, "meeting-guide", str(source), "--db", str(db), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["skipped_count"] == 40 and len(summary["skipped"]) == 5
    assert summary["skipped"][0] == {"row": 2, "field": "name", "reason": "the meeting has no name"}
    history = json.loads(sqlite3.connect(db).execute("SELECT summary_json FROM import_history").fetchone()[0])
    assert len(history["skipped"]) == 5

    code, out, _ = _import(capsys, "meeting-guide", str(source), "--db", str(db))
    assert code == 0
    assert "skipped 40" in out and "… and 30 more skipped rows (--json lists the first 5)" in out


def _package_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "package"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "services.csv").write_bytes(_services(3))
    return folder


def test_a_link_leading_out_of_the_package_folder_is_refused_unread(tmp_path: Path, capsys):
    folder = _package_folder(tmp_path)
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:SECRET-VALUE:/root:/bin/bash\n")
    (folder / "data" / "services.csv").unlink()
    (folder / "data" / "services.csv").symlink_to(secret)
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, "hsds", str(folder), "--db", str(db))

    assert code == 1 and _refused(err, folder / "data" / "services.csv"), err
    assert "symbolic link to a file outside the folder" in err and "SECRET" not in err
    assert not db.exists()


def test_folder_checksum_covers_only_the_files_the_import_reads(tmp_path: Path, capsys):
    folder = _package_folder(tmp_path)
    imports = iter(range(10))

    def checksum() -> str:
        db = tmp_path / f"services-{next(imports)}.sqlite"  # a first import records its checksum
        code, _, err = _import(capsys, "hsds", str(folder), "--db", str(db))
        assert code == 0, err
        return sqlite3.connect(db).execute("SELECT checksum FROM sources WHERE name = 'hsds'").fetchone()[0]

    first = checksum()
    # A large file beside the package (a backup, a log) is neither read nor hashed.
    (folder / "backup.tar").write_bytes(b"\0" * 200_000)
    (folder / "data" / "contacts.csv").write_text("id,name\nc1,Someone\n")
    assert checksum() == first
    (folder / "data" / "services.csv").write_bytes(_services(4))
    assert checksum() != first


def _as_unicode_text(source: Path, target: Path) -> Path:
    """The file as Excel's "Unicode text" saves it: UTF-16 LE with a byte-order mark, tab-separated."""
    with open(source, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    with open(target, "w", encoding="utf-16", newline="") as handle:
        csv.writer(handle, delimiter="\t", lineterminator="\r\n").writerows(rows)
    assert target.read_bytes()[:2] == b"\xff\xfe"
    return target


def test_a_locator_export_saved_as_unicode_text_imports_like_the_csv(tmp_path: Path, capsys):
    export = shared_file("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
    unicode_text = _as_unicode_text(export, tmp_path / "export.txt")

    assert importers.detect(str(unicode_text)) == "samhsa-csv"
    code, out, err = _import(capsys, "auto", str(unicode_text), "--db", str(tmp_path / "a.sqlite"), "--json")
    assert code == 0, err
    code, expected, err = _import(capsys, "samhsa-csv", str(export), "--db", str(tmp_path / "b.sqlite"), "--json")
    assert code == 0, err
    counts = ("read", "added", "skipped_count", "total_after")
    assert [json.loads(out)[k] for k in counts] == [json.loads(expected)[k] for k in counts]
    assert json.loads(out)["read"] == 662


def test_hsds_tables_saved_as_unicode_text_are_read(tmp_path: Path, capsys):
    folder = _package_folder(tmp_path)
    services = folder / "data" / "services.csv"
    services.write_text(SERVICES_HEADER + "s1,Clínica Esperanza,o1,Tratamiento\n", encoding="utf-8")
    _as_unicode_text(services, services)
    db = tmp_path / "services.sqlite"

    code, _, err = _import(capsys, "hsds", str(folder), "--db", str(db))

    assert code == 0, err
    assert sqlite3.connect(db).execute("SELECT name FROM services").fetchall() == [("Clínica Esperanza",)]
