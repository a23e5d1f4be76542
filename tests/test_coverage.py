"""`helpline coverage`: checked against counts computed here with a plain haversine over the
directory's own ZIP table, on Miami 211's real export and on a small generated directory for the
edge cases (area-wide services, a need nobody offers, a state filter, a county the ZIP table does
not have, tally files)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import sqlite3
import re
from pathlib import Path

import pytest

from helpline_tui.cli import main
from helpline_tui.core import coverage, html_charts
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.conftest import miami_211_copy, run_cli


def miles(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 3958.8 * math.asin(min(1.0, math.sqrt(a)))


def zips_by_county(db: Path, state: str) -> dict[str, list[tuple[float, float]]]:
    out: dict[str, list[tuple[float, float]]] = {}
    with sqlite3.connect(db) as conn:
        for county, lat, lon in conn.execute(
                "SELECT county, latitude, longitude FROM zip_centroids WHERE state = ? AND county != ''", (state,)):
            out.setdefault(county, []).append((lat, lon))
    return out


def expected(db: Path, need: str, state: str, radius: float) -> dict[str, tuple[int, int, int]]:
    """county -> (ZIPs, ZIPs with a service within the radius, services within it of any ZIP)."""
    with sqlite3.connect(db) as conn:
        services = [(lat, lon) for lat, lon, needs in conn.execute(
            "SELECT latitude, longitude, needs FROM services WHERE status = 'active' AND latitude IS NOT NULL")
            if need in json.loads(needs)]
    out = {}
    for county, points in zips_by_county(db, state).items():
        covered = sum(any(miles(a, b, c, d) <= radius for c, d in services) for a, b in points)
        nearby = sum(any(miles(a, b, c, d) <= radius for a, b in points) for c, d in services)
        out[county] = (len(points), covered, nearby)
    return out


# ------------------------------------------------------------------------------ Miami 211, real

@pytest.fixture(scope="module")
def miami_db(tmp_path_factory, miami_211_imported) -> Path:
    return miami_211_copy(miami_211_imported, tmp_path_factory.mktemp("miami"))


@pytest.mark.parametrize("radius", [25, 60])
def test_florida_counties_with_no_food_pantry_match_a_plain_haversine(miami_db, radius):
    p = run_cli("coverage", "--db", str(miami_db), "--need", "food", "--state", "FL", "--radius", str(radius), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    got = {r["county"]: (r["zips_total"], r["zips_covered"], r["services_nearby"]) for r in out["rows"]}
    want = expected(miami_db, "food", "FL", radius)
    assert got == want
    gaps = sorted(c for c, (_, _, nearby) in want.items() if nearby == 0)
    assert sorted(r["county"] for r in out["gaps"]) == gaps
    assert 30 < len(gaps) < len(want)  # Miami 211 covers South Florida, not the Panhandle
    assert "Miami-Dade County" not in gaps and "Escambia County" in gaps


def test_the_text_lists_each_gap_and_says_how_services_were_counted(miami_db):
    p = run_cli("coverage", "--db", str(miami_db), "--need", "food", "--state", "FL")
    assert p.returncode == 0, p.stderr
    want = expected(miami_db, "food", "FL", 25)
    gaps = [c for c, (_, _, nearby) in sorted(want.items()) if nearby == 0]
    lines = p.stdout.splitlines()
    assert f"Food (pantries and meals) (food): {len(want) - len(gaps)} of {len(want)} counties have a service " \
           f"within 25 mi; {len(gaps)} have none:" in lines
    listed = [line.split(":")[0].strip() for line in lines if line.startswith("  ") and "none within" in line]
    assert listed == [f"{c}, FL" for c in gaps]
    # Miami 211 has two food services with no position and no service area: said, not counted.
    assert "2 with neither a position nor a service area, not counted" in p.stdout


def test_html_page_has_a_chart_per_domain_and_no_network(miami_db, tmp_path):
    page = tmp_path / "coverage.html"
    p = run_cli("coverage", "--db", str(miami_db), "--state", "FL", "--html", str(page))
    assert p.returncode == 0, p.stderr
    text = page.read_text(encoding="utf-8")
    assert text.count("<svg") == 8  # the eight recovery-capital domains
    assert "Safe housing" in text and "Food (pantries and meals)" in text
    assert "<script" not in text and "src=" not in text and "href=" not in text
    gaps = sum(1 for _, _, nearby in expected(miami_db, "food", "FL", 25).values() if nearby == 0)
    # the food bar, right after its label, and the count written after it: its gaps
    bar = re.search(r'Food \(pantries and meals\)</text><rect [^>]*fill="([^"]+)"/><text[^>]*>([^<]+)</text>', text)
    assert bar is not None and bar[1] == html_charts.BAR_COLOUR and bar[2] == f"{gaps:,}"


# ------------------------------------------------------------------------- a small directory

def record(key: str, name: str, needs: list[str], state: str, lat=None, lon=None, areas=(), status="active",
           county="") -> ServiceRecord:
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), state=state, county=county,
                         latitude=lat, longitude=lon, needs=needs, service_area_list=list(areas),
                         service_area=", ".join(areas), status=status, kind="community", languages=["en"])


@pytest.fixture(scope="module")
def small_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("coverage") / "services.sqlite"
    run_import(db, [
        record("1", "Cheyenne Housing", ["housing"], "WY", 41.14, -104.82),
        record("2", "Fort Collins Legal Aid", ["legal"], "CO", 40.5813, -105.1039),
        record("3", "Wyoming Food Line", ["food"], "WY", areas=["WY"]),
        record("4", "National Jobs Line", ["employment"], "", areas=["US"]),
        record("5", "Atlantis County Tutors", ["education"], "WY", areas=["county:WY:Atlantis"]),
        record("6", "Casper Statewide Housing", ["housing"], "WY", 42.85, -106.32, areas=["WY"]),
        record("7", "Closed Jackson Housing", ["housing"], "WY", 43.48, -110.76, status="inactive"),
    ], source="test", format="test", origin="tests")
    return db


def rows_of(found: coverage.Coverage, need: str) -> dict[str, coverage.UnitCoverage]:
    return {r.county: r for r in found.rows if r.need == need}


def test_positions_count_by_distance_across_state_lines_and_areas_apart(small_db):
    conn = open_readonly(small_db)
    found = coverage.measure(conn, needs=["housing", "legal"], states=["WY"], radius_miles=50)
    housing, legal = rows_of(found, "housing"), rows_of(found, "legal")
    assert set(housing) == set(zips_by_county(small_db, "WY"))  # the state filter: Wyoming's counties only
    want = expected(small_db, "housing", "WY", 50)
    assert {c: (r.zips_total, r.zips_covered, r.services_nearby) for c, r in housing.items()} == want
    # The inactive Jackson service counts nowhere; the statewide Casper one is area-wide where it is far.
    assert housing["Teton County"].gap and housing["Teton County"].services_area_wide == 1
    assert housing["Natrona County"].services_nearby == 1 and housing["Natrona County"].services_area_wide == 0
    # Fort Collins, CO is within 50 miles of Cheyenne: Laramie County, WY is covered from across the line.
    assert legal["Laramie County"].services_nearby == 1 and not legal["Laramie County"].gap
    assert {c: (r.zips_total, r.zips_covered, r.services_nearby) for c, r in legal.items()} == \
        expected(small_db, "legal", "WY", 50)


def test_area_wide_services_never_make_a_county_covered_and_are_said(small_db):
    p = run_cli("coverage", "--db", str(small_db), "--state", "WY", "--need", "food", "--need", "employment",
                "--need", "education", "--need", "gambling", "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    counties = len(zips_by_county(small_db, "WY"))
    by_need: dict[str, list[dict]] = {}
    for r in out["rows"]:
        by_need.setdefault(r["need"], []).append(r)
    for need in ("food", "employment"):  # a statewide line, a national line: every county still a gap
        assert len(by_need[need]) == counties
        assert all(r["gap"] and r["services_area_wide"] == 1 and r["zips_covered"] == 0 for r in by_need[need])
    # "county:WY:Atlantis" names no county of the ZIP table: it covers nothing, and is counted as an area.
    assert all(r["gap"] and r["services_area_wide"] == 0 for r in by_need["education"])
    assert out["counted"]["areas"] == {"national": 1, "statewide": 1, "county": 1, "zip": 0}
    assert out["counted"]["neither"] == 0 and out["counted"]["by_position"] == 0
    assert out["not_offered"] == ["gambling"]
    text = run_cli("coverage", "--db", str(small_db), "--state", "WY", "--need", "food", "--need", "gambling").stdout
    laramie = len(zips_by_county(small_db, "WY")["Laramie County"])
    assert f"Laramie County, WY: none within 25 mi of its {laramie} ZIP codes; reached only by area-wide services: 1" \
        in text
    assert f"Gambling problems (gambling): no active service in the directory offers it; all {counties} counties are gaps" \
        in text


def test_by_state_counts_every_zip_of_the_state(small_db):
    found = coverage.measure(open_readonly(small_db), needs=["housing"], states=["WY", "CO"], by="state")
    with sqlite3.connect(small_db) as conn:
        totals = dict(conn.execute("SELECT state, count(*) FROM zip_centroids WHERE state IN ('WY', 'CO') GROUP BY state"))
    assert {r.state: r.zips_total for r in found.rows} == totals
    # By county, the ZIP codes with no county are left out, and said.
    with sqlite3.connect(small_db) as conn:
        every, countless = conn.execute("SELECT count(*), sum(county = '') FROM zip_centroids").fetchone()
    assert countless > 0
    out = json.loads(run_cli("coverage", "--db", str(small_db), "--need", "housing", "--json").stdout)
    assert out["counted"]["zips_without_county"] == countless
    assert out["counted"]["zips"] == sum(r["zips_total"] for r in out["rows"]) == every - countless
    wy = next(r for r in found.rows if r.state == "WY")
    assert wy.services_nearby == 2 and wy.county == ""


def test_largest_gaps_are_the_counties_with_most_zip_codes_out_of_reach(small_db):
    gaps = coverage.largest_gaps(open_readonly(small_db), radius_miles=25, limit=5)
    # Brute force, whole country: for each offered need, ZIP codes with no service of it within 25 mi.
    with sqlite3.connect(small_db) as conn:
        zips = conn.execute("SELECT state, county, latitude, longitude FROM zip_centroids WHERE county != ''").fetchall()
        services = [(json.loads(n), lat, lon) for n, lat, lon in conn.execute(
            "SELECT needs, latitude, longitude FROM services WHERE status = 'active' AND latitude IS NOT NULL")]
    uncovered: dict[tuple[str, str, str], list[int]] = {}
    for need in ("housing", "legal"):
        positions = [(lat, lon) for needs, lat, lon in services if need in needs]
        for state, county, lat, lon in zips:
            counts = uncovered.setdefault((need, state, county), [0, 0])
            counts[1] += 1
            counts[0] += not any(miles(lat, lon, a, b) <= 25 for a, b in positions)
    # food, employment and education are offered by area-wide services only: every ZIP is out of reach
    for need in ("food", "employment", "education"):
        for state, county, *_ in zips:
            counts = uncovered.setdefault((need, state, county), [0, 0])
            counts[0] += 1
            counts[1] += 1
    want = sorted(((-u, -t, need, state, county) for (need, state, county), (u, t) in uncovered.items() if u),)[:5]
    assert [(g.need, g.state, g.county, g.zips_uncovered, g.people_zips) for g in gaps] == \
        [(need, state, county, -u, -t) for u, t, need, state, county in want]
    assert isinstance(gaps[0], coverage.Gap) and gaps[0].people_zips >= gaps[0].zips_uncovered > 0


# -------------------------------------------------------------------------------------- tallies

def write_tally(path: Path, calls: list[tuple[str, str | None, str | None, str, str]]) -> Path:
    """A tally file as the contract writes it: (call id, state, county, need, outcome) per row."""
    conn = sqlite3.connect(path)
    conn.executescript("""
        CREATE TABLE tally_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO tally_meta VALUES ('format', 'helpline-tally 1');
        CREATE TABLE calls (call_id TEXT PRIMARY KEY, seat TEXT, day TEXT NOT NULL, hour INTEGER NOT NULL,
                            ui_language TEXT NOT NULL, state TEXT, county TEXT);
        CREATE TABLE call_needs (call_id TEXT NOT NULL REFERENCES calls(call_id), need TEXT NOT NULL,
                                 concept TEXT NOT NULL DEFAULT '', outcome TEXT NOT NULL
                                 CHECK (outcome IN ('referred', 'nothing-suitable', 'not-referred')),
                                 PRIMARY KEY (call_id, need, concept));
        CREATE TABLE call_referrals (call_id TEXT NOT NULL REFERENCES calls(call_id), service_id TEXT NOT NULL,
                                     PRIMARY KEY (call_id, service_id));
    """)
    for call_id, state, county, need, outcome in calls:
        conn.execute("INSERT OR IGNORE INTO calls VALUES (?, NULL, '2026-12-01', 14, 'en', ?, ?)", (call_id, state, county))
        conn.execute("INSERT INTO call_needs VALUES (?, ?, '', ?)", (call_id, need, outcome))
    conn.commit()
    conn.close()
    return path


def test_unmet_needs_from_tallies_mark_the_gaps_small_counts_suppressed(small_db, tmp_path, capsys):
    first = write_tally(tmp_path / "seat-a.sqlite", [
        *((f"a{i}", "WY", "Teton County", "housing", "nothing-suitable") for i in range(5)),
        ("b1", "WY", "Sweetwater County", "food", "nothing-suitable"),
        ("b2", "WY", "Sweetwater County", "food", "nothing-suitable"),
        ("b3", "WY", "Sweetwater County", "food", "referred"),  # met: not counted
        ("c1", "WY", "Atlantis County", "food", "nothing-suitable"),  # no such county in the ZIP table
    ])
    # The second seat's file holds one of the same calls again: one call.
    second = write_tally(tmp_path / "seat-b.sqlite", [("b2", "WY", "Sweetwater County", "food", "nothing-suitable"),
                                                      ("a4", "WY", "Teton County", "housing", "nothing-suitable"),
                                                      ("a5", "WY", "Teton County", "housing", "nothing-suitable")])
    p = run_cli("coverage", "--db", str(small_db), "--state", "WY", "--need", "housing", "--need", "food",
                "--tally", str(first), str(second), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    unmet = {(r["need"], r["county"]): r["unmet_calls"] for r in out["rows"]}
    assert unmet[("housing", "Teton County")] == 6  # a0..a5: a4 is in both files, one call
    assert unmet[("food", "Sweetwater County")] == "<5"  # 2 calls: shown as fewer than 5
    assert unmet[("food", "Teton County")] == 0
    assert out["tally"]["unmet_elsewhere_or_unplaced"] == "<5"
    _, text, _ = run_here(capsys, "coverage", "--db", str(small_db), "--state", "WY", "--need", "food",
                          "--tally", str(first), str(second))
    assert "Sweetwater County, WY: none within 25 mi of its" in text and "unmet calls: <5" in text
    assert "unmet calls: 2" not in text and "unmet calls: 1" not in text
    _, out_csv, _ = run_here(capsys, "coverage", "--db", str(small_db), "--state", "WY", "--need", "food",
                             "--tally", str(first), str(second), "--csv")
    rows = list(csv.reader(io.StringIO(out_csv)))
    assert rows[0][-1] == "unmet_calls"
    assert ["food", "need", "WY", "Sweetwater County"] == rows[[r[3] for r in rows].index("Sweetwater County")][:4]
    assert rows[[r[3] for r in rows].index("Sweetwater County")][-1] == "<5"


def run_here(capsys, *args: str) -> tuple[int, str, str]:
    """The command in this process (exit code, stdout, stderr): a usage error exits through argparse."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_bad_flags_and_files_are_one_sentence_with_the_right_exit_code(small_db, tmp_path, capsys):
    for args, code, said in (
            (["--need", "unicorns"], 2, "'unicorns' is not a need id"),
            (["--state", "ZZ"], 2, "state 'ZZ' is not in the directory's ZIP table"),
            (["--state", "Wyoming"], 2, "state 'WYOMING' is not a two-letter code"),
            (["--radius", "0"], 2, "the radius must be more than 0"),
            (["--radius", "nan"], 2, "the radius must be more than 0"),
            (["--json", "--csv"], 2, "not allowed with argument"),
            (["--tally", str(tmp_path / "absent.sqlite")], 1, "absent.sqlite: no such tally file"),
            (["--tally", str(small_db)], 1, "not a helpline tally file"),
            (["--html", str(tmp_path / "no-such-folder" / "x.html"), "--state", "WY"], 1, "cannot write the page"),
    ):
        returned, _, err = run_here(capsys, "coverage", "--db", str(small_db), *args)
        assert returned == code, (args, err)
        assert said in err and "Traceback" not in err
        assert len(err.strip().splitlines()) == 1 or code == 2  # argparse says its usage line first


