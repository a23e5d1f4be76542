"""`helpline report` against counts this test computes itself from generated tallies: three seats'
files with calls in common (one call counted once), a date range, small cells shown as "<5" in the
text, JSON, CSV and HTML alike, and the HTML opened in real headless Chromium."""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from helpline_tui.core import tally
from helpline_tui.core.html_charts import BAR_COLOUR
from tests.conftest import run_cli
from tests.support import browser

NEEDS = ["housing", "methadone", "legal", "employment", "detox", "food-x"]  # food-x: no need of the vocabulary
AREAS = [("FL", "Miami-Dade County"), ("FL", "Broward County"), ("NY", "Westchester County"), ("MA", None), (None, None)]
SERVICES = [f"svc-{i}" for i in range(12)]


def generated_calls(seed: int, count: int) -> list[tally.CallRow]:
    rng = random.Random(seed)
    calls = []
    for _ in range(count):
        state, county = rng.choices(AREAS, weights=[6, 3, 3, 1, 1])[0]
        needs = rng.sample(NEEDS[:5], rng.choice([1, 1, 2, 3]))
        referrals = tuple(rng.sample(SERVICES, rng.choice([0, 1, 2])))
        rows = tuple((n, "", rng.choice(tally.OUTCOMES)) for n in needs)
        day = f"2026-{rng.choice(['09', '10', '11']):}-{rng.randint(1, 28):02d}"
        calls.append(tally.CallRow(f"{rng.getrandbits(128):032x}", None, day, rng.randint(0, 23),
                                   rng.choice(["en", "en", "es"]), state, county, rows, referrals))
    # A rare need in a small county (seat A's alone): 2 calls, both unmet, that no report may show as 2.
    for i in range(2 if seed == 1 else 0):
        calls.append(tally.CallRow(f"{seed:04x}rare{i:024x}", None, "2026-10-15", 3, "es", "FL", "Monroe County",
                                   (("legal", "", "nothing-suitable"),), ()))
    return calls


def write_file(path: Path, calls: list[tally.CallRow]) -> Path:
    conn = tally.open_for_writing(path)
    for call in calls:
        tally.write_call(conn, call)
    conn.close()
    return path


@pytest.fixture(scope="module")
def seats(tmp_path_factory) -> tuple[list[Path], list[tally.CallRow]]:
    folder = tmp_path_factory.mktemp("seats")
    a, b, c = generated_calls(1, 300), generated_calls(2, 200), generated_calls(3, 40)
    # Seat B's file also holds 50 of seat A's calls (a file copied between seats): counted once.
    files = [write_file(folder / "a.sqlite", a), write_file(folder / "b.sqlite", b + a[:50]),
             write_file(folder / "c.sqlite", c)]
    unique = {call.call_id: call for call in a + b + c}
    return files, list(unique.values())


def expected(calls: list[tally.CallRow], since: str, until: str, m: int) -> dict:
    """The report's counts, computed here from the calls themselves."""
    picked = [c for c in calls if since <= c.day <= until]
    cell = (lambda n: f"<{m}" if 0 < n < m else n)
    by_month = Counter(c.day[:7] for c in picked)
    asked, met, unmet = Counter(), Counter(), Counter()
    area = defaultdict(lambda: [0, 0, 0])
    for c in picked:
        for need, _, outcome in c.needs:
            asked[need] += 1
            key = (need, c.state, c.county)
            area[key][0] += 1
            if outcome == "referred":
                met[need] += 1
                area[key][1] += 1
            elif outcome == "nothing-suitable":
                unmet[need] += 1
                area[key][2] += 1
    services = Counter(s for c in picked for s in c.referrals)
    return {
        "calls": cell(len(picked)),
        "by_month": {k: cell(v) for k, v in by_month.items()},
        "needs": {n: (cell(asked[n]), cell(met[n]), cell(unmet[n]), cell(asked[n] - met[n] - unmet[n])) for n in asked},
        "areas": {k: tuple(cell(v) for v in (a, mt, u, a - mt - u)) for k, (a, mt, u) in area.items()},
        "services": {s: cell(n) for s, n in services.items()},
        "languages": {k: cell(v) for k, v in Counter(c.ui_language for c in picked).items()},
    }


def report(*args: str):
    return run_cli("report", *args, env=_env())


def _env() -> dict:
    import os

    return dict(os.environ, HELPLINE_CONFIG="/nonexistent/config.toml")


