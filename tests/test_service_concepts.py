"""Service concepts end to end: a record carries what its source codes (or, with no codes, what its
own words say, marked inferred); a query's concept phrase is read as that concept and ranks the
services carrying it above names that merely hold its words; filler words are never required."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import search
from tests.conftest import miami_211_copy, run_cli
from tests.support.pages import names

HIALEAH = ("Hialeah", "FL", "33010", 25.8576, -80.2781)


def service(key: str, name: str, needs: list[str], concepts: list[str] = (), description: str = "",
            organization: str = "") -> ServiceRecord:
    city, state, zip5, lat, lon = HIALEAH
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} Palm Ave", city=city,
                         state=state, zip=zip5, latitude=lat + int(key) / 1000, longitude=lon,
                         phone=f"305-555-01{int(key):02d}", languages=["en", "es"], needs=needs,
                         concepts=list(concepts), description=description, organization=organization, kind="community")


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("concepts") / "services.sqlite"
    run_import(path, [
        # Names holding the query's words, which used to lead: no rent help here.
        service("1", "Help Desk Computer Repair", []),
        service("2", "Rent Smart Furniture Outlet", []),
        service("3", "Hialeah Housing Authority", ["housing"], ["affordable-housing"]),
        service("4", "Neighbors In Need Emergency Fund", ["housing"], ["rent-help"]),
        service("5", "New Dawn Recovery Residence", ["housing"], ["sober-living"]),
        # No codes from its source: its concept is read from its name, and said to be.
        service("6", "Hialeah Community Food Pantry", ["food"]),
        # A description that negates a service gives no concept.
        service("7", "Civil Rights Advocates", ["legal"], [],
                "Our cases do not include landlord/tenant issues, rent assistance or shelter."),
    ], source="test", format="test", origin="tests")
    return path


@pytest.mark.parametrize("query", ["help paying rent hialeah", "rent assistance in hialeah",
                                   "ayuda para pagar la renta en hialeah", "my son needs help with rent hialeah"])
def test_a_concept_phrase_finds_the_services_that_give_it_before_names_with_its_words(conn, query):
    page = search(conn, query, limit=5)
    assert page.place is not None and page.place.city == "Hialeah"
    assert [c.id for c in page.concepts_read] == ["rent-help"]
    assert names(page)[0] == "Neighbors In Need Emergency Fund"
    assert "Help Desk Computer Repair" not in names(page)
    assert names(page).index("Neighbors In Need Emergency Fund") < names(page).index("Rent Smart Furniture Outlet") \
        if "Rent Smart Furniture Outlet" in names(page) else True


def test_sober_living_is_not_the_same_as_affordable_housing(conn):
    page = search(conn, "sober living hialeah", limit=5)
    assert names(page)[0] == "New Dawn Recovery Residence"
    assert [c.id for c in page.concepts_read] == ["sober-living"]


def test_filler_words_are_never_required_of_a_name(conn):
    # 'help', 'programs', 'services' are in no name here: the food pantry is still found, first.
    page = search(conn, "food pantry help programs services in hialeah", limit=5)
    assert page.every_word and names(page)[0] == "Hialeah Community Food Pantry"
    # With nothing else asked, the words are what was typed: a name's words.
    assert names(search(conn, "help desk", limit=3))[0] == "Help Desk Computer Repair"


def test_json_says_the_concepts_read_and_each_results_concepts_inferred_or_not(directory):
    p = run_cli("search", "--db", str(directory), "--json", "--limit", "10", "food pantry hialeah")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["concepts_read"] == [{"id": "food-pantry", "label": "Food pantry"}]
    pantry = next(r for r in out["results"] if r["name"] == "Hialeah Community Food Pantry")
    assert pantry["concepts"] == [{"id": "food-pantry", "label": "Food pantry", "inferred": True}]
    p = run_cli("search", "--db", str(directory), "--json", "--limit", "10", "rent help hialeah")
    fund = next(r for r in json.loads(p.stdout)["results"] if r["name"] == "Neighbors In Need Emergency Fund")
    assert fund["concepts"] == [{"id": "rent-help", "label": "Help paying rent", "inferred": False}]
    advocates = run_cli("search", "--db", str(directory), "--json", "civil rights advocates")
    assert json.loads(advocates.stdout)["results"][0]["concepts"] == []  # negated: no rent help, no shelter


@pytest.fixture(scope="module")
def miami(tmp_path_factory, miami_211_imported) -> Path:
    return miami_211_copy(miami_211_imported, tmp_path_factory.mktemp("miami"))


def test_miami_211_records_carry_their_coded_concepts_and_category_words(miami):
    conn = open_readonly(miami)
    # The ACLU's description says its cases do not include landlord/tenant or housing issues.
    aclu = conn.execute("SELECT needs, concepts, concepts_inferred FROM services "
                        "WHERE name LIKE 'AMERICAN CIVIL LIBERTIES UNION%'").fetchone()
    assert "housing" not in json.loads(aclu[0]) and aclu[1:] == ("[]", "[]")
    coded = conn.execute("SELECT count(*) FROM services WHERE concepts LIKE '%\"rent-help\"%'").fetchone()[0]
    assert coded >= 20
    # The source's own category names are words search finds ('Congregate Meals/Nutrition Sites').
    page = search(conn, "congregate", limit=100)
    assert sum("congregate" not in h.record["name"].lower() for h in page.hits) >= 20
    page = search(conn, "help paying rent miami", limit=5)
    assert [c.id for c in page.concepts_read] == ["rent-help"]
    assert all("rent-help" in h.record["concepts"] for h in page.hits)


def test_filler_typed_as_part_of_a_name_still_finds_that_name_first(tmp_path):
    """'programs', 'services', 'help' carry no service meaning, but a handler who types a whole name
    ('adult treatment programs') means the service so named, not one that merely shares its other words."""
    path = tmp_path / "services.sqlite"
    run_import(path, [service("1", "Adult Treatment Center", ["outpatient"]),
                      service("2", "Adult Treatment Programs", ["outpatient"]),
                      service("3", "Helping Hands Associates", ["family-support"]),
                      service("4", "Hands Associates", ["family-support"])],
               source="test", format="test", origin="tests")
    connection = open_readonly(path)
    try:
        assert names(search(connection, "adult treatment programs"))[0] == "Adult Treatment Programs"
        assert names(search(connection, "helping hands associates"))[0] == "Helping Hands Associates"
    finally:
        connection.close()
