"""A town the directory's own addresses name, which the ZIP table files under another postal city
(USPS calls North Miami, Kendall and Doral "Miami"), is still the caller's place: never dropped."""

from __future__ import annotations

import json

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.conftest import run_cli


def service(key: str, name: str, city: str, zip5: str, lat: float, lon: float, needs=("food",)) -> ServiceRecord:
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} NE 125th St",
                         city=city, state="FL", zip=zip5, latitude=lat, longitude=lon, phone=f"305-555-01{key}",
                         needs=list(needs), kind="community")


@pytest.fixture(scope="module")
def directory(tmp_path_factory):
    path = tmp_path_factory.mktemp("towns") / "services.sqlite"
    run_import(path, [
        service("11", "Biscayne Community Pantry", "North Miami", "33161", 25.8909, -80.1867),
        service("12", "Northside Job Works", "North Miami", "33181", 25.8990, -80.1610, ("employment",)),
        service("13", "Little River Food Bank", "Miami", "33137", 25.8154, -80.1836),
        service("14", "Homestead Food Pantry", "Homestead", "33030", 25.4687, -80.4776),
        service("15", "Online Pantry Line", "Online", "", 25.77, -80.19),  # no ZIP of its own: never a town
    ], source="test", format="test", origin="tests")
    return path


@pytest.mark.parametrize("query", ["food pantry north miami", "food assistance in north miami",
                                   "comida en north miami", "food north maimi"])
def test_a_town_the_zip_table_calls_by_another_name_is_the_place(directory, query):
    p = run_cli("search", query, "--db", str(directory), "--json")
    assert p.returncode == 0, p.stderr
    page = json.loads(p.stdout)
    assert page["place"].startswith("North Miami, FL"), page["place"]
    assert page["results"][0]["name"] == "Biscayne Community Pantry"
    assert "Homestead Food Pantry" not in [r["name"] for r in page["results"]]  # 40 miles south


def test_the_town_works_as_a_place_given_by_hand_and_online_is_no_town(directory):
    p = run_cli("search", "food", "--near", "North Miami, FL", "--db", str(directory), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["results"][0]["name"] == "Biscayne Community Pantry"
    p = run_cli("search", "food", "--near", "Online, FL", "--db", str(directory))
    assert p.returncode != 0 and "not a known US city" in p.stderr
