"""Readers during an import: searches keep answering, old data or new, never a mix, never an error.

    python bench/readers_during_import.py [--rows 100000] [--readers 4] [--cli-readers 1]

A directory is built from a small synthetic SAMHSA export; then a big one (--rows) is imported into
it by the real command in a subprocess while reader processes search it without pause:
  * "live" readers hold the directory open the way the TUI does (helpline_tui.core.live_directory:
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
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.readers_harness import (  # noqa: E402
    prepare, run)


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
