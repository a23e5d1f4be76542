"""Meeting Guide importer: the real aasepia feed (Spanish meetings, hours, closures), off-spec
feeds, bad inputs through the real CLI, and a URL import."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from helpline_tui.core.search import Filters, search
from importers.detect import sample
from importers import meeting_guide
from tests.conftest import run_cli, sample_records, shared_file

FEED = ("meetings", "meetingguide_aasepia_2024.json")


def split(items):
    items = list(items)
    return ([i for i in items if isinstance(i, ServiceRecord)], [i for i in items if isinstance(i, SkippedRow)])


def feed_file(tmp_path: Path, meetings) -> str:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(meetings), encoding="utf-8")
    return str(path)


def one(tmp_path: Path, **fields) -> ServiceRecord | SkippedRow:
    meeting = {"name": "Test Group", "slug": "test", "day": 2, "time": "19:00", "end_time": "20:00",
               "types": ["O"], "formatted_address": "9 Park Avenue, Chelsea, MA 02150, USA"}
    meeting.update(fields)
    return list(meeting_guide.read(feed_file(tmp_path, [meeting])))[0]


# ------------------------------------------------------------------------------ the real feed

@pytest.fixture(scope="module")
def aasepia():
    path = shared_file(*FEED)
    return json.loads(path.read_text(encoding="utf-8")), split(meeting_guide.read(str(path)))


def test_every_meeting_is_a_support_group_record(aasepia):
    meetings, (records, skipped) = aasepia
    assert (len(meetings), len(records), len(skipped)) == (2038, 2038, 0)
    assert {r.kind for r in records} == {"support-group"}
    assert all("support-group" in r.needs for r in records)
    assert len({r.source_key for r in records}) == 2038


def test_only_type_s_meetings_are_spanish(aasepia):
    meetings, (records, _) = aasepia
    spanish_slugs = {m["slug"] for m in meetings if "S" in m["types"]}
    assert {r.source_key for r in records if "es" in r.languages} == spanish_slugs
    speakers = [r for r in records if "SP" in r.source_codes and "S" not in r.source_codes]
    assert len(speakers) > 200 and all(r.languages == [] for r in speakers)


def test_named_meeting_hours_address_and_text(aasepia):
    _, (records, _) = aasepia
    r = next(r for r in records if r.name == "Nuevo Camino")
    assert r.hours == {"sun": [["10:00", "11:00"]]} and r.hours_text == "Sunday 10am–11am"
    assert (r.street, r.city, r.state, r.zip, r.county) == ("1924 S 7th St", "Philadelphia", "PA", "19148", "Philadelphia")
    assert (r.organization, r.site_name) == ("D68 / GSO #177339", "Grupo Nuevo Camino (D68)")
    assert r.service_area == "Philadelphia County > East Passyunk Crossing"
    assert r.languages == ["es"] and r.last_verified == "2020-12-31"
    # The source's note, as written; the types stay codes for the page to name in its language.
    assert r.description == "Spanish-Speaking" and r.source_codes == ["O", "S"]
    assert (r.latitude, r.longitude) == (39.9246142, -75.1579925)


def test_closed_rooms(aasepia):
    meetings, (records, _) = aasepia
    by_slug = {r.source_key: r for r in records}
    closed = [m for m in meetings if "TC" in m["types"] and "ONL" not in m["types"] and not m["conference_url"]
              and not m["conference_phone"]]
    assert closed and all(by_slug[m["slug"]].status == "temporarily-closed" for m in closed)
    online = [m for m in meetings if "TC" in m["types"] and "ONL" in m["types"]]
    assert len(online) == 77
    for m in online:
        r = by_slug[m["slug"]]
        assert r.status == "active" and r.description == m["notes"].strip()
        if m["conference_url"]:
            assert r.website == m["conference_url"]
        if m["conference_phone"]:
            assert r.phone == m["conference_phone"]


def test_spanish_search_lists_exactly_the_type_s_meetings(tmp_path):
    path = shared_file(*FEED)
    expected = {m["slug"] for m in json.loads(path.read_text(encoding="utf-8")) if "S" in m.get("types", [])}
    db = tmp_path / "mg.sqlite"
    result = run_cli("import", "meeting-guide", str(path), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["added"], summary["skipped_count"]) == (2038, 2038, 0)
    conn = open_readonly(db)
    page = search(conn, "", Filters(kind="support-group", lang="es"), limit=1000)
    assert page.total == len(expected) == 48
    keys = {row[0] for row in conn.execute(
        "SELECT source_record_id FROM services WHERE id IN (%s)" % ",".join("?" * len(page.hits)),
        [h.record["id"] for h in page.hits])}
    assert keys == expected
    cli = run_cli("search", "", "--kind", "support-group", "--lang", "es", "--db", str(db), "--json")
    assert json.loads(cli.stdout)["total"] == len(expected)


# ------------------------------------------------------------------------------ off-spec and edge cases

def test_twelve_hour_time_without_end_or_coordinates(tmp_path):
    r = one(tmp_path, time="11:00 AM", end_time=None, day=[1, 3], latitude=None, longitude=None,
            formatted_address=None, address="300 Broadway, Chelsea, MA 02150", updated="8/25/2022 11:17:07 AM")
    assert r.hours == {"mon": [["11:00", "12:00"]], "wed": [["11:00", "12:00"]]}
    assert r.hours_text == "Monday, Wednesday 11am–noon (end time not given; 1 hour assumed)"
    assert (r.street, r.city, r.state, r.zip, r.latitude) == ("300 Broadway", "Chelsea", "MA", "02150", None)
    assert r.last_verified == "2022-08-25"


def test_meeting_without_coordinates_is_placed_by_zip(tmp_path):
    db = tmp_path / "z.sqlite"
    feed = feed_file(tmp_path, [{"name": "No Coordinates Group", "slug": "nc", "day": 1, "time": "7:30 PM",
                                 "formatted_address": "9 Park Avenue, Chelsea, MA 02150, USA", "types": ["S"]}])
    run_import(db, meeting_guide.read(feed), source="meeting-guide", format="meeting-guide", origin=feed)
    row = open_readonly(db).execute("SELECT geo_precision, latitude IS NOT NULL, hours FROM services").fetchone()
    assert row == ("zip-centroid", 1, '{"mon": [["19:30", "20:30"]]}')


def test_online_and_hybrid(tmp_path):
    online = one(tmp_path, attendance_option="online", conference_url="https://zoom.example/j/1",
                 conference_phone="+13017158592,,503536771#", url="https://intergroup.example/m/1")
    assert online.website == "https://zoom.example/j/1" and online.status == "active"
    # The dial-in is the meeting's phone; how it meets is said by the page, not stored as English.
    assert online.phone == "+13017158592,,503536771#" and online.description == ""
    hybrid = one(tmp_path, attendance_option="hybrid", conference_url="https://zoom.example/j/2")
    assert hybrid.description == "" and hybrid.street == "9 Park Avenue" and hybrid.website == "https://zoom.example/j/2"
    assert one(tmp_path, attendance_option="inactive").status == "inactive"
    assert one(tmp_path, types=["TC", "O"]).status == "temporarily-closed"


@pytest.mark.parametrize("types, langs", [
    (["SP"], []), (["S"], ["es"]), (["S", "EN"], ["es", "en"]), (["POL"], ["pl"]), (["ASL"], ["asl"]),
    (["FR", "D"], ["fr"]), ([], []),
])
def test_language_types(tmp_path, types, langs):
    assert one(tmp_path, types=types).languages == langs


def test_types_as_a_sheet_string_populations_and_al_anon(tmp_path):
    r = one(tmp_path, types="W, LGBTQ, AL-AN")
    assert r.populations == ["women", "lgbtq"] and r.needs == ["support-group", "family-support"]
    assert one(tmp_path, name="Serenity Al-Anon Family Group", types=[]).needs == ["support-group", "family-support"]
    assert one(tmp_path, types=["XYZ", "ONL"]).unmapped_codes == ["XYZ"]


def test_approximate_location_and_string_coordinates(tmp_path):
    assert (one(tmp_path, latitude="42.39", longitude="-71.03").latitude) == 42.39
    assert one(tmp_path, latitude="42.39", longitude="-71.03", approximate="yes").latitude is None


def test_keys_without_slug_are_stable_and_distinct(tmp_path):
    meetings = [{"name": "Same Name", "day": d, "time": "19:00", "formatted_address": "Chelsea, MA, USA"} for d in (1, 2)]
    first = [r.source_key for r in meeting_guide.read(feed_file(tmp_path, meetings))]
    second = [r.source_key for r in meeting_guide.read(feed_file(tmp_path, meetings))]
    assert first == second and len(set(first)) == 2


def test_personal_fields_are_not_kept(tmp_path):
    r = one(tmp_path, venmo="@someone", contact_1_email="a@b.org", contact_1_name="Ann", email="x@y.org")
    assert not {"venmo", "contact_1_email", "contact_1_name", "email"} & set(r.raw)


def test_by_appointment_meeting_has_no_hours(tmp_path):
    r = one(tmp_path, day=None, time=None, end_time=None)
    assert r.hours == {} and r.hours_text == "By appointment or schedule not given"


@pytest.mark.parametrize("fields, field", [
    ({"day": 7}, "day"), ({"day": "funday"}, "day"), ({"time": "soon"}, "time"), ({"name": ""}, "name"),
])
def test_bad_rows_are_skipped_with_the_field(tmp_path, fields, field):
    skipped = one(tmp_path, **fields)
    assert isinstance(skipped, SkippedRow) and (skipped.row, skipped.field) == (1, field)


def test_non_object_items_are_skipped(tmp_path):
    records, skipped = split(meeting_guide.read(feed_file(tmp_path, [
        {"name": "A", "slug": "a", "day": 0, "time": "10:00"}, "oops"])))
    assert len(records) == 1 and [(s.row, s.reason) for s in skipped] == [(2, "item 2 is not a meeting object")]


@pytest.mark.parametrize("content, message", [
    (b'[{"name": "A", "day": 1', "is not valid JSON"),
    (b'{"name": "A"}', "expected a JSON array of meetings"),
    (b'[{"id": "1", "service_at_locations": []}]', "its items have no name, day and time"),
    (b"\xff\xfe\x00", "is not UTF-8"),
])
def test_bad_feeds(tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=message):
        list(meeting_guide.read(str(path)))


@pytest.mark.parametrize("content", [b"[not json", b'{"meetings": 3}', b"[]"])
def test_bad_feed_through_the_cli_exits_1_and_changes_nothing(tmp_path, content):
    db = tmp_path / "services.sqlite"
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = run_cli("import", "meeting-guide", str(path), "--db", str(db))
    assert result.returncode == 1 and str(path) in result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_sniff(tmp_path):
    assert meeting_guide.sniff(sample(str(shared_file(*FEED))))
    assert not meeting_guide.sniff(sample(str(shared_file("hsds", "hsds-3.0-spec-examples", "json", "service_full.json"))))
    assert not meeting_guide.sniff(sample(str(shared_file("airs", "BC211_data_excerpt.xml"))))
    assert not meeting_guide.sniff(sample(str(shared_file("samhsa", "findtreatment_api_listing_sample_2019.json"))))
    assert not meeting_guide.sniff(sample(str(tmp_path)))
    assert meeting_guide.sniff(sample(feed_file(tmp_path, [{"name": "A", "slug": "a", "day": 0, "time": "10:00"}])))


def test_url_import_through_the_cli(httpserver, tmp_path):
    meetings = [{"name": "Grupo Esperanza", "slug": "esperanza", "day": 2, "time": "19:00", "types": ["S", "O"],
                 "formatted_address": "9 Park Avenue, Chelsea, MA 02150, USA"},
                {"name": "Speaker Night", "slug": "speaker", "day": 5, "time": "20:00", "types": ["SP"],
                 "formatted_address": "9 Park Avenue, Chelsea, MA 02150, USA"}]
    httpserver.expect_request("/meetings.json").respond_with_json(meetings)
    db = tmp_path / "u.sqlite"
    result = run_cli("import", "meeting-guide", httpserver.url_for("/meetings.json"), "--db", str(db), "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 2
    page = search(open_readonly(db), "", Filters(kind="support-group", lang="es"))
    assert [h.record["name"] for h in page.hits] == ["Grupo Esperanza"]
