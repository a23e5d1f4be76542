"""The demo generator: deterministic, fictional phones, real places, every need, Spanish everywhere."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from helpline_tui.core import demo
from helpline_tui.core.records import KINDS, STATUSES, WEEKDAYS

NEEDS_MD = Path(__file__).resolve().parents[2] / "shared" / "spec" / "needs.md"
# The stable ids of spec/needs.md (used when the spec is not next to the project).
SPEC_NEEDS = (
    "substance-use-treatment mental-health detox methadone buprenorphine naltrexone residential outpatient "
    "telehealth co-occurring crisis naloxone hiv-hepatitis family-support childcare housing support-group "
    "peer-support employment legal education social-services community-integration meaning-purpose"
).split()
HEAVY_STATES = ("NY", "CA", "TX", "FL", "MA", "IL", "PR")
FICTIONAL_PHONE = re.compile(r"^[2-9]\d\d-555-01\d\d$")


def spec_need_ids() -> list[str]:
    if not NEEDS_MD.exists():
        return SPEC_NEEDS
    ids = re.findall(r"^\| `([a-z0-9-]+)` \|", NEEDS_MD.read_text(encoding="utf-8"), re.M)
    assert set(SPEC_NEEDS) <= set(ids), "spec/needs.md dropped a stable id"
    return ids


@pytest.fixture(scope="module")
def records():
    return list(demo.generate(2000))


@pytest.fixture(scope="module")
def centroids():
    import zipcodes

    return {z["zip_code"]: (float(z["lat"]), float(z["long"])) for z in zipcodes.list_all() if z["lat"]}


def test_deterministic_for_a_seed():
    assert list(demo.generate(300, seed=7)) == list(demo.generate(300, seed=7))
    assert list(demo.generate(300)) == list(demo.generate(300, seed=2026))
    assert [r.name for r in demo.generate(300, seed=7)] != [r.name for r in demo.generate(300, seed=8)]


def test_a_longer_run_starts_with_the_shorter_one():
    assert list(demo.generate(50)) == list(demo.generate(500))[:50]


@pytest.mark.parametrize("count", [0, 1, 37, 2000])
def test_exact_count_with_unique_keys_and_rows(count):
    recs = list(demo.generate(count))
    assert len(recs) == count
    assert [r.source_key for r in recs] == [f"demo-{i:07d}" for i in range(count)]
    assert [r.row for r in recs] == list(range(1, count + 1))
    assert all(r.source == demo.DEMO_SOURCE for r in recs)


def test_every_spec_need_appears(records):
    seen = {n for r in records for n in r.needs}
    assert set(spec_need_ids()) - seen == set()


def test_every_vocabulary_filter_has_demo_services(records):
    """Whatever the handler filters on (need, population, payment), the demo has services for it."""
    from helpline_tui.core import vocabulary

    vocab = vocabulary.load()
    for facet, ids in (("needs", vocab.needs), ("populations", vocab.populations), ("payment", vocab.payment)):
        seen = {x for r in records for x in getattr(r, facet)}
        assert {t.id for t in ids} - seen == set(), facet
        assert seen <= {t.id for t in ids}, facet
    assert {x for r in records for x in r.languages} <= {t.id for t in vocab.languages}


def test_states_and_cities_spread(records):
    states = Counter(r.state for r in records)
    for st in HEAVY_STATES:
        assert states[st] >= 60, st
    heavy = sum(states[st] for st in HEAVY_STATES) / len(records)
    assert 0.7 <= heavy <= 0.9
    assert len(states) >= 30  # the rest is spread across other states
    cities = {(r.city, r.state) for r in records}
    for place in [("Yonkers", "NY"), ("Chelsea", "MA"), ("Boston", "MA"), ("Miami", "FL"), ("Houston", "TX"),
                  ("Los Angeles", "CA"), ("Chicago", "IL"), ("San Juan", "PR"), ("Phoenix", "AZ")]:
        assert place in cities, place


def test_generated_phones_are_fictional(records):
    phones = [p for r in records for p in (r.phone, r.intake_phone, r.hotline_phone) if p]
    assert len(phones) > len(records)  # most have one, many have two
    assert [p for p in phones if not FICTIONAL_PHONE.match(p)] == []
    treatment = [r for r in records if r.kind == "treatment"]
    assert 0.35 < sum(bool(r.intake_phone) for r in treatment) / len(treatment) < 0.65


def test_only_reserved_domains(records):
    for r in records:
        assert not r.website or re.match(r"^https://([a-z0-9-]+\.)?example\.org(/[a-z0-9/-]*)?$", r.website), r.website
        assert not r.email or r.email.endswith("@example.org"), r.email


def test_coordinates_near_the_zip_centroid(records, centroids):
    points = set()
    for r in records:
        lat, lon = centroids[r.zip]
        assert abs(r.latitude - lat) <= 0.01 and abs(r.longitude - lon) <= 0.01, (r.name, r.zip)
        points.add((round(r.latitude, 6), round(r.longitude, 6)))
    assert len(points) == len(records)  # jittered: no two services on the same spot


def test_place_fields_come_from_the_zip(records):
    import zipcodes

    for r in records[:200]:
        (z,) = zipcodes.matching(r.zip)
        assert (r.city, r.state, r.county) == (z["city"], z["state"], z["county"])


def test_spanish_services_in_every_heavy_state(records):
    for st in HEAVY_STATES:
        here = [r for r in records if r.state == st]
        assert any("es" in r.languages for r in here), st
    spanish_share = sum("es" in r.languages for r in records) / len(records)
    assert 0.2 < spanish_share < 0.4
    pr = [r for r in records if r.state == "PR"]
    assert sum("es" in r.languages for r in pr) / len(pr) > 0.7
    assert any(r.languages == ["es"] for r in records)  # a few Spanish-only
    assert any(not r.languages for r in records)  # a few unknown
    assert any("asl" in r.languages for r in records)
    assert re.search(r"[áéíóúñ]", " ".join(r.name for r in pr))  # Spanish names keep their accents


def test_spanish_meetings_are_spanish(records):
    meetings = [r for r in records if r.name.startswith("Grupo ") and "Anónimos" in r.name]
    assert meetings
    for r in meetings:
        assert r.kind == "support-group" and set(r.languages) <= {"es", "asl"} and r.organization.endswith("Anónimos")
        assert "Reunión" in r.description


def test_names_unique_enough(records):
    assert len({(r.name, r.city) for r in records}) >= 0.9 * len(records)
    assert len({r.name for r in records}) >= 0.6 * len(records)


def test_kinds_and_statuses_are_plausible(records):
    kinds = Counter(r.kind for r in records)
    assert set(kinds) == set(KINDS)
    assert 0.45 < kinds["treatment"] / len(records) < 0.65
    assert 0.12 < kinds["support-group"] / len(records) < 0.28
    statuses = Counter(r.status for r in records)
    assert set(statuses) <= set(STATUSES) and statuses["active"] / len(records) > 0.93
    assert statuses["inactive"] and statuses["temporarily-closed"]
    dated = [r.last_verified for r in records if r.last_verified]
    assert 0.5 < len(dated) / len(records) < 0.7
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", d) for d in dated)


def test_needs_fit_the_service(records):
    for r in records:
        assert r.needs and len(set(r.needs)) == len(r.needs)
        if "Methadone" in r.name or "Metadona" in r.name:
            assert {"methadone", "substance-use-treatment", "outpatient"} <= set(r.needs), r.name
        if "Sober Living" in r.name:
            assert "housing" in r.needs and r.kind == "community"
        if r.kind == "support-group":
            assert "support-group" in r.needs and r.payment == ["free"]
            assert len(r.hours) == 1 and len(next(iter(r.hours.values()))) == 1  # one weekday, one time
        if "co-occurring" in r.needs:
            assert {"mental-health", "substance-use-treatment"} <= set(r.needs)
        if "pregnant" in r.populations:
            assert "women" in r.populations


def test_hours_are_well_formed_and_described(records):
    for r in records:
        assert bool(r.hours) == bool(r.hours_text)
        for day, ranges in r.hours.items():
            assert day in WEEKDAYS
            for start, end in ranges:
                assert re.fullmatch(r"\d\d:\d\d", start) and re.fullmatch(r"\d\d:\d\d", end) and start < end
    texts = {r.hours_text for r in records}
    assert "24 hours, 7 days a week" in texts and "Mon–Fri 8:00 AM–5:00 PM" in texts
    assert any(len(ranges) == 2 for r in records for ranges in r.hours.values())  # split days exist
    assert any(not r.hours for r in records)


def test_service_areas(records):
    areas = [r for r in records if r.service_area_list]
    assert 0 < len(areas) < 0.2 * len(records)
    for r in areas:
        (token,) = r.service_area_list
        if token.startswith("county:"):
            _, st, county = token.split(":")
            assert st == r.state and r.service_area == f"{r.county}, {st}" and r.county.startswith(county)
        else:
            assert token == r.state and r.service_area.startswith("Statewide (")


def test_organizations_sometimes_differ_from_the_site(records):
    differ = [r for r in records if r.kind != "support-group" and r.organization != r.name]
    assert differ and all(r.site_name == r.name for r in differ)


def test_national_lines():
    lines = {r.source_key: r for r in demo.national_lines()}
    assert set(lines) == {"national-samhsa-helpline", "national-988-lifeline", "national-veterans-crisis-line"}
    assert lines["national-samhsa-helpline"].phone == "1-800-662-4357"
    assert lines["national-988-lifeline"].phone == "988"
    assert lines["national-988-lifeline"].website == "https://988lifeline.org"
    assert "press 1" in lines["national-veterans-crisis-line"].description
    assert "veterans" in lines["national-veterans-crisis-line"].populations
    for r in lines.values():
        assert r.source == demo.DEMO_SOURCE and r.status == "active"
        assert r.service_area == "United States" and r.service_area_list == ["US"]
        assert r.street == "" and r.latitude is None and r.longitude is None
        assert r.hours == {d: [["00:00", "24:00"]] for d in WEEKDAYS}
        assert r.hours_text == "24 hours, 7 days a week"
        assert {"crisis", "substance-use-treatment"} & set(r.needs) and "en" in r.languages
    assert {"en", "es"} <= set(lines["national-samhsa-helpline"].languages)


def test_demo_directory_imports_cleanly(tmp_path):
    """Through the real pipeline: no row skipped, nothing merged, every point kept as given."""
    from helpline_tui.core.demo_build import build_demo

    summary = build_demo(tmp_path / "demo.sqlite", size=300)
    assert summary.skipped == [] and summary.merged_duplicates == 0
    assert summary.added == 303 and summary.placeholder_phones_dropped == 0
    assert summary.coordinates_dropped == 0 and summary.positions_from_zip == 0
