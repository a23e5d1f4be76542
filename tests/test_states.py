"""A state or territory is read alike on every path: named in a query ("saipan northern mariana
islands"), given as a code after a city, in `--near "City, ST"`, as an import's state field (a name
or a code, whatever the format), and in `--state`. One table says what the states are
(core/states.py); before it, American Samoa and the Northern Mariana Islands were accepted by the
community formats' importers and rejected by the SAMHSA path and the query."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from helpline_tui.core import states, zones
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from importers import areas
from tests.conftest import run_cli

# (code, name, city, ZIP code, position): a service in each, read from its state's name.
PLACES = [
    ("AS", "American Samoa", "Pago Pago", "96799", -14.2781, -170.7025),
    ("MP", "Northern Mariana Islands", "Saipan", "96950", 15.1850, 145.7467),
    ("DC", "District of Columbia", "Washington", "20001", 38.9122, -77.0177),
    ("PR", "Puerto Rico", "San Juan", "00901", 18.4655, -66.1057),
]


def service(row: int, state: str, city: str, zip5: str, lat: float, lon: float) -> ServiceRecord:
    return ServiceRecord(name=f"{city} Recovery Clinic", source="test", source_key=str(row), row=row,
                         street=f"{row} Main Street", city=city, state=state, zip=zip5, latitude=lat,
                         longitude=lon, phone=f"684-555-01{row:02d}", languages=["en"], needs=["methadone"])


@pytest.fixture(scope="module")
def directory(tmp_path_factory) -> tuple[Path, object]:
    path = tmp_path_factory.mktemp("states") / "services.sqlite"
    # The state field as SAMHSA's files and hand-made exports write it: the name, not the code.
    summary = run_import(path, [service(k, name, city, zip5, lat, lon)
                                for k, (_, name, city, zip5, lat, lon) in enumerate(PLACES, 1)],
                         source="test", format="test", origin="tests")
    return path, summary


@pytest.mark.parametrize("code, name", [(p[0], p[1]) for p in PLACES])
def test_an_import_reads_a_state_name_as_the_community_importers_do(directory, code, name):
    path, summary = directory
    assert [row for row in summary.skipped if name in row["reason"]] == []
    with closing(open_readonly(path)) as conn:
        stored = {state for (state,) in conn.execute("SELECT state FROM services WHERE city = ?",
                                                     (dict((p[1], p[2]) for p in PLACES)[name],))}
    assert stored == {code} == {areas.state_code(name)}


@pytest.mark.parametrize("code, name, city", [p[:3] for p in PLACES])
def test_a_query_naming_the_state_reads_it_as_the_place(directory, code, name, city):
    path, _ = directory
    with closing(open_readonly(path)) as conn:
        for words in (f"methadone {city} {name}".lower(), f"methadone {city} {code}".lower()):
            page = search(conn, words, Filters(), limit=10)
            assert page.place is not None and page.place.label == f"{city}, {code}", words
            assert page.words_not_found == (), words  # no word of the state's name is left to find
            assert [h.record["state"] for h in page.hits] == [code], words


@pytest.mark.parametrize("code, city", [(p[0], p[2]) for p in PLACES])
def test_near_and_state_filters_find_the_same_service(directory, code, city):
    path, _ = directory
    near = json.loads(run_cli("search", "methadone", "--near", f"{city}, {code}", "--json", "--db", str(path)).stdout)
    by_state = json.loads(run_cli("search", "", "--state", code, "--json", "--db", str(path)).stdout)
    assert [r["state"] for r in near["results"]] == [r["state"] for r in by_state["results"]] == [code]


def test_every_state_and_territory_has_its_time_zone():
    assert set(zones.STATE_TIMEZONES) == set(states.STATES)


def test_a_position_in_american_samoa_is_kept_as_given(directory):
    """South of the equator, American Samoa's positions were dropped as out of range and the ZIP
    code's centre taken instead (shown as approximate, "~")."""
    path, _ = directory
    with closing(open_readonly(path)) as conn:
        precision = dict(conn.execute("SELECT state, geo_precision FROM services"))
    assert precision == {"AS": "exact", "MP": "exact", "DC": "exact", "PR": "exact"}
