"""Search cost per keystroke of queries naming an area (a county, a borough, LA) or words that could be a
place or a name, on a demo directory (100k by default): the county read as its ZIP codes, and the
other reading worked out on every answer. Prints CPU and wall p50 / p95 per keystroke and the first
keystroke that reads the area (its ZIP codes' services looked up once, then kept). Figures only.

    python bench/bench_areas.py --sizes 100000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_directory, percentile  # noqa: E402
from helpline_tui.core.directory import open_readonly  # noqa: E402
from helpline_tui.core.search import Filters, search  # noqa: E402

QUERIES = [
    "detox los angeles county", "methadone la county", "detox LA", "metadona en LA", "housing cook county",
    "methadone westchester", "detox miami-dade", "aa espanol orange county", "vivienda condado de orange",
    "detox queens", "methadone harlem", "housing hope", "detox independence", "methadone orange",
    "phoenix house", "sober living eden", "detox bethel",
]



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        db = args.dir / f"demo-{size}.sqlite"
        conn = open_readonly(demo_directory(db, size))
        search(conn, "warm up", Filters())
        wall, cpu, places = [], [], {}
        for query in QUERIES:
            for i in range(1, len(query) + 1):
                t0, c0 = time.perf_counter(), time.process_time()
                page = search(conn, query[:i], Filters(), limit=20)
                wall.append((time.perf_counter() - t0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            places[query] = (page.place.label if page.place else None, page.total)
        print(f"\n{size:,} records, {len(QUERIES)} area and place-or-name queries, every keystroke (n={len(cpu)}):")
        print(f"  wall p50 {percentile(wall, .5):6.1f} ms  p95 {percentile(wall, .95):6.1f} ms  max {max(wall):6.1f} ms  | "
              f"CPU p50 {percentile(cpu, .5):5.1f}  p95 {percentile(cpu, .95):5.1f}  max {max(cpu):5.1f} ms")
        for query, (place, total) in places.items():
            print(f"  {query!r:30s} -> {place or '(no place)'}, {total:,} services")


if __name__ == "__main__":
    main()