def test_json_counts_match_the_calls_counted_once_across_seats(seats):
    files, calls = seats
    done = report("--from", *map(str, files), "--since", "2026-10-01", "--until", "2026-11-30", "--json")
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    want = expected(calls, "2026-10-01", "2026-11-30", 5)
    assert got["calls"] == want["calls"]
    assert {r["period"]: r["calls"] for r in got["calls_by_period"]} == want["by_month"]
    assert {r["need"]: (r["asked"], r["referred"], r["nothing_suitable"], r["not_referred"])
            for r in got["needs"]} == want["needs"]
    assert {(r["need"], r["state"], r["county"]): (r["asked"], r["met"], r["unmet"], r["not_referred"])
            for r in got["needs_by_area"]} == want["areas"]
    top = sorted(want["services"].items(), key=lambda kv: -kv[1] if isinstance(kv[1], int) else 0)
    assert {r["id"]: r["calls"] for r in got["services_referred"]} == dict(top[:20])
    assert {r["language"]: r["calls"] for r in got["by_language"]} == want["languages"]
    # The two calls of a rare need in a small county are never shown as 2.
    monroe = [r for r in got["needs_by_area"] if r["county"] == "Monroe County"]
    assert monroe == [{"need": "legal", "state": "FL", "county": "Monroe County", "asked": "<5", "met": 0,
                       "unmet": "<5", "not_referred": 0}]
    domains = {r["domain"]: r["asked"] for r in got["needs_by_domain"]}
    needs_json = {r["need"]: r["asked"] for r in got["needs"]}
    assert domains["housing"] == needs_json["housing"]
    assert domains["employment-legal"] == want_sum(calls, ("legal", "employment"), "2026-10-01", "2026-11-30")


def want_sum(calls, needs, since, until) -> int:
    return sum(1 for c in calls if since <= c.day <= until for n, _, _ in c.needs if n in needs)


def test_small_cells_are_suppressed_in_text_and_csv(seats):
    files, calls = seats
    text = report("--from", *map(str, files), "--since", "2026-10-15", "--until", "2026-10-15")
    assert text.returncode == 0, text.stderr
    [monroe] = [line for line in text.stdout.splitlines() if "Monroe County" in line]
    assert monroe.strip() == "Legal help, Monroe County, FL  <5 / 0 / <5 / 0"
    small = expected(calls, "2026-10-15", "2026-10-15", 5)
    assert text.stdout.splitlines()[0].endswith(f"{small['calls']} calls (counts under 5 shown as <5)")
    table = report("--from", *map(str, files), "--since", "2026-10-15", "--until", "2026-10-15", "--csv")
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    counts = [row[k] for row in rows for k in ("asked", "met", "unmet", "not_referred", "calls") if row[k]]
    assert counts and all(v == "<5" or int(v) == 0 or int(v) >= 5 for v in counts), counts
    [monroe_row] = [r for r in rows if r["county"] == "Monroe County"]
    assert (monroe_row["asked"], monroe_row["unmet"]) == ("<5", "<5")


def test_min_cell_is_configurable_and_never_under_three(seats):
    files, _ = seats
    three = report("--from", str(files[2]), "--min-cell", "3", "--json")
    got = json.loads(three.stdout)
    values = [v for r in got["needs_by_area"] for v in (r["asked"], r["met"], r["unmet"])]
    assert "<3" in values and "<5" not in values and 2 not in values and 1 not in values
    refused = report("--from", str(files[2]), "--min-cell", "2")
    assert refused.returncode == 1
    assert refused.stderr.strip() == ("helpline: --min-cell 2 is refused: counts under 3 could identify a caller, "
                                      "so the smallest allowed is 3")
    assert refused.stdout == ""


def test_a_damaged_or_foreign_file_is_one_sentence(seats, tmp_path, sample_db):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"not a database at all" * 100)
    for path, words in ((garbage, "is not a readable tally file"), (sample_db, "is not a tally file"),
                        (tmp_path / "missing.sqlite", "no such tally file")):
        done = report("--from", str(seats[0][0]), str(path))
        assert done.returncode == 1, done.stdout
        assert done.stderr.count("\n") == 1 and str(path) in done.stderr and words in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_services_are_named_from_a_directory(tmp_path, sample_db):
    directory = sqlite3.connect(sample_db)
    ids = [i for (i,) in directory.execute("SELECT id FROM services ORDER BY name")][:2]
    names = dict(directory.execute("SELECT id, name FROM services"))
    directory.close()
    calls = [tally.CallRow(f"{i:032x}", None, "2026-11-02", 10, "en", "NY", None, (("housing", "", "referred"),),
                           (ids[0],) if i < 6 else (ids[0], ids[1])) for i in range(7)]
    path = write_file(tmp_path / "t.sqlite", calls)
    got = json.loads(report("--from", str(path), "--db", str(sample_db), "--json").stdout)
    assert got["services_referred"] == [{"id": ids[0], "name": names[ids[0]], "calls": 7},
                                        {"id": ids[1], "name": names[ids[1]], "calls": "<5"}]


