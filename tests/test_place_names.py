"""Places callers name that the ZIP table calls otherwise: New York City's boroughs (its ZIP codes
are named "New York" or by neighbourhood, and "Manhattan" was Manhattan, KS) and Spanish city
names ("Nueva York"). Each stands for the ZIP codes of its counties (core/data/place_aliases.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpline_tui.core import geo
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli
from tests.support.pages import names


def service(key: str, name: str, city: str, zip5: str, lat: float | None, lon: float | None,
            needs: list[str], state: str = "NY") -> ServiceRecord:
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} Main St", city=city,
                         state=state, zip=zip5, latitude=lat, longitude=lon, phone=f"718-555-01{int(key):02d}",
                         needs=needs)


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("places") / "services.sqlite"
    run_import(path, [
        service("1", "Jamaica Detox Unit", "Jamaica", "11432", 40.7150, -73.7930, ["detox"]),
        service("2", "Flushing Withdrawal Center", "Flushing", "11354", 40.7680, -73.8270, ["detox"]),
        service("3", "Midtown Detox", "New York", "10018", 40.7550, -73.9930, ["detox", "methadone"]),
        service("4", "Flint Hills Detox", "Manhattan", "66502", 39.1840, -96.5720, ["detox"], state="KS"),
        service("6", "Uptown Detox Center", "New York", "10027", 40.8110, -73.9530, ["detox"]),
        # Chelsea has one ZIP code in each of seven states: the one with services is meant.
        service("7", "Chelsea Withdrawal Program", "Chelsea", "02150", 42.3920, -71.0330, ["detox"], state="MA"),
        # Lawrence has 5 ZIP codes in Kansas, 4 in Massachusetts: a city of that size in both.
        service("8", "Merrimack Valley Detox", "Lawrence", "01841", 42.7070, -71.1630, ["detox"], state="MA"),
        service("9", "Mott Haven South Detox", "Bronx", "10454", 40.8080, -73.9190, ["detox"]),
        # A source that gives the borough as the city, and no ZIP code or position.
        service("5", "Queens Peer Housing", "Queens", "", None, None, ["housing"]),
    ], source="test", format="test", origin="tests")
    return path


def test_a_borough_after_a_need_is_where_to_look(conn):
    page = search(conn, "detox queens", Filters(), limit=10)
    assert page.place is not None and page.place.label == "Queens, NY" and page.place_from_query
    assert names(page)[:2] == ["Jamaica Detox Unit", "Flushing Withdrawal Center"]  # nearest first
    assert "Flint Hills Detox" not in names(page)


def test_manhattan_is_new_york_county_not_kansas(conn):
    page = search(conn, "detox manhattan", Filters(), limit=10)
    assert page.place is not None and page.place.label == "Manhattan, NY"
    assert names(page)[0] == "Midtown Detox" and "Flint Hills Detox" not in names(page)
    # A state after the name still picks the other one.
    kansas = search(conn, "detox manhattan ks", Filters(), limit=10)
    assert kansas.place is not None and kansas.place.label == "Manhattan, KS"
    assert names(kansas) == ["Flint Hills Detox"]


@pytest.mark.parametrize("query", ["metadona en nueva york", "methadone nyc", "methadone new york city"])
def test_new_york_city_by_its_other_names(conn, query):
    page = search(conn, query, Filters(), limit=10)
    assert page.place is not None and page.place_from_query and page.place.state == "NY", query
    assert names(page) == ["Midtown Detox"], query


def test_the_place_picker_and_near_know_the_boroughs(conn, directory):
    assert "Queens, NY" in geo.place_suggestions(conn, "quee")
    out = json.loads(run_cli("search", "detox", "--near", "Queens, NY", "--db", str(directory), "--json").stdout)
    assert [r["name"] for r in out["results"]][:2] == ["Jamaica Detox Unit", "Flushing Withdrawal Center"]


def test_a_record_placed_only_by_its_borough_gets_the_borough_centre(conn):
    row = conn.execute("SELECT latitude, longitude, geo_precision FROM services WHERE name = 'Queens Peer Housing'"
                       ).fetchone()
    assert row[2] == "zip-centroid"
    assert 40.5 < row[0] < 40.8 and -73.97 < row[1] < -73.7  # within Queens
    page = search(conn, "housing", Filters(near="11432"), limit=10)
    assert names(page) == ["Queens Peer Housing"]


def test_a_neighbourhood_is_its_zip_codes(conn):
    page = search(conn, "detox harlem", Filters(), limit=10)
    assert page.place is not None and page.place.label == "Harlem, NY"  # not Harlem, GA or MT
    assert names(page)[0] == "Uptown Detox Center"


def test_a_town_name_in_several_states_means_the_one_with_services(conn):
    page = search(conn, "detox chelsea", Filters(), limit=10)
    assert page.place is not None and page.place.label == "Chelsea, MA"  # alphabetical order said AL
    assert names(page)[0] == "Chelsea Withdrawal Program"
    # The place picker suggests the same Chelsea first (Enter takes it).
    assert geo.place_suggestions(conn, "chelsea")[0] == "Chelsea, MA"


def test_a_city_of_about_the_same_size_in_two_states_means_the_one_with_services(conn):
    page = search(conn, "detox lawrence", Filters(), limit=10)
    assert page.place is not None and page.place.label == "Lawrence, MA"  # more ZIP codes said KS
    assert names(page)[0] == "Merrimack Valley Detox"


@pytest.mark.parametrize("query", ["detox the bronx", "detox el bronx", "detox south bronx"])
def test_the_bronx_by_its_names(conn, directory, query):
    page = search(conn, query, Filters(), limit=10)
    assert page.place is not None and page.place.state == "NY" and names(page)[0] == "Mott Haven South Detox", query
    out = json.loads(run_cli("search", "detox", "--near", "The Bronx, NY", "--db", str(directory), "--json").stdout)
    assert out["results"][0]["name"] == "Mott Haven South Detox"
