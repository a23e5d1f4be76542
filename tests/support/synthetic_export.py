"""A synthetic SAMHSA locator CSV shaped like the real export (17 facility columns, then one
lowercase flag column per service code; about a third of the sites listed twice, once SU and once
MH): the big source of the import benchmarks and of the crash and readers-during-import tests."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

FACILITY = ("name1,name2,street1,street2,city,state,zip,zip4,county,phone,intake_prompt,intake1,intake2,"
            "website,latitude,longitude,type_facility").split(",")
WORDS = ("Recovery Center Health Services Community Counseling Behavioral Treatment Family Hope House New "
         "Life Path Harbor Bridge Valley Riverside Comprehensive Clinic Program Institute Wellness").split()
STREETS = "Main Broadway Washington Park Elm Maple Oak Church Pleasant Union Center High School".split()
SUFFIX = ("Street", "Avenue", "Road", "Boulevard", "Way", "Drive")


def code_columns() -> list[str]:
    table = json.loads((ROOT / "helpline_tui" / "core" / "data" / "samhsa_codes.json").read_text())["codes"]
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
