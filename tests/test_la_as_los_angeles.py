""""LA" and "L.A." in a query are Los Angeles where the caller means the place: written in
capitals or with dots, or the query's last word after a word that is not small ("detox la"), and
"la county" is Los Angeles County. Where "la" is the Spanish article ("casa de la esperanza", "la
clinica", "clinica de la mujer miami", "metadona en la" lowercase after a small word) it stays one."""

from __future__ import annotations

import json

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli


def service(key, name, city, state, zip5, lat, lon, needs):
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} Main St",
                         city=city, state=state, zip=zip5, latitude=lat, longitude=lon,
                         phone=f"213-555-01{int(key):02d}", languages=["en", "es"], needs=needs)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    path = tmp_path_factory.mktemp("la") / "services.sqlite"
    run_import(path, [
        service("1", "Downtown Detox", "Los Angeles", "CA", "90012", 34.0614, -118.2385, ["detox", "methadone"]),
        service("2", "Harbor Housing", "Long Beach", "CA", "90802", 33.7701, -118.1937, ["housing"]),
        service("3", "Santa Ana Detox", "Santa Ana", "CA", "92701", 33.7460, -117.8680, ["detox"]),
        service("4", "Casa de la Esperanza", "Laredo", "TX", "78040", 27.5306, -99.4803, ["housing"]),
        service("5", "La Clinica", "Oakland", "CA", "94601", 37.7749, -122.2194, ["outpatient"]),
        service("6", "Clinica de la Mujer", "Miami", "FL", "33125", 25.7810, -80.2340, ["outpatient"]),
        service("7", "Baton Rouge Detox", "Baton Rouge", "LA", "70801", 30.4490, -91.1860, ["detox"]),
        service("8", "Clinica Latina", "Laredo", "TX", "78041", 27.5500, -99.4900, ["methadone"]),
        service("9", "La Esperanza Detox", "Laredo", "TX", "78043", 27.5400, -99.4700, ["detox"]),
    ], source="test", format="test", origin="tests")
    return path


@pytest.fixture(scope="module")
def conn(directory):
    c = open_readonly(directory)
    yield c
    c.close()


@pytest.mark.parametrize("query", [
    "detox LA", "detox la", "Detox L.A.", "metadona en LA", "sober housing la", "housing LA ca",
    "vivienda la", "DETOX LA",
])
def test_la_is_los_angeles_where_the_caller_means_the_place(conn, query):
    page = search(conn, query, Filters()).as_json()
    assert page["place"] == "Los Angeles, CA", query
    assert page["results"] and all(r["state"] == "CA" and r["city"] in ("Los Angeles", "Long Beach")
                                   for r in page["results"]), query


@pytest.mark.parametrize("query", ["methadone la county", "detox LA County", "metadona condado de la"])
def test_la_county_is_los_angeles_county(conn, query):
    page = search(conn, query, Filters()).as_json()
    assert page["place"] == "Los Angeles County, CA"
    assert [r["name"] for r in page["results"]][:1] == ["Downtown Detox"]


@pytest.mark.parametrize("query, first, place", [
    ("casa de la esperanza", "Casa de la Esperanza", None),
    ("la clinica", "La Clinica", None),
    ("clinica de la mujer miami", "Clinica de la Mujer", "Miami, FL"),
    ("metadona en la", None, None),  # lowercase after a small word: still an article, no place
    ("detox baton rouge la", "Baton Rouge Detox", "Baton Rouge, LA"),  # after a city: Louisiana
])
def test_the_article_stays_an_article(conn, query, first, place):
    page = search(conn, query, Filters()).as_json()
    assert page["place"] == place
    assert first is None or page["results"][0]["name"] == first


def test_la_beside_a_name_with_the_article_is_still_the_place_with_the_name_one_key_away(conn):
    """'detox LA' is Los Angeles though "La Esperanza Detox" has both words: an article is weak
    evidence of a name. Read as a name, that service comes first."""
    page = search(conn, "detox LA", Filters()).as_json()
    assert page["place"] == "Los Angeles, CA"
    assert (page["other_reading"], page["other_reading_words"]) == ("name", "la")
    as_name = search(conn, "detox LA", Filters(), read_as="name").as_json()
    assert as_name["place"] is None and as_name["results"][0]["name"] == "La Esperanza Detox"


def test_the_cli_says_how_la_was_read(directory):
    out = run_cli("search", "detox LA", "--json", "--db", str(directory))
    assert out.returncode == 0, out.stderr
    page = json.loads(out.stdout)
    assert (page["place"], page["place_words"]) == ("Los Angeles, CA", "la")
    assert "Santa Ana Detox" not in [r["name"] for r in page["results"]]
