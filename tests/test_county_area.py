"""A county is its area, not a circle: `detox los angeles county` lists the services whose
ZIP code is in Los Angeles County, never Anaheim or Santa Ana (Orange County), nearest the county's
centre first; a town stays a circle. Checked on SAMHSA's National Directory 2022, each hit's ZIP code
looked up in the ZIP table by the test itself."""

from __future__ import annotations

import json

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli

COUNTIES = [  # (query, the label said, county as the ZIP table writes it, state, need id)
    ("detox los angeles county", "Los Angeles County, CA", "Los Angeles County", "CA", "detox"),
    ("methadone orange county ca", "Orange County, CA", "Orange County", "CA", "methadone"),
    ("methadone westchester", "Westchester County, NY", "Westchester County", "NY", "methadone"),
    ("detox miami-dade", "Miami-Dade County, FL", "Miami-Dade County", "FL", "detox"),
    ("buprenorphine cook county", "Cook County, IL", "Cook County", "IL", "buprenorphine"),
    ("condado de los angeles metadona", "Los Angeles County, CA", "Los Angeles County", "CA", "methadone"),
]


@pytest.fixture(scope="module")
def conn(national_directory_db):
    connection = open_readonly(national_directory_db)
    yield connection
    connection.close()


def county_of(conn, zip5: str) -> tuple[str, str] | None:
    row = conn.execute("SELECT county, state FROM zip_centroids WHERE zip = ?", (zip5,)).fetchone()
    return tuple(row) if row else None


@pytest.mark.parametrize("query, label, county, state, need", COUNTIES)
def test_a_county_lists_its_own_services_and_no_neighbours(conn, query, label, county, state, need):
    page = search(conn, query, Filters(), limit=1000).as_json()
    assert page["place"] == label
    placed = [r for r in page["results"] if not r["area_wide"]]
    outside = [(r["name"], r["city"], r["zip"]) for r in placed if county_of(conn, r["zip"]) != (county, state)]
    assert not outside, f"{query!r} listed services outside {county}: {outside[:5]}"
    # Every active service of the county with the need is there (the ZIP table says which).
    expected = {rid for (rid,) in conn.execute(
        "SELECT s.id FROM services s JOIN zip_centroids z ON z.zip = s.zip JOIN service_facets f ON f.rid = s.rid "
        "WHERE z.county = ? AND z.state = ? AND f.value = ? AND s.status = 'active'", (county, state, need))}
    assert expected and expected <= {r["id"] for r in page["results"]}
    assert all(r["distance_miles"] is not None for r in placed)  # from the county's centre, said
    nearest_first = search(conn, query, Filters(), limit=1000, sort="distance").as_json()["results"]
    distances = [r["distance_miles"] for r in nearest_first if not r["area_wide"]]
    assert distances == sorted(distances) and len(nearest_first) == len(page["results"])


def test_los_angeles_county_is_not_a_circle_reaching_orange_county(conn):
    """The old circle (farthest ZIP + 5 mi, 56 mi) held Orange County's detox services: the
    directory has some, they are near, and they are not listed."""
    orange = {rid for (rid,) in conn.execute(
        "SELECT s.id FROM services s JOIN zip_centroids z ON z.zip = s.zip JOIN service_facets f ON f.rid = s.rid "
        "WHERE z.county = 'Orange County' AND z.state = 'CA' AND f.value = 'detox'")}
    assert orange
    found = {r["id"] for r in search(conn, "detox los angeles county", Filters(), limit=1000).as_json()["results"]}
    assert not found & orange


def test_a_town_stays_a_circle(conn):
    """'detox long beach' (a town of Los Angeles County) still reaches across the county line."""
    page = search(conn, "detox long beach", Filters(), limit=1000).as_json()
    assert page["place"] == "Long Beach, CA"
    counties = {county_of(conn, r["zip"]) for r in page["results"]}
    assert ("Orange County", "CA") in counties


def test_the_near_filter_takes_a_county_as_its_area_and_a_wider_radius_goes_beyond(national_directory_db):
    def cities(*extra):
        out = run_cli("search", "detox", "--near", "Los Angeles County, CA", "--limit", "1000", "--json",
                      "--db", str(national_directory_db), *extra)
        assert out.returncode == 0, out.stderr
        return {r["city"] for r in json.loads(out.stdout)["results"]}

    assert "Anaheim" not in cities() and "Los Angeles" in cities()
    assert "Anaheim" in cities("--radius", "80")  # F9 or --radius wider than the county: a circle too


def test_a_service_without_zip_is_placed_by_its_nearest_zip_centroid(tmp_path):
    """A service with no ZIP code is in the county its position's nearest ZIP centroid is in: one
    in Long Beach (Los Angeles County) is listed, one 3 miles away in Seal Beach (Orange County) is not."""
    db = tmp_path / "services.sqlite"

    def service(key, name, city, lat, lon):
        return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} Ocean Blvd",
                             city=city, state="CA", zip="", latitude=lat, longitude=lon,
                             phone=f"562-555-01{int(key):02d}", needs=["detox"])

    run_import(db, [service("1", "Harbor Detox", "Long Beach", 33.7701, -118.1937),
                    service("2", "Seal Beach Detox", "Seal Beach", 33.7414, -118.1048)],
               source="test", format="test", origin="tests")
    with open_readonly(db) as conn:
        names = [h.record["name"] for h in search(conn, "detox los angeles county", Filters()).hits]
    assert names == ["Harbor Detox"]


def test_nothing_in_a_county_says_the_county_and_the_nearest_outside(national_directory_db):
    """No methadone in Loving County, TX: the table says nothing is in the county (not "within 25
    mi", a circle it never searched), how far the nearest is and the radius that reaches it."""
    out = run_cli("search", "methadone", "--near", "Loving County, TX", "--db", str(national_directory_db))
    assert out.returncode == 0, out.stderr
    assert "nothing in Loving County, TX; the nearest is" in out.stdout and "reaches it" in out.stdout
    named = json.loads(run_cli("search", "methadone loving county", "--json", "--db",
                               str(national_directory_db)).stdout)
    assert named["nearest_to"] == "Loving County, TX" and named["nearest_miles"] > 0
