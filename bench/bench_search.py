"""Search latency per keystroke, as a handler types, on demo directories of 10k / 100k / 1M.

Every prefix of realistic queries (names with typos, need words in English and Spanish, city and
ZIP, phone numbers) goes through the same `search()` the CLI and the TUI call, with and without
filters. Prints p50 / p95 / p99 / max per keystroke, peak RSS, and fzf --filter time on the same
records when fzf is installed. Figures only: nothing here asserts a time.

    python bench/bench_search.py --sizes 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.harness import demo_directory, percentile  # noqa: E402
from helpline_tui.core.directory import open_readonly  # noqa: E402
from helpline_tui.core.search import Filters, search  # noqa: E402

NEED_WORDS = ["metadona", "methadone", "suboxone", "vivienda", "sober living", "empleo", "detox",
              "desintoxicación", "grupo de apoyo", "AA", "salud mental", "housing", "legal aid"]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice("sdit")
    if kind == "s":
        return word[:i] + rng.choice("aeiourstn") + word[i + 1:]
    if kind == "d":
        return word[:i] + word[i + 1:]
    if kind == "i":
        return word[:i] + rng.choice("aeiou") + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def make_queries(conn, rng: random.Random, count: int) -> list[str]:
    n = conn.execute("SELECT max(rid) FROM services").fetchone()[0]
    picks = sorted(rng.sample(range(1, n + 1), min(n, count * 2)))  # seeded: the same queries every run
    rows = conn.execute(f"SELECT name, city, phone FROM services WHERE status = 'active' AND rid IN "
                        f"({','.join(map(str, picks))}) LIMIT ?", (count,)).fetchall()
    queries = []
    for n, (name, city, phone) in enumerate(rows):
        words = name.split()
        shape = n % 5
        if shape == 0:
            queries.append(" ".join(typo(w, rng) for w in words[:3]))
        elif shape == 1:
            queries.append(f"{' '.join(words[:2])} {city}".lower())
        elif shape == 2:
            queries.append(f"{rng.choice(NEED_WORDS)} {city}")
        elif shape == 3 and phone:
            queries.append(phone[-8:])
        else:
            queries.append(" ".join(words[:4]))
    return [q for q in queries if q.strip()]


def make_filters(conn, rng: random.Random) -> list[Filters]:
    zips = sorted({r[0] for r in conn.execute("SELECT zip FROM services WHERE zip != '' LIMIT 2000")})
    zips = rng.sample(zips, min(20, len(zips)))
    return [
        Filters(near=rng.choice(zips), radius=25),
        Filters(lang="es"),
        Filters(needs=("housing",), lang="es"),
        Filters(state="NY", needs=("methadone",)),
        Filters(near=rng.choice(zips), radius=10, lang="es", kind="treatment"),
    ]



def keystrokes(query: str) -> list[str]:
    return [query[:i] for i in range(1, len(query) + 1)]


def run(db: Path, queries: list[str], filters: list[Filters]) -> dict[str, list[float]]:
    conn = open_readonly(db)
    search(conn, "warm up", Filters())  # loads the word list once, as the TUI does at start
    times: dict[str, list[float]] = {"no filters": [], "with filters": [], "1-2 letters": []}
    cpu: dict[str, list[float]] = {label: [] for label in times}
    for q_index, query in enumerate(queries):
        f = filters[q_index % len(filters)]
        for prefix in keystrokes(query):
            for label, flt in (("no filters", Filters()), ("with filters", f)):
                t0, c0 = time.perf_counter(), time.process_time()
                search(conn, prefix, flt, limit=20)
                ms, cpu_ms = (time.perf_counter() - t0) * 1000, (time.process_time() - c0) * 1000
                for key in (label, "1-2 letters") if len(prefix.strip()) <= 2 else (label,):
                    times[key].append(ms)
                    cpu[key].append(cpu_ms)
    return times, cpu


def fzf_time(db: Path, queries: list[str]) -> float | None:
    fzf = shutil.which("fzf")
    if not fzf:
        return None
    conn = open_readonly(db)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        for name, city, state in conn.execute("SELECT name, city, state FROM services"):
            handle.write(f"{name} {city} {state}\n")
    per = []
    for query in queries[:20]:
        t0 = time.perf_counter()
        subprocess.run([fzf, "--filter", query], stdin=open(handle.name), capture_output=True)
        per.append((time.perf_counter() - t0) * 1000)
    return statistics.median(per)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--dir", type=Path, default=ROOT / "bench" / "out")
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    for size in args.sizes:
        db = args.dir / f"demo-{size}.sqlite"
        demo_directory(db, size)  # in another process: the peak memory printed below is the searching's alone
        rng = random.Random(size)
        conn = open_readonly(db)
        queries = make_queries(conn, rng, args.queries)
        filters = make_filters(conn, rng)
        times, cpu = run(db, queries, filters)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"\n{size:,} records, {len(queries)} queries, every keystroke (wall clock; CPU time of this "
              f"process beside it, which other load on a shared machine does not inflate):")
        for label, values in times.items():
            print(f"  {label:13s} n={len(values):5d}  p50 {percentile(values, .5):6.1f} ms  p95 {percentile(values, .95):6.1f} ms  "
                  f"p99 {percentile(values, .99):6.1f} ms  max {max(values):6.1f} ms  | CPU p50 {percentile(cpu[label], .5):5.1f}  "
                  f"p95 {percentile(cpu[label], .95):5.1f}  p99 {percentile(cpu[label], .99):5.1f} ms")
        print(f"  peak RSS of the searching process so far: {rss:.0f} MB")
        fz = fzf_time(db, queries)
        if fz is not None:
            p95 = percentile(times["no filters"], .95)
            print(f"  fzf --filter (whole query, median): {fz:.1f} ms; helpline p95 per keystroke is {p95 / fz:.2f}x that")
        else:
            print("  fzf not installed: no fzf comparison")


if __name__ == "__main__":
    main()
