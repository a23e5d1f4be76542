"""Whole-process import speed: a synthetic 100k-row SAMHSA locator CSV through `helpline import`.

    python bench/bench_import.py [--rows 100000] [--keep DIR] [--seed 1]

Writes a CSV shaped like the real export (17 facility columns, then one lowercase flag column per
service code, "1" or empty; about a third of the sites listed twice, once SU and once MH) into a
temporary folder, then times `python -m helpline_tui import samhsa-csv FILE --db NEW.sqlite --json`
as a subprocess (wall clock, start-up included) and reports rows/s and the child's peak RSS; then
the same import again into the directory it made (an admin's refresh of an unchanged export,
which changes nothing), and the first import read in one process (HELPLINE_IMPORT_WORKERS=1), to
show what the worker processes gain. Target: >= 20,000 rows/s.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.synthetic_export import write_csv  # noqa: E402


def timed_import(source: Path, db: Path, env: dict[str, str]) -> tuple[float, float, float, dict] | None:
    """(wall s, CPU s of the import and its workers, peak RSS MB of the largest, --json summary)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "helpline_tui", "import", "samhsa-csv", str(source),
                           "--db", str(db), "--json"], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **env})
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
        return None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # CPU is less sensitive than wall time to a busy machine. ru_maxrss is the largest child's
    # peak so far (KiB on Linux), not a sum.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, json.loads(proc.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="write the CSV and directory here and keep them")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        source, db = folder / "FindTreament_Facility_listing_bench.csv", folder / "bench.sqlite"
        db.unlink(missing_ok=True)
        started = time.perf_counter()
        write_csv(source, args.rows, args.seed)
        print(f"wrote {args.rows:,} rows, {source.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
        first = timed_import(source, db, {})
        if first is None:
            return 1
        wall, cpu, peak_mb, summary = first
        rate = args.rows / wall
        print(f"import: {wall:.2f} s wall, {rate:,.0f} rows/s (target 20,000); CPU {cpu:.2f} s "
              f"({args.rows / cpu:,.0f} rows/CPU-s); peak RSS {peak_mb:.0f} MB (largest process)")
        print(f"  read {summary['read']:,} -> {summary['total_after']:,} sites "
              f"({summary['merged_duplicates']:,} SU/MH rows merged), skipped {summary['skipped_count']:,}, "
              f"in-process {summary['elapsed_s']:.2f} s")
        again = timed_import(source, db, {})
        if again:
            print(f"re-import of the unchanged export: {again[0]:.2f} s wall, {args.rows / again[0]:,.0f} rows/s; "
                  f"CPU {again[1]:.2f} s; {again[3]['unchanged']:,} unchanged, changed: {again[3]['changed']}")
        db.unlink()
        alone = timed_import(source, db, {"HELPLINE_IMPORT_WORKERS": "1"})
        if alone:
            print(f"read in one process (HELPLINE_IMPORT_WORKERS=1): {alone[0]:.2f} s wall, "
                  f"{args.rows / alone[0]:,.0f} rows/s; worker processes: {alone[0] / wall:.2f}x faster")
        print("PASS" if rate >= 20_000 else "BELOW TARGET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
