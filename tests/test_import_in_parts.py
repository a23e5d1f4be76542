"""A large locator CSV is cut into parts that worker processes read and clean on several cores.
Whatever the cuts, the directory must be the one a single pass makes: same records, same row
numbers in messages, same refusals."""

from __future__ import annotations

import csv
import io
import json
import pickle
import random
import sqlite3
from pathlib import Path

import pytest

import importers
from importers import samhsa_csv
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import PartsMisaligned, SkippedRow, SourceError, SourceParts
from tests.conftest import run_cli, shared_file
from tests.test_samhsa_csv import BOSTON, FACILITY_HEADER, frow, sha

CODES = ["mm", "sp", "hh", "emp", "ah", "sa"]


def services(db: Path) -> list[tuple]:
    """Every stored field of every record but the import time, in display order."""
    conn = sqlite3.connect(db)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(services)") if r[1] != "imported_at"]
    rows = conn.execute(f"SELECT {', '.join(columns)} FROM services ORDER BY rid").fetchall()
    conn.close()
    return rows


def import_csv(db: Path, path: Path, *, part_bytes: int | None, workers: int = 2):
    parts = samhsa_csv.read_parts(str(path), part_bytes) if part_bytes else None
    items = parts if parts is not None else samhsa_csv.read(str(path))
    return run_import(db, items, source="samhsa-csv", format="samhsa-csv", origin=str(path), workers=workers)


def records_in_parts(parts: SourceParts) -> list:
    """The records the pipeline gets when it reads the parts one after another in this process."""
    out = []
    for index, part in enumerate(parts.parts):
        reading = part()
        while True:
            try:
                out.append(next(reading))
            except StopIteration as end:
                parts.check(index, end.value)
                break
    return out