def test_service_concepts_are_measured_where_the_directory_records_them(small_db, tmp_path):
    # Service concepts are facets too; a directory with none has only needs, one with some has them too.
    assert all(t.kind == "need" for t in coverage.topics(open_readonly(small_db)))
    db = tmp_path / "concepts.sqlite"
    db.write_bytes(small_db.read_bytes())
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO service_facets (value, rid, facet) SELECT 'rent-help', rid, 'concept' "
                     "FROM services WHERE name = 'Cheyenne Housing'")
    found = coverage.measure(open_readonly(db), needs=["rent-help"], states=["WY"])
    rows = rows_of(found, "rent-help")
    assert [t.kind for t in found.topics] == ["concept"]
    assert not rows["Laramie County"].gap and rows["Laramie County"].kind == "concept"
    assert rows["Natrona County"].gap  # Casper's housing service has no such concept


def test_the_page_shows_its_charts_in_a_real_browser(miami_db, tmp_path):
    from tests.support import browser

    page, shot = tmp_path / "coverage.html", tmp_path / "coverage.png"
    needs = {"employment": "employment-legal", "legal": "employment-legal", "food": "community"}  # need: its domain
    assert run_cli("coverage", "--db", str(miami_db), "--state", "FL", *(f"--need={n}" for n in needs),
                   "--html", str(page)).returncode == 0
    width, height, pixels = browser.pixels(browser.screenshot(page, shot, 1200, 2400))
    colour = bytes.fromhex(html_charts.BAR_COLOUR.lstrip("#"))
    bars = sum(1 for p in pixels if bytes(p) == colour)
    # A chart per domain; each bar as long as its need's gaps out of the chart's longest (the full width).
    high, full = html_charts.ROW_HEIGHT - 6, html_charts.BAR_AREA
    gaps = {n: sum(1 for *_, nearby in expected(miami_db, n, "FL", 25).values() if nearby == 0) for n in needs}
    longest = {d: max(gaps[n] for n in needs if needs[n] == d) for d in needs.values()}
    want = sum(round(full * gaps[n] / longest[d]) * high for n, d in needs.items() if gaps[n])
    assert want > 3 * high * 100 and abs(bars - want) <= want * 0.03, (bars, want, gaps)


