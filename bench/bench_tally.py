"""What the call tally costs: recording a call at F10, and `helpline report` over a year of calls.

    python bench/bench_tally.py [--calls 1000000] [--records 2000] [--keep PATH]

1. F10: what the interface thread does when a call ends (CallTally.finish + TallyWriter.record:
   the call queued for the writer's thread), p50/p95 over --records calls; and, apart, the writer's
   own one-transaction write of each call (what a crash can lose: the call being written), p50/p95.
   Target: F10 <= 5 ms p95.
2. `helpline report --json` (a real process) over a generated tally file of --calls calls (about
   1.8 needs and 0.7 referrals each, 60 counties, 400 services, a year of days); also with
   --since/--until (a quarter) and --html. Target: <= 2 s for 1,000,000 calls.
Figures only; nothing here asserts a time (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpline_tui.core import tally  # noqa: E402

NEEDS = ("housing", "methadone", "detox", "legal", "employment", "mental-health", "support-group", "education",
         "family-support", "social-services", "buprenorphine", "crisis")
STATES = ("FL", "NY", "CA", "TX", "MA", "PA")


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def bench_f10(records: int, folder: Path) -> None:
    writer = tally.TallyWriter(folder / "f10.sqlite")
    direct = tally.open_for_writing(folder / "direct.sqlite")
    rng = random.Random(7)
    ended, written = [], []
    referrals = [{"id": f"svc-{i}", "needs": [rng.choice(NEEDS)]} for i in range(3)]
    for i in range(records):
        call = tally.CallTally()
        for _ in range(3):  # three searches in the call
            call.read(tally.SearchReading(((rng.choice(NEEDS), ""),), "FL", "Miami-Dade County",
                                          (f"q{rng.random()}", None)))
        if i % 3 == 0:
            call.mark_nothing_suitable()
        started = time.perf_counter()
        row = call.finish(referrals[: i % 4], "en", dt.datetime.now(dt.timezone.utc), "America/New_York")
        writer.record(row)  # what F10 waits for
        ended.append((time.perf_counter() - started) * 1000)
        if i % 10 == 0:  # now and then, the writer's own time for one call, measured apart
            writer.flush()
            started = time.perf_counter()
            tally.write_call(direct, row)
            written.append((time.perf_counter() - started) * 1000)
    writer.close()
    direct.close()
    print(f"F10, recording a call (interface thread): p50 {statistics.median(ended):.3f} ms, "
          f"p95 {p95(ended):.3f} ms over {records:,} calls; target 5 ms p95: {p95(ended) / 5:.3f} of it")
    print(f"  the writer's thread, one call in one transaction: p50 {statistics.median(written):.2f} ms, "
          f"p95 {p95(written):.2f} ms ({len(written)} samples)")


def generate(path: Path, calls: int, seed: int = 19) -> float:
    """A tally file of `calls` calls, written in bulk (not through the writer: only its size matters here)."""
    started = time.perf_counter()
    rng = random.Random(seed)
    conn = tally.open_for_writing(path)
    counties = [(s, f"County {i} {s}") for s in STATES for i in range(10)]
    first = dt.date(2025, 12, 1)
    conn.execute("BEGIN")
    batch_calls, batch_needs, batch_refs = [], [], []
    for _ in range(calls):
        call_id = f"{rng.getrandbits(128):032x}"
        state, county = rng.choice(counties)
        if rng.random() < 0.1:
            county = None
        day = (first + dt.timedelta(days=rng.randrange(365))).isoformat()
        batch_calls.append((call_id, None, day, rng.randrange(24), "es" if rng.random() < 0.3 else "en", state, county))
        for need in rng.sample(NEEDS, 1 if rng.random() < 0.4 else 2 if rng.random() < 0.8 else 3):
            batch_needs.append((call_id, need, "", rng.choice(tally.OUTCOMES)))
        if rng.random() < 0.6:
            batch_refs.append((call_id, f"svc-{rng.randrange(400)}"))
        if len(batch_calls) >= 50_000:
            _flush(conn, batch_calls, batch_needs, batch_refs)
    _flush(conn, batch_calls, batch_needs, batch_refs)
    conn.execute("COMMIT")
    conn.close()
    took = time.perf_counter() - started
    # Written in bulk, its per-day counts are missing: opening it as the writer does builds them once.
    started = time.perf_counter()
    tally.open_for_writing(path).close()
    print(f"  per-day counts built from {calls:,} calls written without them: {time.perf_counter() - started:.1f} s")
    return took


def _flush(conn, calls, needs, refs) -> None:
    conn.executemany("INSERT INTO calls VALUES (?,?,?,?,?,?,?)", calls)
    conn.executemany("INSERT INTO call_needs VALUES (?,?,?,?)", needs)
    conn.executemany("INSERT INTO call_referrals VALUES (?,?)", refs)
    calls.clear(), needs.clear(), refs.clear()


def run_report(*args: str) -> float:
    env = dict(os.environ, HELPLINE_CONFIG="/nonexistent/config.toml")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "helpline_tui", "report", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"helpline report {' '.join(args)} failed: {done.stderr}")
    return elapsed


def bench_report(calls: int, folder: Path, keep: Path | None) -> None:
    path = keep or folder / "year.sqlite"
    if not path.exists():
        took = generate(path, calls)
        print(f"generated {calls:,} calls in {took:.1f} s ({path.stat().st_size / 1e6:.0f} MB)")
    whole = min(run_report("--from", str(path), "--json") for _ in range(3))
    quarter = min(run_report("--from", str(path), "--since", "2026-03-01", "--until", "2026-05-31", "--json")
                  for _ in range(3))
    page = min(run_report("--from", str(path), "--html", str(folder / "report.html")) for _ in range(2))
    second = folder / "seat-2.sqlite"
    generate(second, calls // 10, seed=20)
    merged = min(run_report("--from", str(path), str(second), "--json") for _ in range(2))
    copy = folder / "copied.sqlite"
    copy.write_bytes(path.read_bytes())
    same = run_report("--from", str(path), str(copy), "--json")
    print(f"merging seats (a whole process): {calls:,} + {calls // 10:,} calls {merged:.2f} s; "
          f"a file and its copy ({calls:,} calls shared, each counted once) {same:.2f} s")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import helpline_tui.cli"], cwd=ROOT, check=True)
    startup = time.perf_counter() - started
    print(f"helpline report over {calls:,} calls (best of 3, a whole process; {startup:.2f} s of it is starting "
          f"Python and importing): --json {whole:.2f} s, a quarter {quarter:.2f} s, --html {page:.2f} s; "
          f"target 2 s: {whole / 2:.2f} of it")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--keep", type=Path, help="generate the big tally file here (or reuse it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-tally-") as scratch:
        folder = Path(scratch)
        bench_f10(args.records, folder)
        bench_report(args.calls, folder, args.keep)


if __name__ == "__main__":
    main()