def tricky_csv(path: Path, rows: int, seed: int, stray_quote: bool = False) -> Path:
    """Sites listed twice (SU and MH), values with line breaks and quotes, short rows, rows with a
    bad latitude, CRLF line ends; with `stray_quote`, a quote inside an unquoted value near the
    start, which the CSV reader keeps as a character but which throws the quote count off."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([" name1", *FACILITY_HEADER[1:], *CODES])
    for i in range(rows):
        name = rng.choice(["Hope House", 'The "New Day" Center', "Casa\nEsperanza", "Harbor, Inc."]) + f" {i // 2}"
        fields = frow(name1=name, street1=f"{i // 2} Main St", city="Boston", state="MA", zip="02118",
                      phone="617-555-0100", latitude="42.35", longitude="-71.06",
                      type_facility="SU" if i % 2 else "MH")
        if i % 97 == 5:
            fields[FACILITY_HEADER.index("latitude")] = "north"
        flags = ["1" if rng.random() < 0.4 else "" for _ in CODES]
        if i % 53 == 7:
            writer.writerow(fields[:6])  # a hand-trimmed row: padded, like any short row before the last
        else:
            writer.writerow([*fields, *flags])
    text = out.getvalue()
    if stray_quote:
        first_row = text.index("\r\n") + 2
        text = text[:first_row] + 'Stray "quote' + text[first_row:]
    path.write_bytes(text.encode("utf-8"))
    return path


@pytest.mark.parametrize("part_bytes", [300, 1000, 4096])
def test_records_read_in_parts_are_the_records_read_in_one_pass(tmp_path, part_bytes):
    path = tricky_csv(tmp_path / "tricky.csv", 400, seed=part_bytes)
    whole = list(samhsa_csv.read(str(path)))
    parts = samhsa_csv.read_parts(str(path), part_bytes)
    assert parts is not None and len(parts.parts) > 5
    assert records_in_parts(parts) == whole  # rows, fields, codes, row numbers, skipped rows
    names = [r.name for r in whole if not isinstance(r, SkippedRow)]
    assert any("\n" in n for n in names) and any('"' in n for n in names) and len(names) < len(whole)


def test_a_cut_inside_a_quoted_value_is_noticed_not_misread(tmp_path):
    # A stray quote before a value with a line break makes the quote count even inside that value.
    header = ",".join(["name1", "city", "state", "zip", "street1"])
    rows = [f'Stray "quote,Boston,MA,02118,{i} St' if i == 0 else f'"Line\nbreak {i}",Boston,MA,02118,{i} St'
            for i in range(60)]
    path = tmp_path / "stray.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    parts = samhsa_csv.read_parts(str(path), 40)
    assert parts is not None
    with pytest.raises(PartsMisaligned):
        records_in_parts(parts)
    db = tmp_path / "d.sqlite"
    summary = import_csv(db, path, part_bytes=40)  # falls back to one pass
    assert summary.read == 60 and summary.added == 60
    assert services(db) == services_of_one_pass(tmp_path, path)


def services_of_one_pass(tmp_path: Path, path: Path) -> list[tuple]:
    db = tmp_path / "one-pass.sqlite"
    db.unlink(missing_ok=True)
    import_csv(db, path, part_bytes=None)
    return services(db)


def test_boston_read_by_two_worker_processes_is_the_directory_one_pass_makes(tmp_path):
    path = shared_file(*BOSTON)
    one, parts = tmp_path / "one.sqlite", tmp_path / "parts.sqlite"
    first = import_csv(one, path, part_bytes=None)
    second = import_csv(parts, path, part_bytes=20_000, workers=2)
    assert len(samhsa_csv.read_parts(str(path), 20_000).parts) > 10
    assert services(parts) == services(one)
    same = ("read", "added", "merged_duplicates", "skipped", "placeholder_phones_dropped", "coordinates_dropped",
            "positions_from_zip", "total_after")
    assert {k: getattr(second, k) for k in same} == {k: getattr(first, k) for k in same}
    assert first.merged_duplicates > 0


@pytest.mark.parametrize("stray_quote", [False, True], ids=["cut at rows", "cut inside a value, then one pass"])
def test_tricky_file_read_by_worker_processes_is_the_directory_one_pass_makes(tmp_path, stray_quote):
    path = tricky_csv(tmp_path / "tricky.csv", 600, seed=7, stray_quote=stray_quote)
    db = tmp_path / "parts.sqlite"
    summary = import_csv(db, path, part_bytes=2000, workers=2)
    assert summary.skipped and all(s["field"] == "latitude" for s in summary.skipped)
    assert services(db) == services_of_one_pass(tmp_path, path)


def test_a_truncated_export_read_in_parts_is_refused_and_changes_nothing(tmp_path, sample_db):
    data = shared_file(*BOSTON).read_bytes()
    cut = tmp_path / "cut.csv"
    cut.write_bytes(data[: data.index(b"\n", len(data) - 5000) + 400])
    before = sha(sample_db)
    one_pass = run_cli("import", "samhsa-csv", str(cut), "--db", str(sample_db))
    in_parts = run_cli("import", "samhsa-csv", str(cut), "--db", str(sample_db),
                       env={**__import__("os").environ, "HELPLINE_IMPORT_PART_BYTES": "20000"})
    assert in_parts.returncode == one_pass.returncode == 1
    assert in_parts.stderr == one_pass.stderr and "truncated" in in_parts.stderr
    assert len(in_parts.stderr.strip().splitlines()) == 1 and "Traceback" not in in_parts.stderr
    assert sha(sample_db) == before


def test_cli_import_in_parts_finds_what_one_pass_finds(tmp_path):
    import os

    path = shared_file(*BOSTON)
    dbs = {}
    for name, env in (("one", {"HELPLINE_IMPORT_WORKERS": "1"}), ("parts", {"HELPLINE_IMPORT_PART_BYTES": "30000"})):
        dbs[name] = tmp_path / f"{name}.sqlite"
        p = run_cli("import", "samhsa-csv", str(path), "--db", str(dbs[name]), env={**os.environ, **env})
        assert p.returncode == 0, p.stderr
    found = {name: json.loads(run_cli("search", "metadona", "--state", "MA", "--lang", "es", "--db", str(db),
                                      "--json").stdout)["results"] for name, db in dbs.items()}
    assert found["one"] == found["parts"] and len(found["one"]) > 3


def test_small_files_and_excel_are_read_in_one_pass(tmp_path):
    assert samhsa_csv.read_parts(str(shared_file(*BOSTON)), 4 << 20) is None
    assert importers.read_in_parts("samhsa-csv", str(shared_file(*BOSTON))) is None


def test_an_error_raised_in_a_worker_reaches_the_user_whole():
    error = SourceError("/data/export.csv", "is not a well-formed CSV file (x)", row=812, field="name1")
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.row, again.field, again.origin) == (str(error), 812, "name1", "/data/export.csv")


def children_of(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def running(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads child processes from /proc (Linux)")
def test_an_import_killed_while_its_workers_read_leaves_no_process_and_nothing_changed(tmp_path, sample_db):
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    path = tricky_csv(tmp_path / "tricky.csv", 3000, seed=3)
    before = sha(sample_db)
    proc = subprocess.Popen([sys.executable, "-m", "helpline_tui", "import", "samhsa-csv", str(path), "--db",
                             str(sample_db)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "HELPLINE_IMPORT_PART_BYTES": "5000"})
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        workers = children_of(proc.pid)
        time.sleep(0.005)
    assert len(workers) >= 2, "the import ended before its worker processes could be seen"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while any(running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(w) for w in workers), "worker processes outlived the killed import"
    assert sha(sample_db) == before
    again = run_cli("import", "samhsa-csv", str(path), "--db", str(sample_db), "--source-name", "tricky")
    assert again.returncode == 0, again.stderr
    assert not list(sample_db.parent.glob(".services.sqlite.import-*"))