@pytest.mark.parametrize("radius", [450, 1500])
def test_across_the_180th_meridian_and_over_the_pole_as_a_plain_haversine(tmp_path, radius):
    # Attu (east of the 180th meridian) is 410 miles from Adak (west of it); 1,500 miles from
    # Utqiagvik reaches over the North Pole.
    db = tmp_path / "services.sqlite"
    run_import(db, [record("1", "Attu Station Counseling", ["mental-health"], "AK", 52.9, 173.2),
                    record("2", "Utqiagvik Counseling", ["mental-health"], "AK", 71.29, -156.79),
                    record("3", "Kodiak Counseling", ["mental-health"], "AK", 57.79, -152.40)],
               source="test", format="test", origin="tests")
    # The import keeps US positions west of 146 E only (Guam's), so Attu's is set here.
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE services SET latitude = 52.9, longitude = 173.2 WHERE name = 'Attu Station Counseling'")
    found = coverage.measure(open_readonly(db), needs=["mental-health"], states=["AK"], radius_miles=radius)
    got = {r.county: (r.zips_total, r.zips_covered, r.services_nearby) for r in found.rows}
    assert got == expected(db, "mental-health", "AK", radius)
    assert got["Aleutians West Census Area"][2] >= 1  # Attu reaches Adak across the meridian