def test_the_html_report_is_self_contained_suppressed_and_drawn_in_a_real_browser(seats, tmp_path):
    files, calls = seats
    page = tmp_path / "report.html"
    done = report("--from", *map(str, files), "--html", str(page))
    assert done.returncode == 0, done.stderr
    text = page.read_text(encoding="utf-8")
    assert "<svg" in text and "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "") \
        and "https://" not in text and "<script" not in text
    assert "Monroe County, FL</td><td class=\"n\">&lt;5</td><td class=\"n\">0</td><td class=\"n\">&lt;5</td>" in text
    assert ">2<" not in text.split("Monroe County")[1][:80]
    png = browser.screenshot(page, tmp_path / "report.png", width=1000, height=1400)
    width, height, px = browser.pixels(png)
    bar = tuple(int(BAR_COLOUR[i:i + 2], 16) for i in (1, 3, 5))
    bar_pixels = sum(1 for p in px if p == bar)
    white = sum(1 for p in px if p == (255, 255, 255))
    assert (width, height) == (1000, 1400)
    assert white < len(px) * 0.98, "a blank page"
    assert bar_pixels > 20_000, f"only {bar_pixels} pixels of the bars' colour: the charts are not drawn"


def test_the_per_day_counts_kept_by_the_writer_agree_with_the_calls(seats, tmp_path):
    """One file is counted from the per-day counts its writer keeps; the same calls in a file written
    by another program (the contract's tables alone) are counted from the calls: the same report."""
    files, _ = seats
    kept = json.loads(report("--from", str(files[1]), "--by", "week", "--json").stdout)
    bare = tmp_path / "bare.sqlite"
    conn = sqlite3.connect(bare)
    conn.executescript(tally.SCHEMA.split("-- Counts per day")[0])
    conn.execute("INSERT INTO tally_meta VALUES ('format', 'helpline-tally 1')")
    conn.execute("ATTACH ? AS b", (str(files[1]),))
    for table in ("calls", "call_needs", "call_referrals"):
        conn.execute(f"INSERT INTO {table} SELECT * FROM b.{table}")
    conn.commit()
    conn.close()
    recounted = json.loads(report("--from", str(bare), "--by", "week", "--json").stdout)
    assert {k: v for k, v in recounted.items() if k != "files"} == {k: v for k, v in kept.items() if k != "files"}
    assert kept["calls"] == 250  # seat B's 200 calls and the 50 of seat A's its file also holds
    # With seat A's file: counted from the calls (bare) or from the per-day counts, less the 50 shared.
    mixed = json.loads(report("--from", str(bare), str(files[0]), "--json").stdout)
    counted = json.loads(report("--from", str(files[1]), str(files[0]), "--json").stdout)
    assert {k: v for k, v in mixed.items() if k != "files"} == {k: v for k, v in counted.items() if k != "files"}
    assert counted["calls"] == 502  # 250 + 302 - 50


def test_the_settings_min_cell_is_used_and_never_under_three(seats, tmp_path):
    import os

    settings = tmp_path / "config.toml"
    settings.write_text("[tally]\nmin_cell = 8\n", encoding="utf-8")
    env = dict(os.environ, HELPLINE_CONFIG=str(settings))
    got = json.loads(run_cli("report", "--from", str(seats[0][2]), "--json", env=env).stdout)
    assert got["min_cell"] == 8 and "<8" in [r["asked"] for r in got["needs_by_area"]]
    settings.write_text("[tally]\nmin_cell = 2\n", encoding="utf-8")
    refused = run_cli("report", "--from", str(seats[0][2]), "--json", env=env)
    assert refused.returncode == 1 and refused.stdout == ""
    assert refused.stderr == (f"helpline: {settings}: [tally] min_cell must be a whole number 3 or more "
                              f"(smaller counts could identify a caller)\n")


def test_every_text_of_a_page_is_escaped_and_a_suppressed_bar_has_no_length():
    from helpline_tui.core import html_charts

    hostile = '<img src=x onerror=alert(1)> "Casa" \x1b]52;c;ZXZpbA==\x07 & co'
    svg = html_charts.bar_chart(hostile, [(hostile, 12), ("Monroe County, FL", "<5")])
    page = html_charts.page(hostile, [(hostile, svg + html_charts.table([hostile], [[hostile]]))], lang="es")
    assert "<img" not in page and "\x1b" not in page and "\x07" not in page
    assert "&lt;img src=x onerror=alert(1)&gt; &quot;Casa&quot; \\x1b]52;c;ZXZpbA==\\x07 &amp; co" in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="es">')
    # "<5" is drawn as a hatched outline of one fixed width, labelled, never a bar as long as its count
    assert 'fill="url(#suppressed)"' in svg and ">&lt;5</text>" in svg
