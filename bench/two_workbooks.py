"""Two National Directory workbooks imported one after the other: what each site keeps.

Builds an MH workbook from the real SA 2022 one (../shared/data/samhsa), as the MH survey lists a
site: every 4th SA site again, with mental-health codes and the MH code reference sheet. Then imports
SA and MH into one directory twice: with default options (each workbook its own source, sites
merged), and both under the one source `samhsa-directory` (what the default name did before issue
14; now refused without --allow-lost-needs). Prints, against each workbook imported alone, how many
sites lost needs, languages or populations, and which.

    python bench/two_workbooks.py [--every 4]
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import io
import json
import sqlite3
import tempfile
import time
from collections import Counter
from pathlib import Path

import openpyxl

from helpline_tui.cli import main

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "samhsa"
SA = SHARED / "National_Directory_SA_Facilities_2022.xlsx"
MH_REFERENCE = SHARED / "DERIVED_service_codes_MH_2022.csv"
MH_CODES = ["MH * OMH * OP * CBT DBT * MD MC * ADLT", "MH * CMHC * OP PHDT * CBT TELE * MD SF * CHLD ADLT * SP",
            "MH * PSY * HI * MD MC PI * ADLT SNR", "MH * OMH * OP * TELE * SF * YAD ADLT"]
SHOWN = ("methadone", "detox", "buprenorphine", "naloxone", "veterans", "es")
SITE = "name, site_name, street, city, state, zip"


def build_mh(out: Path, every: int) -> None:
    book = openpyxl.load_workbook(SA, read_only=True)
    rows = list(book["Facilities List"].iter_rows(values_only=True))
    book.close()
    mh = openpyxl.Workbook()
    mh.active.title = "Facilities List"
    mh.active.append(rows[0])
    for n, row in enumerate(rows[1::every]):
        mh.active.append([*row[:-1], MH_CODES[n % len(MH_CODES)]])
    reference = mh.create_sheet("Service Code Reference")
    with open(MH_REFERENCE, newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            reference.append(row)
    mh.properties.created = dt.datetime(2022, 5, 6)
    mh.save(out)


def cli(*args: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*args, "--json"])
    assert code == 0, f"helpline {' '.join(args)} exited {code}"
    return json.loads(out.getvalue())


def shown_facets(db: Path) -> dict[tuple, set[str]]:
    """(site) -> every value of the rows shown for that site's own records, whatever the source."""
    conn = sqlite3.connect(db)
    shown_as = dict(conn.execute("SELECT id, merged_id FROM record_aliases"))
    facets = {rid: set().union(*map(json.loads, lists)) for rid, *lists in
              conn.execute("SELECT id, needs, languages, populations FROM services")}
    merged_rows = set(shown_as.values())
    out: dict[tuple, set[str]] = {}
    for table in ("services", "source_records"):
        for rid, *site in conn.execute(f"SELECT id, {SITE} FROM {table}"):
            if table == "services" and rid in merged_rows:
                continue
            out.setdefault(tuple(site), set()).update(facets[shown_as.get(rid, rid)])
    conn.close()
    return out


def lost(alone: Path, combined: Path) -> tuple[int, Counter]:
    whole, counts, sites = shown_facets(combined), Counter(), 0
    for site, values in shown_facets(alone).items():
        gone = values - whole[site]
        sites += bool(gone)
        counts.update(gone)
    return sites, counts


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=4, help="every Nth SA site is in the MH workbook (default 4)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="two-workbooks-") as folder:
        work = Path(folder)
        mh = work / "National_Directory_MH_Facilities_2022.xlsx"
        build_mh(mh, args.every)
        alone_sa, alone_mh = work / "sa.sqlite", work / "mh.sqlite"
        cli("import", "samhsa-directory", str(SA), "--db", str(alone_sa))
        read = cli("import", "samhsa-directory", str(mh), "--db", str(alone_mh))["read"]
        print(f"SA 2022: {SA.name}; MH built from it: {read:,} sites, every {args.every}th")
        for label, extra in (("one source 'samhsa-directory' (the old default)",
                              ("--source-name", "samhsa-directory", "--allow-lost-needs")),
                             ("default options (a source per workbook)", ())):
            both = work / f"both-{len(extra)}.sqlite"
            cli("import", "samhsa-directory", str(SA), "--db", str(both), *extra)
            started = time.perf_counter()
            summary = cli("import", "samhsa-directory", str(mh), "--db", str(both), *extra)
            elapsed = time.perf_counter() - started
            print(f"\n{label}: MH import {elapsed:.1f} s, updated {summary['updated']:,}, merged {summary['merged']:,}")
            for name, alone in (("SA", alone_sa), ("MH", alone_mh)):
                sites, counts = lost(alone, both)
                detail = ", ".join(f"{k} {counts.get(k, 0):,}" for k in SHOWN)
                print(f"  {name} sites that lost needs, languages or populations: {sites:,} ({detail})")


if __name__ == "__main__":
    main_bench()
