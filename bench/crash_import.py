"""Crash safety: SIGKILL a real `helpline import` at many moments and check the directory each time.

    python bench/crash_import.py [--rows 20000] [--kills 40]

A directory is built from a small CSV, then a larger CSV (synthetic SAMHSA locator export, as in
bench_import.py) is imported into it by `python -m helpline_tui import` in a subprocess that is
killed with SIGKILL. Half the kill points are spread over an uninterrupted run (measured first),
from process start-up on, so they land in parsing and staging; half follow the moment the private
copy starts to grow (up to 45 % of a run after), so they land in writing the rows, the derived-table
rebuild and the fsync/swap, a window a timer alone rarely hits. After every kill the directory must
be byte-for-byte as before, or (a kill after the swap) the complete new directory; it must open and
answer a search. Temporary files the killed import left are removed by the next import, which must
succeed.

tests/test_crash_safety.py runs the same checks with fewer rows and kill points.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.crash_harness import (  # noqa: E402
    finish_cleanly, kill_during_staging, kill_once, kill_points, prepare)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fixture = prepare(Path(tmp), args.rows)
        print(f"base directory {fixture.before_total:,} services; importing {args.rows:,} rows takes "
              f"{fixture.run_seconds:.2f} s uninterrupted and gives {fixture.after_total:,}")
        results, failures = [], 0
        for point in kill_points(fixture.run_seconds, args.kills):
            when = f"{point.delay:5.2f} s after {'start' if point.after == 'start' else 'the copy grew'}"
            try:
                result = kill_once(fixture, point)
            except AssertionError as exc:
                failures += 1
                print(f"  kill {when}: FAILED: {exc}")
                continue
            results.append(result)
            what = "SIGKILL" if result.killed else "finished before"
            print(f"  {what:>15} {when:<28} · private copy {result.temp_bytes / 1e6:6.1f} MB · "
                  f"directory {result.outcome}")
        kill_during_staging(fixture.source, fixture.db)  # so the next import has a leftover to remove
        leftovers, remaining = finish_cleanly(fixture)
        killed = sum(r.killed for r in results)
        print(f"kill points tried: {len(results) + failures} ({killed} killed mid-import); "
              f"directory unchanged {sum(r.outcome == 'unchanged' for r in results)}, "
              f"replaced whole {sum(r.outcome == 'replaced' for r in results)}, failures {failures}")
        print(f"next import: {leftovers} leftover temporary file(s) before, {remaining} after; succeeded")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
