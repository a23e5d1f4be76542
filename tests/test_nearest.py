""""Nearest, however far" is the nearest: when nothing within the radius of the place a query names
has the need, the services listed are the nearest ones with it, across state lines, in distance
order, with the distance, exactly as a brute-force haversine over the whole directory finds them
(SAMHSA's National Directory 2022). The CLI with --near and nothing inside the radius says how far
the nearest is and the radius that reaches it."""

from __future__ import annotations

import json
import math
import random

import pytest

from helpline_tui.core import geo
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import DEFAULT_RADIUS_MILES, Filters, search
from tests.conftest import run_cli

NEEDS = ("methadone", "detox", "buprenorphine")  # need ids, typed as they are named
SHOWN = 10
SAMPLE = 120  # ZIP codes drawn (seeded) before the rule picks the cases among them, and as many again
SPARSE = ("AK", "ID", "MT", "ND", "NE", "NM", "NV", "OR", "SD", "UT", "WY")  # from these states, for remote ones
PER_KIND = 8  # cases of each kind per need: across a state line, remote, any other


@pytest.fixture(scope="module")
def conn(national_directory_db):
    connection = open_readonly(national_directory_db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def matching(conn):
    """Need -> (latitude, longitude, state) of every active service with it: the need, or the word in
    its names (search finds "methadone" in a site's name too)."""
    out = {}
    for need in NEEDS:
        out[need] = [(lat, lon, state) for lat, lon, state, needs, names in conn.execute(
            "SELECT latitude, longitude, state, needs, match_fold FROM services WHERE status = 'active'")
            if lat is not None and (f'"{need}"' in needs or need in names.replace("|", " ").split())]
    return out


def brute_force(services, latitude: float, longitude: float) -> list[tuple[float, str]]:
    return sorted((geo.haversine_miles(latitude, longitude, lat, lon), state) for lat, lon, state in services)


def cases(conn, matching) -> list[tuple[str, str, str]]:
    """(need, ZIP code, kind) by a fixed rule: ZIP codes drawn with a fixed seed where no service
    with the need is within the default radius (so the search falls back to the nearest anywhere),
    sorted into those whose nearest is across a state line, remote ones (nearest over 100 miles)
    and the others, up to PER_KIND of each; plus the ZIP codes of the issue (Alliance, NE; Jordan, MT).
    Half the draw is from sparsely served states, where the nearest is often far."""
    zips = [row for row in conn.execute("SELECT zip, state, latitude, longitude FROM zip_centroids ORDER BY zip")]
    rng = random.Random(15)
    drawn = [z for pair in zip(rng.sample(zips, SAMPLE), rng.sample([z for z in zips if z[1] in SPARSE], SAMPLE), strict=True)
             for z in pair]
    fixed = [row for row in zips if row[0] in ("69301", "59337")]
    out = []
    for need in NEEDS:
        taken = {"across a state line": 0, "remote": 0, "other": 0}
        for zip5, state, lat, lon in fixed + drawn:
            nearest = brute_force(matching[need], lat, lon)[0]
            if nearest[0] <= DEFAULT_RADIUS_MILES:
                continue
            kind = "across a state line" if nearest[1] != state else "remote" if nearest[0] > 100 else "other"
            if taken[kind] < PER_KIND or zip5 in ("69301", "59337"):
                taken[kind] += 1
                out.append((need, zip5, kind))
    return out


def test_the_nearest_however_far_is_the_brute_force_nearest_for_dozens_of_zip_codes(conn, matching):
    chosen = cases(conn, matching)
    kinds = [kind for _, _, kind in chosen]
    assert len(chosen) >= 40 and kinds.count("across a state line") >= 12 and kinds.count("remote") >= 12
    wrong = []
    for need, zip5, kind in chosen:
        page = search(conn, f"{need} {zip5}", Filters(), limit=SHOWN)
        assert page.nearest_to is not None and page.place is None, (need, zip5)
        expected = brute_force(matching[need], page.nearest_to.latitude, page.nearest_to.longitude)
        got = [(h.distance_miles, h.record["state"]) for h in page.hits]
        if [round(m, 6) for m, _ in got] != [round(m, 6) for m, _ in expected[:SHOWN]]:
            wrong.append(f"{need} {zip5} ({kind}): listed {[(round(m), s) for m, s in got[:5]]}, "
                         f"nearest {[(round(m), s) for m, s in expected[:5]]}")
        assert page.total == len(matching[need])
        assert page.nearest_miles == got[0][0]
    assert not wrong, f"{len(wrong)} of {len(chosen)} not the nearest:\n" + "\n".join(wrong)


@pytest.mark.parametrize("query, city", [
    ("detox jordan mt", "Jordan, MT"), ("methadone lusk wy", "Lusk, WY"), ("buprenorphine marfa tx", "Marfa, TX"),
    ("detox winnemucca nv", "Winnemucca, NV"), ("methadone havre mt", "Havre, MT")])
def test_a_city_and_state_reaches_across_the_state_line_too(conn, matching, query, city):
    page = search(conn, query, Filters(), limit=SHOWN)
    assert page.nearest_to is not None and page.nearest_to.label == city
    need = query.split()[0]
    expected = brute_force(matching[need], page.nearest_to.latitude, page.nearest_to.longitude)[:SHOWN]
    assert [round(h.distance_miles, 6) for h in page.hits] == [round(m, 6) for m, _ in expected]


def test_the_issues_examples_and_how_far_the_nearest_is(conn, national_directory_db):
    # Jordan, MT: Billings (132 mi), not Ogden, UT (490); the nearest detox is Hardin (114), then
    # Williston, ND among the first ten, beyond the state line.
    page = search(conn, "methadone 59337", Filters(), limit=5)
    assert page.hits[0].record["city"] == "Billings" and round(page.nearest_miles) == 132
    page = search(conn, "detox jordan mt", Filters(), limit=SHOWN)
    assert page.hits[0].record["city"] == "Hardin" and "Williston" in [h.record["city"] for h in page.hits]
    out = json.loads(run_cli("search", "detox jordan mt", "--db", str(national_directory_db), "--json").stdout)
    assert out["nearest_to"] == "Jordan, MT" and out["nearest_miles"] == 113.5
    header = run_cli("search", "detox jordan mt", "--db", str(national_directory_db)).stdout.splitlines()[0]
    assert "nearest to Jordan, MT, however far: the closest is 113.5 mi" in header


def test_the_cli_says_how_far_the_nearest_is_when_nothing_is_inside_the_radius(conn, matching,
                                                                               national_directory_db):
    alliance = geo.resolve_place(conn, "69301")
    miles, _ = brute_force(matching["methadone"], alliance.latitude, alliance.longitude)[0]
    db = str(national_directory_db)
    p = run_cli("search", "methadone", "--near", "69301", "--db", db)
    assert p.returncode == 0 and p.stdout.startswith("0 of 0 services near 69301 (Alliance, NE)")
    reach = math.ceil(miles)
    assert f"nothing within 25 mi; the nearest is ~{miles:.1f} mi away: " in p.stdout
    assert f"(Longmont, CO); --radius {reach} reaches it" in p.stdout
    out = json.loads(run_cli("search", "methadone", "--near", "69301", "--db", db, "--json").stdout)
    assert out["total"] == 0 and out["nearest_outside"]["distance_miles"] == round(miles, 1)
    # ... and that radius does reach it, first.
    wider = json.loads(run_cli("search", "methadone", "--near", "69301", "--radius", str(reach), "--db", db,
                               "--json", "--sort", "distance").stdout)
    assert wider["results"][0]["id"] == out["nearest_outside"]["id"]
    nothing = run_cli("search", "methadone zzqxj", "--near", "69301", "--db", db)
    assert "nothing within 25 mi, nor anywhere else" in nothing.stdout


def test_a_wide_radius_far_north_keeps_the_services_at_its_east_and_west_edges(tmp_path):
    # A circle's widest east-west reach is north of its centre: a box miles/69/cos(latitude) wide
    # left out a service 995 miles west-north-west of Jordan, MT, inside a 1,000-mile radius.
    jordan = next((row[5], row[6]) for row in geo.centroid_rows() if row[0] == "59337")  # the ZIP's centroid
    angle = 995 / geo.EARTH_RADIUS_MILES
    lat0, lon0 = map(math.radians, jordan)
    # The point of the circle furthest west: its bearing makes the longitude change greatest.
    lat = math.asin(math.sin(lat0) / math.cos(angle))
    lon = lon0 - math.asin(math.sin(angle) / math.cos(lat0))
    edge = (math.degrees(lat), math.degrees(lon))
    assert jordan[1] - edge[1] > 1000 / (69.0 * math.cos(lat0))  # outside the old box
    db = tmp_path / "services.sqlite"
    run_import(db, [ServiceRecord(name="Edge Of The Circle Clinic", source="test", source_key="1", row=1,
                                  city="Somewhere", state="WA", latitude=edge[0], longitude=edge[1],
                                  needs=["detox"], languages=["en"])],
               source="test", format="test", origin="tests")
    connection = open_readonly(db)
    assert geo.resolve_place(connection, "59337").latitude == jordan[0]
    assert geo.haversine_miles(*jordan, *edge) == pytest.approx(995, abs=0.01)
    page = search(connection, "detox", Filters(near="59337", radius=1000), limit=5)
    assert [h.record["name"] for h in page.hits] == ["Edge Of The Circle Clinic"]
    connection.close()


def test_across_the_180th_meridian_the_nearest_is_still_the_nearest(tmp_path):
    # From Adak, AK (99546) a ring of 200 miles crosses the 180th meridian: its box is cut in two
    # there, and the service near the meridian is still the nearest, before one in Anchorage.
    db = tmp_path / "services.sqlite"
    run_import(db, [
        ServiceRecord(name="West Of The Line Clinic", source="test", source_key="1", row=1, city="Amchitka",
                      state="AK", latitude=51.6, longitude=-179.8, needs=["detox"], languages=["en"]),
        ServiceRecord(name="Anchorage Detox", source="test", source_key="2", row=2, city="Anchorage", state="AK",
                      latitude=61.2, longitude=-149.9, needs=["detox"], languages=["en"]),
    ], source="test", format="test", origin="tests")
    connection = open_readonly(db)
    page = search(connection, "detox 99546", Filters(), limit=5)
    assert page.nearest_to is not None
    assert [h.record["name"] for h in page.hits] == ["West Of The Line Clinic", "Anchorage Detox"]
    assert page.hits[0].distance_miles < 200
    connection.close()
