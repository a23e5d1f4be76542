"""Readers during an import: searches keep answering, old data or new, never a mix, never an error.

    python bench/readers_during_import.py [--rows 100000] [--readers 4] [--cli-readers 1]

A directory is built from a small synthetic SAMHSA export; then a big one (--rows) is imported into
it by the real command in a subprocess while reader processes search it without pause:
  * "live" readers hold the directory open the way the TUI does (helpline_tui.ui.live_directory:
    one connection, reopened when the file's identity changes);
  * "fresh" readers open a new connection for every query, as each `helpline search` does;
  * CLI readers run `helpline search --batch` over and over.
Every answer records the query's total and the directory's record count, read on the same
connection. Afterwards each answer must be the old directory's (total, count) or the new one's:
anything else would be a mix or a torn read. Reports queries served, errors, and latency (median and
maximum, overall and while the import was swapping the file in).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

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
    from helpline_tui.ui.live_directory import LiveDirectory

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
    latencies, during = [], []
    for mode, answers, errors in collected:
        report.errors += errors
        report.by_mode[mode] = report.by_mode.get(mode, 0) + len(answers)
        for started, query, total, count, seconds in answers:
            report.queries += 1
            got = (total, count)
            if got == old[query] and got == new[query]:
                report.old_answers += 1  # the same either way
            elif got == old[query]:
                report.old_answers += 1
            elif got == new[query]:
                report.new_answers += 1
            else:
                report.mixed.append(f"{mode} '{query}': {got}, expected {old[query]} or {new[query]}")
            latencies.append(seconds)
            if import_started <= started <= import_ended:
                during.append(seconds)
    for started, seconds, pairs, error in cli_out:
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
    if latencies:
        report.median_ms = statistics.median(latencies) * 1000
        report.max_ms = max(latencies) * 1000
    report.max_ms_during_import = max(during, default=0.0) * 1000
    return report


def prepare(folder: Path, rows: int, base_rows: int = 2000) -> tuple[Path, Path]:
    """The directory (a small import) and the big export to import into it."""
    from bench.bench_import import write_csv

    base_csv, big_csv = folder / "base.csv", folder / "big.csv"
    write_csv(base_csv, base_rows, seed=2)
    write_csv(big_csv, rows, seed=1)
    db = folder / "services.sqlite"
    done = subprocess.run([sys.executable, "-m", "helpline_tui", "import", "samhsa-csv", str(base_csv), "--db",
                           str(db)], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"building the base directory failed: {done.stderr.strip()}")
    return db, big_csv


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--readers", type=int, default=4, help="reader processes (half live, half fresh)")
    parser.add_argument("--cli-readers", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db, source = prepare(Path(tmp), args.rows)
        live = (args.readers + 1) // 2
        report = run(db, source, live=live, fresh=args.readers - live, cli=args.cli_readers)
    print(f"import of {args.rows:,} rows took {report.import_seconds:.1f} s with {args.readers} reader processes "
          f"and {args.cli_readers} CLI batch loop(s) searching")
    print(f"queries served: {report.queries:,} ({', '.join(f'{m} {n:,}' for m, n in report.by_mode.items())}; "
          f"{report.cli_batches} CLI batches); old-data answers {report.old_answers:,}, "
          f"new-data answers {report.new_answers:,}")
    print(f"errors: {len(report.errors)}; answers matching neither version (a mix): {len(report.mixed)}")
    for problem in (report.errors + report.mixed)[:10]:
        print(f"  {problem}")
    print(f"latency: median {report.median_ms:.1f} ms, max {report.max_ms:.0f} ms; "
          f"max while the import ran {report.max_ms_during_import:.0f} ms")
    return 1 if report.errors or report.mixed else 0


if __name__ == "__main__":
    sys.exit(main())