def test_a_demo_directory_is_said_to_be_fictional(tmp_path, capsys):
    from helpline_tui.core.demo_build import build_demo

    db = tmp_path / "demo.sqlite"
    build_demo(db, 30, 1)
    code, out, _ = run_here(capsys, "coverage", "--db", str(db), "--need", "housing", "--state", "NY")
    assert code == 0 and out.splitlines()[0] == "Demo data: fictional services."
    code, out, _ = run_here(capsys, "coverage", "--db", str(db), "--need", "housing", "--state", "NY", "--json")
    assert json.loads(out)["demo"] is True


def test_unmet_calls_are_hidden_under_the_installs_smallest_shown_count(small_db, tmp_path, monkeypatch):
    """[tally] min_cell = 10: coverage hides a count of 6 as "<10", as `helpline report` does."""
    config = tmp_path / "config.toml"
    config.write_text("[tally]\nmin_cell = 10\n", encoding="utf-8")
    monkeypatch.setenv("HELPLINE_CONFIG", str(config))
    seat = write_tally(tmp_path / "seat.sqlite",
                       [(f"a{i}", "WY", "Teton County", "housing", "nothing-suitable") for i in range(6)])
    p = run_cli("coverage", "--db", str(small_db), "--state", "WY", "--need", "housing", "--tally", str(seat),
                "--json", env={**os.environ, "HELPLINE_CONFIG": str(config)})
    assert p.returncode == 0, p.stderr
    unmet = {(r["need"], r["county"]): r["unmet_calls"] for r in json.loads(p.stdout)["rows"]}
    assert unmet[("housing", "Teton County")] == "<10"
