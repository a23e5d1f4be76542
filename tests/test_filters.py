"""Filters are exact: every shown record matches, and `total` counts every match. Checked against
a plain reading of the records on the shipped demo directory."""

from __future__ import annotations

import json

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.geo import haversine_miles, resolve_place
from helpline_tui.core.search import Filters, FilterError, search
from tests.conftest import SHIPPED_DB


@pytest.fixture(scope="module")
def conn():
    return open_readonly(SHIPPED_DB)


@pytest.fixture(scope="module")
def records(conn):
    cur = conn.execute("SELECT id, kind, state, status, languages, needs, populations, payment, latitude, "
                       "longitude, service_area_list FROM services")
    names = [d[0] for d in cur.description]
    out = []
    for row in cur:
        rec = dict(zip(names, row, strict=True))
        for key in ("languages", "needs", "populations", "payment", "service_area_list"):
            rec[key] = json.loads(rec[key])
        out.append(rec)
    return out


def expected(records, conn, f: Filters) -> set[str]:
    place = resolve_place(conn, f.near) if f.near else None
    radius = f.radius or 25
    ids = set()
    for r in records:
        if r["status"] != "active":
            continue
        if f.state and r["state"] != f.state or f.kind and r["kind"] != f.kind:
            continue
        if f.lang and f.lang not in r["languages"]:
            continue
        if any(n not in r["needs"] + r["populations"] + r["payment"] for n in f.needs):
            continue
        if place:
            near = r["latitude"] is not None and haversine_miles(
                place.latitude, place.longitude, r["latitude"], r["longitude"]) <= radius
            covers = "US" in r["service_area_list"] or place.state in r["service_area_list"]
            if not (near or covers):
                continue
        ids.add(r["id"])
    return ids


CASES = [
    Filters(state="NY"),
    Filters(lang="es"),
    Filters(lang="asl", state="CA"),
    Filters(needs=("housing",), lang="es"),
    Filters(needs=("methadone", "medicaid")),
    Filters(needs=("veterans",), kind="treatment"),
    Filters(kind="support-group", lang="es"),
    Filters(near="10701"),
    Filters(near="Houston, TX", radius=10, needs=("detox",)),
    Filters(near="San Juan, PR", radius=50, lang="es"),
    Filters(near="02150", radius=5, kind="community"),
]


@pytest.mark.parametrize("f", CASES, ids=lambda f: json.dumps(f.as_json()))
def test_empty_query_with_filters_is_exact(conn, records, f):
    page = search(conn, "", f, limit=5000)
    want = expected(records, conn, f)
    assert page.total == len(want)
    assert {h.record["id"] for h in page.hits} == want


def test_distance_is_sorted_and_within_radius(conn):
    page = search(conn, "", Filters(near="Chicago, IL", radius=15), limit=500)
    distances = [h.distance_miles for h in page.hits if not h.area_wide]
    assert distances == sorted(distances) and all(d <= 15 for d in distances)
    assert page.total > 10


def test_national_lines_are_kept_near_any_place_and_flagged(conn):
    page = search(conn, "", Filters(near="Yonkers, NY", radius=1), limit=500)
    national = [h for h in page.hits if h.area_wide]
    assert any("988" in (h.record["phone"] or "") for h in national)
    assert all(h.distance_miles is None for h in national)


def test_inactive_services_are_never_shown_by_default(conn, records):
    inactive = {r["id"] for r in records if r["status"] != "active"}
    assert inactive
    page = search(conn, "", Filters(), limit=5000)
    assert not inactive & {h.record["id"] for h in page.hits}
    assert search(conn, "", Filters(include_inactive=True), limit=0).total == len(records)


@pytest.mark.parametrize("bad", [Filters(state="New York"), Filters(lang="spanish!"), Filters(kind="hospital"),
                                 Filters(needs=("unicorns",)), Filters(near="99999"), Filters(near="10701", radius=0)])
def test_bad_filter_values_raise_one_clear_sentence(conn, bad):
    with pytest.raises(FilterError) as info:
        search(conn, "", bad)
    assert "\n" not in str(info.value)
