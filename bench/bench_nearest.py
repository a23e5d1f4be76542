"""What "nearest, however far" costs, on demo directories of 100k / 1M services.

A need and a ZIP code ("methadone 59337") where nothing within the default radius has the need
falls back to the nearest services anywhere (core/nearest.py: rings doubling from the place). For
seeded ZIP codes, half from sparsely served states, and needs from common to rare, this times every
keystroke of such queries through the same `search()` the CLI and the TUI call, the searches that
fell back on their own, and `--near` with nothing inside the radius (reach_outside, as the CLI
asks); and checks the fallback against a brute-force haversine over every service with the need.
Figures only: nothing here asserts a time.

    python bench/bench_nearest.py --sizes 100000 1000000
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_directory, percentile  # noqa: E402
from helpline_tui.core import geo  # noqa: E402
from helpline_tui.core.directory import open_readonly  # noqa: E402
from helpline_tui.core.search import Filters, search  # noqa: E402

# (need id, as typed): common to rare in the demo directories
NEEDS = [("detox", "detox"), ("methadone", "methadone"), ("housing", "housing"), ("veterans", "veterans"),
         ("gambling", "gambling"), ("eating-disorders", "eating disorder")]
SPARSE = ("AK", "ID", "MT", "ND", "NE", "NM", "NV", "SD", "UT", "WY")
SHOWN = 20



def line(label: str, values: list[tuple[float, float]]) -> str:
    wall, cpu = [w for w, _ in values], [c for _, c in values]
    return (f"  {label:34s} n={len(values):5d}  p50 {percentile(wall, .5):6.1f} ms  p95 {percentile(wall, .95):6.1f} ms  "
            f"max {max(wall, default=float('nan')):6.1f} ms  | CPU p50 {percentile(cpu, .5):5.1f}  p95 {percentile(cpu, .95):5.1f} ms")


def timed(fn):
    """(result, (wall ms, CPU ms of this process: what other load on a shared machine does not inflate))."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, ((time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000)


def run(db: Path, zips_per_need: int, rng: random.Random) -> None:
    conn = open_readonly(db)
    search(conn, "warm up", Filters())
    zips = conn.execute("SELECT zip, state FROM zip_centroids ORDER BY zip").fetchall()
    sparse = [z for z in zips if z[1] in SPARSE]
    picked = [z for pair in zip(rng.sample(zips, zips_per_need), rng.sample(sparse, zips_per_need), strict=True) for z in pair]
    keystroke, fell_back, outside, wrong, checked = [], [], [], 0, 0
    for need, typed in NEEDS:
        positions = [(lat, lon) for lat, lon, needs in conn.execute(
            "SELECT s.latitude, s.longitude, s.needs FROM services s JOIN service_facets f ON f.rid = s.rid "
            "WHERE f.value = ? AND s.status = 'active' AND s.latitude IS NOT NULL", (need,))]
        for zip5, _ in picked:
            query = f"{typed} {zip5}"
            for i in range(1, len(query) + 1):
                page, ms = timed(lambda typed_so_far=query[:i]: search(conn, typed_so_far, Filters(), limit=SHOWN))
                keystroke.append(ms)
            if page.nearest_to is None:
                continue
            fell_back.append(ms)
            checked += 1
            truth = sorted(geo.haversine_miles(page.nearest_to.latitude, page.nearest_to.longitude, lat, lon)
                           for lat, lon in positions)[:SHOWN]
            got = [h.distance_miles for h in page.hits]
            wrong += [round(m, 6) for m in got] != [round(m, 6) for m in truth]
            # The CLI's --near with nothing inside the radius: the nearest however far.
            _, ms = timed(lambda words=typed, near=zip5: search(conn, words, Filters(near=near, radius=10), limit=SHOWN,
                                                                reach_outside=True))
            outside.append(ms)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    print(f"\n{size:,} records, {len(NEEDS)} needs x {len(picked)} ZIP codes ({len(picked) // 2} from sparse states):")
    print(line("every keystroke", keystroke))
    print(line("searches that fell back (nearest)", fell_back))
    print(line("--near, radius 10, reach_outside", outside))
    print(f"  fallback equal to the brute-force nearest {SHOWN}: {checked - wrong} of {checked}")
    print(f"  peak RSS of the searching process so far: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    parser.add_argument("--zips", type=int, default=15, help="ZIP codes per need from all states, and as many sparse")
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        db = args.dir / f"demo-{size}.sqlite"
        run(demo_directory(db, size), args.zips, random.Random(size))


if __name__ == "__main__":
    main()
