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
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FACILITY = ("name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,intake2,"
            "website,latitude,longitude,type_facility").split(",")
WORDS = ("Recovery Center Health Services Community Counseling Behavioral Treatment Family Hope House New "
         "Life Path Harbor Bridge Valley Riverside Comprehensive Clinic Program Institute Wellness").split()
STREETS = "Main Broadway Washington Park Elm Maple Oak Church Pleasant Union Center High School".split()
SUFFIX = ("Street", "Avenue", "Road", "Boulevard", "Way", "Drive")


def code_columns() -> list[str]:
    table = json.loads((ROOT / "importers" / "data" / "samhsa_codes.json").read_text())["codes"]
    return [c.lower() for c, e in table.items() if not e.get("legacy")][:315]


def places(rng: random.Random) -> list[tuple[str, str, str, str, float, float]]:
    import zipcodes

    rows = [(z["zip_code"], z["city"].title(), z["state"], z["county"] or "", float(z["lat"]), float(z["long"]))
            for z in zipcodes.list_all() if z["lat"] and z["zip_code_type"] == "STANDARD"]
    rng.shuffle(rows)
    return rows[:5000]


def write_csv(path: Path, n_rows: int, seed: int) -> None:
    rng = random.Random(seed)
    codes = code_columns()
    common = codes[:110]  # most real rows draw from the frequent codes (~70 per row in the real export)
    where = places(rng)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow([f"    {FACILITY[0]}", *FACILITY[1:], *codes[:-1], codes[-1] + " "])
        written = 0
        site = 0
        while written < n_rows:
            site += 1
            zip5, city, state, county, lat, lon = rng.choice(where)
            name = " ".join(rng.sample(WORDS, 3))
            base = [name, rng.choice(["", "Outpatient", "Residential", f"Site {site % 97}"]),
                    f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIX)}",
                    rng.choice(["", "", "", "Suite 100"]), city, state, zip5, "", county,
                    f"{rng.randint(201, 989)}-{rng.randint(201, 999)}-{rng.randint(0, 9999):04d}",
                    rng.choice(["", "Intakes"]), rng.choice(["", "617-555-0100"]), "",
                    rng.choice(["", "http://", f"http://www.site{site}.org"]),
                    f"{lat + rng.uniform(-0.02, 0.02):.7f}", f"{lon + rng.uniform(-0.02, 0.02):.7f}"]
            for ftype in (("SU", "MH") if rng.random() < 0.35 else (rng.choice(("SU", "MH")),)):
                if written >= n_rows:
                    break
                chosen = set(rng.sample(common, rng.randint(40, 80))) | set(rng.sample(codes, rng.randint(0, 20)))
                out.writerow([*base, ftype, *("1" if c in chosen else "" for c in codes)])
                written += 1


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
            print(f"re-import of the unchanged export: {again[0]:.2f} s wall, {args.rows / again[0]:,.0f} rows/s, "
                  f"{again[3]['unchanged']:,} unchanged, changed: {again[3]['changed']}")
        db.unlink()
        alone = timed_import(source, db, {"HELPLINE_IMPORT_WORKERS": "1"})
        if alone:
            print(f"read in one process (HELPLINE_IMPORT_WORKERS=1): {alone[0]:.2f} s wall, "
                  f"{args.rows / alone[0]:,.0f} rows/s; worker processes: {alone[0] / wall:.2f}x faster")
        print("PASS" if rate >= 20_000 else "BELOW TARGET")
    return 0


if __name__ == "__main__":
    sys.exit(main())
