"""Searches run without pause (live, fresh and CLI readers) while an import replaces the directory:
the harness of tests/test_readers_during_import.py and bench/readers_during_import.py."""

from __future__ import annotations

import json
import multiprocessing
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

QUERIES = ("", "recovery center", "counseling", "detox", "family health services")


def answer(conn, query: str) -> tuple[int, int]:
    """(the query's total, the directory's record count), on one connection: one file version."""
    from helpline_tui.core.search import search

    total = search(conn, query, limit=10).total
    count = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    return total, count


def expected_answers(db: Path) -> dict[str, tuple[int, int]]:
    from helpline_tui.core.directory import open_readonly

    conn = open_readonly(db)
    try:
        return {q: answer(conn, q) for q in QUERIES}
    finally:
        conn.close()


# ------------------------------------------------------------------------------------- readers

def reader_loop(mode: str, db: str, stop, results) -> None:
    """Search until `stop` is set; put (mode, [(started_at, query, total, count, seconds)], errors)."""
    from helpline_tui.core.directory import open_readonly
    from helpline_tui.core.live_directory import LiveDirectory

    answers, errors = [], []
    live = LiveDirectory(db) if mode == "live" else None
    n = 0
    while not stop.is_set():
        query = QUERIES[n % len(QUERIES)]
        n += 1
        started = time.time()
        t0 = time.perf_counter()
        try:
            if live is not None:
                if live.changed():
                    live.reopen()
                with live.lock:
                    total, count = answer(live.conn, query)
            else:
                conn = open_readonly(db)
                try:
                    total, count = answer(conn, query)
                finally:
                    conn.close()
        except Exception as exc:  # any error at all is what this bench counts
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        answers.append((started, query, total, count, time.perf_counter() - t0))
    results.put((mode, answers, errors))


def cli_reader_loop(db: Path, batch: Path, stop_at: list[float], out: list) -> None:
    """`helpline search --batch` again and again until stop_at[0]; appends (started, [(query, total)], error)."""
    while time.time() < stop_at[0]:
        started = time.time()
        done = subprocess.run([sys.executable, "-m", "helpline_tui", "search", "--batch", str(batch),
                               "--db", str(db), "--json"], capture_output=True, text=True, cwd=ROOT)
        seconds = time.time() - started
        if done.returncode != 0:
            out.append((started, seconds, [], done.stderr.strip()))
            continue
        lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
        out.append((started, seconds, [(item.get("query", ""), item.get("total")) for item in lines], ""))


# --------------------------------------------------------------------------------------- a run

@dataclass
class Report:
    queries: int = 0
    cli_batches: int = 0
    errors: list[str] = field(default_factory=list)
    mixed: list[str] = field(default_factory=list)  # answers matching neither the old nor the new directory
    old_answers: int = 0
    new_answers: int = 0
    median_ms: float = 0.0
    max_ms: float = 0.0
    max_ms_during_import: float = 0.0
    import_seconds: float = 0.0
    by_mode: dict[str, int] = field(default_factory=dict)


def run(db: Path, source: Path, *, live: int, fresh: int, cli: int, settle: float = 1.0) -> Report:
    """Import `source` into `db` (a subprocess) while the readers search; check every answer."""
    import threading

    old = expected_answers(db)
    batch = db.with_name("queries.jsonl")
    batch.write_text("".join(json.dumps({"query": q, "limit": 10}) + "\n" for q in QUERIES))
    ctx = multiprocessing.get_context("spawn")
    stop, results = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=reader_loop, args=(mode, str(db), stop, results))
             for mode in ["live"] * live + ["fresh"] * fresh]
    for p in procs:
        p.start()
    stop_at = [time.time() + 3600]
    cli_out: list = []
    cli_threads = [threading.Thread(target=cli_reader_loop, args=(db, batch, stop_at, cli_out)) for _ in range(cli)]
    for t in cli_threads:
        t.start()
    time.sleep(settle)  # readers warm, answering from the old directory
    import_started = time.time()
    done = subprocess.run([sys.executable, "-m", "helpline_tui", "import", "samhsa-csv", str(source),
                           "--db", str(db), "--source-name", "big", "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    import_ended = time.time()
    if done.returncode:
        stop.set()
        raise RuntimeError(f"the import failed: {done.stderr.strip()}")
    time.sleep(settle)  # and answering from the new one
    stop.set()
    stop_at[0] = 0
    collected = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
    for t in cli_threads:
        t.join(120)
    new = expected_answers(db)

    report = Report(import_seconds=import_ended - import_started)
    latencies, during = _check_reader_answers(report, collected, old, new, (import_started, import_ended))
    _check_cli_batches(report, cli_out, old, new)
    if latencies:
        report.median_ms = statistics.median(latencies) * 1000
        report.max_ms = max(latencies) * 1000
    report.max_ms_during_import = max(during, default=0.0) * 1000
    return report


def _check_reader_answers(report: Report, collected: list, old: dict, new: dict,
                          import_window: tuple[float, float]) -> tuple[list[float], list[float]]:
    """Each reader process's answers: the old directory's or the new one's, never a mix; their latencies,
    and those of the searches started while the import ran."""
    latencies, during = [], []
    for mode, answers, errors in collected:
        report.errors += errors
        report.by_mode[mode] = report.by_mode.get(mode, 0) + len(answers)
        for started, query, total, count, seconds in answers:
            report.queries += 1
            got = (total, count)
            if got == old[query]:
                report.old_answers += 1  # the old answer (or the same either way)
            elif got == new[query]:
                report.new_answers += 1
            else:
                report.mixed.append(f"{mode} '{query}': {got}, expected {old[query]} or {new[query]}")
            latencies.append(seconds)
            if import_window[0] <= started <= import_window[1]:
                during.append(seconds)
    return latencies, during


def _check_cli_batches(report: Report, cli_out: list, old: dict, new: dict) -> None:
    """Each `search --batch` run answers every line from one version of the directory."""
    for _started, _seconds, pairs, error in cli_out:
        report.cli_batches += 1
        if error:
            report.errors.append(f"cli: {error}")
            continue
        report.by_mode["cli"] = report.by_mode.get("cli", 0) + len(pairs)
        totals = [(q, t) for q, t in pairs]
        versions = {("old" if t == old[q][0] else "new" if t == new[q][0] else "neither") for q, t in totals
                    if old[q][0] != new[q][0] or t != old[q][0]}
        report.queries += len(pairs)
        if "neither" in versions or len(versions) > 1:
            report.mixed.append(f"cli batch: {totals} mixes versions or matches neither")

def prepare(folder: Path, rows: int, base_rows: int = 2000) -> tuple[Path, Path]:
    """The directory (a small import) and the big export to import into it."""
    from tests.support.synthetic_export import write_csv

    base_csv, big_csv = folder / "base.csv", folder / "big.csv"
    write_csv(base_csv, base_rows, seed=2)
    write_csv(big_csv, rows, seed=1)
    db = folder / "services.sqlite"
    done = subprocess.run([sys.executable, "-m", "helpline_tui", "import", "samhsa-csv", str(base_csv), "--db",
                           str(db)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"building the base directory failed: {done.stderr.strip()}")
    return db, big_csv
