"""Places as callers say them: every county in the forms callers use, the nicknames,
boroughs and Spanish names of place_aliases.json, misspelt towns, a street with its town, the place
never dropped, and `place_words` saying what it was read from. Expressions are generated from the
data by rule, and checked through `helpline search --json` in-process."""

from __future__ import annotations


import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli
from helpline_tui.core import geo
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.textnorm import fold


def service(key, name, city, state, zip5, lat, lon, needs, street=None):
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=street or f"{key} Main St",
                         city=city, state=state, zip=zip5, latitude=lat, longitude=lon,
                         phone=f"617-555-01{int(key):02d}", languages=["en", "es"], needs=needs)


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    path = tmp_path_factory.mktemp("places") / "services.sqlite"
    run_import(path, [
        service("1", "Kensington Detox", "Philadelphia", "PA", "19134", 39.9930, -75.1120, ["detox"]),
        service("2", "Chicago Crisis Center", "Chicago", "IL", "60612", 41.8800, -87.6900, ["crisis", "detox"]),
        service("3", "Blue Hill Avenue Clinic", "Boston", "MA", "02121", 42.3070, -71.0850, ["outpatient"],
                street="515 Blue Hill Ave"),
        service("4", "Roxbury Counseling", "Boston", "MA", "02119", 42.3240, -71.0850, ["buprenorphine"]),
        service("5", "Santa Ana Recovery", "Santa Ana", "CA", "92701", 33.7460, -117.8680, ["detox"]),
        service("6", "Knoxville Urgent Care", "Knoxville", "TN", "37902", 35.9600, -83.9200, ["crisis"]),
        service("7", "Blue Hill Harbor House", "Blue Hill", "ME", "04614", 44.4140, -68.5860, ["housing"]),
    ], source="test", format="test", origin="tests")
    return path


def place_of(conn, query: str) -> dict:
    """The `--json` answer's place fields, as `helpline search --json` gives them."""
    out = search(conn, query, Filters(), limit=5).as_json()
    return {k: out.get(k) for k in ("place", "place_words", "nearest_to", "words_not_found")} | {
        "names": [r["name"] for r in out["results"]]}


@pytest.fixture(scope="module")
def conn(directory):
    c = open_readonly(directory)
    yield c
    c.close()


def county_expressions(conn) -> list[tuple[str, str]]:
    """(expression, the county's label) for a sample of counties, every form of each."""
    rows = conn.execute("SELECT DISTINCT county, state FROM zip_centroids WHERE county LIKE '% County' "
                        "ORDER BY county, state").fetchall()
    out = []
    for county, state in rows[::20]:
        for form in geo.county_forms(county):
            out.append((f"{form} {state.lower()}", f"{county}, {state}"))
    return out


def test_every_county_form_is_read_as_that_county(conn):
    cases = county_expressions(conn)
    assert len(cases) > 100
    # The ZIP table writes some counties two ways ("DuPage", "Dupage"): the label is one of them.
    wrong = [(q, want, got["place"]) for q, want in cases
             if fold((got := place_of(conn, f"detox {q}"))["place"] or got["nearest_to"]) != fold(want)]
    assert not wrong, wrong[:10]


def test_every_alias_is_read_as_what_it_means(conn):
    wrong = []
    for name, means, state, _, _ in geo.place_aliases():
        if fold(name) in ("la", "l a"):  # 'la' is Spanish 'the' in a query; it is read in F2 and --near
            continue
        got = place_of(conn, f"housing {fold(name)} ")
        label = got["place"] or got["nearest_to"]
        if label != f"{means}, {state}" or got["place_words"] != fold(name):
            wrong.append((name, label, got["place_words"]))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("query, place, words", [
    ("detox veteran philly", "Philadelphia, PA", "philly"),
    ("detox phily", "Philadelphia, PA", "phily"),
    ("detox bostn", "Boston, MA", "bostn"),
    ("detox orange county", "Orange County, CA", "orange county"),  # where the directory has services
    ("detox condado de orange", "Orange County, CA", "condado de orange"),
    ("detox orange co", "Orange County, CA", "orange co"),
])
def test_nicknames_misspellings_and_counties(conn, query, place, words):
    got = place_of(conn, query)
    assert (got["place"] or got["nearest_to"]) == place and got["place_words"] == words


def test_a_street_with_its_town_is_that_street_there(conn):
    got = place_of(conn, "blue hill ave boston")
    assert got["place"] == "Boston, MA" and got["names"] == ["Blue Hill Avenue Clinic"]
    assert place_of(conn, "blue hill ave")["place"] is None  # a street, not Blue Hill, ME


def test_the_place_is_never_dropped(conn):
    got = place_of(conn, "crisis urgente chicago")
    assert got["place"] == "Chicago, IL" and got["names"] == ["Chicago Crisis Center"]
    assert got["words_not_found"] == ["urgente"]


def test_the_table_says_how_the_place_was_read(directory):
    out = run_cli("search", "detox philly", "--db", str(directory)).stdout
    assert "near Philadelphia, PA (from 'philly')" in out


def typos_of(word: str) -> list[str]:
    """Every one-letter drop and swap inside a word ('boston' -> 'bston', 'bsoton'...)."""
    drops = {word[:i] + word[i + 1:] for i in range(1, len(word))}
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1)}
    return sorted((drops | swaps) - {word})


def test_a_misspelt_town_is_the_town_with_services(conn):
    cases = [(typo, f"{city}, {state}") for city, state in
             (("Philadelphia", "PA"), ("Chicago", "IL"), ("Boston", "MA"), ("Knoxville", "TN"))
             for typo in typos_of(fold(city))]
    assert len(cases) > 30
    wrong = [(typo, want, got["place"] or got["nearest_to"]) for typo, want in cases
             if ((got := place_of(conn, f"housing {typo} "))["place"] or got["nearest_to"]) != want
             or got["place_words"] != typo]
    assert not wrong, wrong[:10]
