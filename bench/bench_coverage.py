"""`helpline coverage` for the whole country (every need, every county) on demo directories of
100k services (and any other sizes asked), as the admin runs it: the real command in its own
process, wall clock and CPU time, and peak memory. Then the same in this process, part by part, and
a few random counties checked against a plain haversine over every service. Figures only: nothing
here asserts a time.

    python bench/bench_coverage.py --sizes 100000
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_directory  # noqa: E402
from helpline_tui.core import coverage  # noqa: E402
from helpline_tui.core.directory import open_readonly  # noqa: E402


def run_command(db: Path, args: list[str]) -> tuple[float, float, float, int]:
    """Wall s, CPU s and peak RSS MB of one `helpline coverage` process, and its output's size."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "helpline_tui", "coverage", "--db", str(db), *args],
                       capture_output=True, cwd=ROOT, check=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, after.ru_maxrss / 1024, len(p.stdout)


def miles(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * math.asin(min(1.0, math.sqrt(a)))


def spot_check(conn, found: coverage.Coverage, rng: random.Random, counties: int) -> tuple[int, int]:
    """Random (need, county) rows recomputed by brute force: (checked, equal)."""
    rows = rng.sample([r for r in found.rows if r.kind == "need"], counties)
    equal = 0
    for row in rows:
        zips = conn.execute("SELECT latitude, longitude FROM zip_centroids WHERE state = ? AND county = ?",
                            (row.state, row.county)).fetchall()
        services = conn.execute(
            "SELECT s.latitude, s.longitude FROM services s JOIN service_facets f ON f.rid = s.rid "
            "AND f.facet = 'need' AND f.value = ? WHERE s.status = 'active' AND s.latitude IS NOT NULL",
            (row.need,)).fetchall()
        r = found.radius_miles
        covered = sum(any(miles(a, b, c, d) <= r for c, d in services) for a, b in zips)
        nearby = sum(any(miles(a, b, c, d) <= r for a, b in zips) for c, d in services)
        equal += (len(zips), covered, nearby) == (row.zips_total, row.zips_covered, row.services_nearby)
    return len(rows), equal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--radius", type=float, default=25.0)
    parser.add_argument("--check", type=int, default=20, help="random counties checked by brute force")
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        db = args.dir / f"demo-{size}.sqlite"
        demo_directory(db, size)
        print(f"\n{size:,} services, whole country, every need, radius {args.radius:g} mi:")
        for label, extra in (("text", []), ("--json", ["--json"]), ("--csv", ["--csv"]),
                             ("--by state", ["--by", "state"])):
            wall, cpu, rss, out = run_command(db, ["--radius", str(args.radius), *extra])
            print(f"  helpline coverage {label:10s} wall {wall:5.2f} s  CPU {cpu:5.2f} s  "
                  f"peak RSS {rss:4.0f} MB  output {out / 1e6:5.1f} MB")
        conn = open_readonly(db)
        t0, c0 = time.perf_counter(), time.process_time()
        found = coverage.measure(conn, radius_miles=args.radius)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        units = len({(r.state, r.county) for r in found.rows})
        print(f"  measure() in-process: wall {wall:.2f} s, CPU {cpu:.2f} s: {len(found.rows):,} rows "
              f"({len(found.topics)} needs x {units:,} counties), {len(found.gaps()):,} gaps; "
              f"counted {json.dumps(found.counted)}")
        t0 = time.perf_counter()
        gaps = coverage.largest_gaps(conn, radius_miles=args.radius, limit=10)
        print(f"  largest_gaps(limit=10): {time.perf_counter() - t0:.2f} s; first: "
              + "; ".join(f"{g.need} in {g.county}, {g.state} ({g.zips_uncovered}/{g.people_zips} ZIPs)" for g in gaps[:3]))
        checked, equal = spot_check(conn, found, random.Random(size), args.check)
        print(f"  brute-force check of {checked} random (need, county) rows: {equal} equal")


if __name__ == "__main__":
    main()
