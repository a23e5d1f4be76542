"""What reading places costs: the place table's first use on a connection, and queries that name
places in every way callers do (county forms, aliases, misspelt towns), beside the same queries'
words alone.

    python bench/bench_place_reading.py --db DIRECTORY.sqlite [--repeat 3]

Prints the milliseconds `geo.place_names()` takes on a new connection (the temporary table of
aliases and county forms), then, for each kind of query, the median and slowest time of
`search()` and how many were read as a place. Figures are for comparison on one machine: the
machine this was written on is shared, so run it twice.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from helpline_tui.core import geo  # noqa: E402
from helpline_tui.core.directory import open_readonly  # noqa: E402
from helpline_tui.core.search import Filters, search  # noqa: E402
from helpline_tui.core.textnorm import fold  # noqa: E402


def queries(conn) -> dict[str, list[str]]:
    counties = conn.execute("SELECT DISTINCT county, state FROM zip_centroids WHERE county LIKE '% County' "
                            "ORDER BY county, state").fetchall()[::40]
    return {
        "county forms": [f"detox {form}" for county, _ in counties for form in geo.county_forms(county)[:3]],
        "aliases": [f"detox {fold(name)} " for name, *_ in geo.place_aliases()],
        "misspelt towns": [f"detox {t} " for t in ("bostn", "chcago", "philadelpia", "yonkrs", "sacramneto",
                                                   "hoston", "phenix", "pittsburg", "clevland", "denvr")],
        "words alone": ["detox", "methadone spanish", "phoenix house", "blue hill ave", "housing hope"],
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    builds = []
    for _ in range(args.repeat):
        conn = sqlite3.connect(args.db)
        started = time.perf_counter()
        geo.place_names(conn)
        builds.append((time.perf_counter() - started) * 1000)
        conn.close()
    print(f"place table on a new connection: {min(builds):.0f} ms (best of {args.repeat})")
    conn = open_readonly(Path(args.db))
    for kind, texts in queries(conn).items():
        for text in texts:
            search(conn, text)  # first use of each word: lexicon and typo tables
        times, places = [], 0
        for text in texts:
            started = time.perf_counter()
            page = search(conn, text, Filters(), limit=10)
            times.append((time.perf_counter() - started) * 1000)
            places += page.place is not None or page.nearest_to is not None
        print(f"{kind:15} {len(texts):4} queries  median {statistics.median(times):6.1f} ms  "
              f"slowest {max(times):6.1f} ms  read as a place {places}")


if __name__ == "__main__":
    main()
