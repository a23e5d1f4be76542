"""What a handler types while the caller talks: "methadone yonkers spanish", "housing 10701",
"metadone" with a typo. A city or ZIP after need words is where to look, not a word to find in
names; a misspelt need word still means the need; words left out are said, not hidden."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli
from tests.support.pages import names


def service(key: str, name: str, city: str, state: str, zip5: str, lat: float, lon: float, needs: list[str],
            languages: tuple[str, ...] = ("en", "es")) -> ServiceRecord:
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} Main St", city=city,
                         state=state, zip=zip5, latitude=lat, longitude=lon, phone=f"914-555-01{int(key):02d}",
                         languages=list(languages), needs=needs)


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("place") / "services.sqlite"
    run_import(path, [
        service("1", "Montefiore Medical Center", "Bronx", "NY", "10467", 40.8800, -73.8790, ["methadone"]),
        service("2", "Promesa Methadone Program", "Bronx", "NY", "10457", 40.8470, -73.8990, ["methadone"]),
        # Named for Yonkers, or nearly, but far from it: found by name before, ahead of the Bronx.
        service("3", "Saint Josephs Hospital Yonkers", "Philadelphia", "PA", "19104", 39.9560, -75.1900,
                ["methadone"]),
        service("4", "Alliance Recovery Center", "Conyers", "GA", "30012", 33.6670, -84.0170, ["methadone"]),
        service("5", "Phoenix House", "New York", "NY", "10025", 40.7990, -73.9680, ["housing"]),
        service("6", "Westchester Legal Aid", "White Plains", "NY", "10601", 41.0330, -73.7630, ["legal"]),
        service("7", "Harbor Eating Disorder Clinic", "Boston", "MA", "02118", 42.3400, -71.0700,
                ["eating-disorders"]),
        service("8", "Riverdale Outpatient Clinic", "Bronx", "NY", "10471", 40.9010, -73.9060,
                ["substance-use-treatment"]),
    ], source="test", format="test", origin="tests")
    return path


def test_a_city_after_need_words_is_where_to_look(conn):
    page = search(conn, "methadone yonkers spanish", Filters(), limit=10)
    assert page.place is not None and page.place.label == "Yonkers, NY" and page.place_from_query
    assert names(page) == ["Montefiore Medical Center", "Promesa Methadone Program"]  # nearest first
    assert all(h.distance_miles is not None and h.distance_miles < 25 for h in page.hits)


def test_a_zip_code_after_need_words_is_where_to_look(conn):
    page = search(conn, "methadone 10701", Filters(), limit=10)
    assert page.place is not None and page.place.label.startswith("10701") and page.place_from_query
    assert names(page) == ["Montefiore Medical Center", "Promesa Methadone Program"]


def test_a_need_the_named_place_lacks_lists_the_nearest_anywhere(conn):
    page = search(conn, "legal yonkers", Filters(), limit=10)
    assert names(page) == ["Westchester Legal Aid"]
    page = search(conn, "eating disorder yonkers", Filters(), limit=10)
    assert names(page) == ["Harbor Eating Disorder Clinic"] and page.hits[0].distance_miles > 100


def test_a_name_that_holds_a_need_word_and_a_city_is_a_name(conn):
    page = search(conn, "phoenix house", Filters(), limit=10)
    assert page.place is None and names(page)[0] == "Phoenix House"


def test_a_need_word_still_being_typed_does_not_turn_a_name_into_a_place(conn):
    assert search(conn, "phoenix hous", Filters(), limit=10).place is None


@pytest.mark.parametrize("typo", ["metadone", "methodone", "mehtadone"])
def test_a_misspelt_need_word_finds_every_service_with_that_need(conn, typo):
    right = search(conn, "methadone", Filters(), limit=50)
    wrong = search(conn, typo, Filters(), limit=50)
    assert wrong.total == right.total == 4
    assert set(names(wrong)) == set(names(right))


def test_words_no_result_has_are_named(conn, directory):
    page = search(conn, "methadone eating disorder", Filters(near="10701"), limit=10)
    assert not page.every_word and page.words_not_found == ("eating disorder",)
    assert "Montefiore Medical Center" in names(page)
    p = run_cli("search", "methadone eating disorder", "--near", "10701", "--db", str(directory))
    assert p.returncode == 0 and "not found: eating disorder" in p.stdout
    out = json.loads(run_cli("search", "methadone eating disorder", "--near", "10701", "--db", str(directory),
                             "--json").stdout)
    assert out["words_not_found"] == ["eating disorder"] and out["every_word_matched"] is False
    every = json.loads(run_cli("search", "methadone yonkers", "--db", str(directory), "--json").stdout)
    assert every["every_word_matched"] is True and every["place_from_query"] is True


@pytest.mark.parametrize("query", ["metadona en yonkers", "yonkers methadone", "methadone yonkers new york",
                                   "methadone in yonkers ny", "methadone near yonkers", "methadone 10701 ny"])
def test_the_ways_handlers_name_the_place(conn, query):
    page = search(conn, query, Filters(), limit=10)
    assert page.place is not None and page.place_from_query, query
    assert names(page) == ["Montefiore Medical Center", "Promesa Methadone Program"], query


def test_a_city_still_being_typed_that_a_bigger_city_begins_waits_for_the_next_word(conn):
    assert search(conn, "legal white", Filters(), limit=10).place is None  # White, GA or White Plains?
    page = search(conn, "legal white plains", Filters(), limit=10)
    assert page.place is not None and page.place.label == "White Plains, NY"
    assert names(page) == ["Westchester Legal Aid"]


def test_the_nearest_anywhere_says_from_where(conn, directory):
    page = search(conn, "eating disorder yonkers", Filters(), limit=10)
    assert page.place is None and page.nearest_to is not None and page.nearest_to.label == "Yonkers, NY"
    out = json.loads(run_cli("search", "eating disorder yonkers", "--db", str(directory), "--json").stdout)
    assert out["nearest_to"] == "Yonkers, NY" and out["place_from_query"] is True
    table = run_cli("search", "eating disorder yonkers", "--db", str(directory)).stdout
    assert "nearest to Yonkers, NY" in table.splitlines()[0]


def test_a_word_is_called_missing_only_when_no_ranked_service_has_it(conn):
    page = search(conn, "montefiore zzyzx promesa", Filters(), limit=1)
    assert page.words_not_found == ("zzyzx",)  # promesa is in the second service, not shown


def test_the_state_filter_picks_among_cities_of_one_name(conn):
    where = lambda page: (page.place or page.nearest_to).label  # noqa: E731
    assert where(search(conn, "methadone mount vernon", Filters(), limit=5)) == "Mount Vernon, NY"
    assert where(search(conn, "methadone mount vernon", Filters(state="WA"), limit=5)) == "Mount Vernon, WA"


@pytest.mark.parametrize("query", ["methadone de yonkers", "metadona cerca de 10701", "methadone no yonkers",
                                   "methadone que hable español yonkers"])
def test_spanish_small_words_are_not_languages_or_names(conn, query):
    # 'de' was German and 'no' a word to find: the German-speaking services, or none, and no place.
    page = search(conn, query, Filters(), limit=10)
    assert page.place is not None and page.place_from_query, query
    assert names(page) == ["Montefiore Medical Center", "Promesa Methadone Program"], query


@pytest.mark.parametrize("query", ["alcohol yonkers", "tratamiento de alcohol en yonkers", "alchohol yonkers"])
def test_alcohol_is_a_need_word(conn, query):
    page = search(conn, query, Filters(), limit=10)
    assert page.place is not None and page.place_from_query, query
    assert names(page) == ["Riverdale Outpatient Clinic"], query
