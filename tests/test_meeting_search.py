"""Meetings as callers ask for them: the fellowship ('aa', 'a.a.', 'narcotics anonymous'), the
type ('closed', 'big book', 'principiantes', 'stag'), how it meets ('online', 'por zoom'; otherwise
a room first) and, in --json, each meeting's day and time. Small Meeting Guide feeds of other
towns and fellowships than the evaluation's, imported through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import run_cli

ADDRESS = "{n} Church St, Burlington, VT 05401, USA"
ZOOM = "https://zoom.us/j/123456789"


def meeting(slug, name, day, time, types, street=True, **extra) -> dict:
    m = {"name": name, "slug": slug, "day": day, "time": time, "types": types,
         "formatted_address": ADDRESS.format(n=len(slug)) if street else "Burlington, VT, USA",
         "latitude": 44.4759 + len(slug) / 10000, "longitude": -73.2121}
    m.update(extra)
    return m


AA_FEED = [
    meeting("sunrise-mon", "Sunrise Group", 1, "07:00", ["O", "D"]),
    meeting("lakeside-mon", "Lakeside", 1, "19:00", ["C", "B"]),
    meeting("lakeside-wed", "Lakeside", 3, "19:00", ["C", "SP"]),
    # Filed under Burlington with no room: online only; its name says nothing of it.
    meeting("cloud-mon", "Cloud Nine", 1, "19:30", ["C", "ONL"], street=False, conference_url=ZOOM),
    meeting("hybrid-sat", "Saturday Readers", 6, "10:00", ["B", "ONL"], conference_url=ZOOM),
    meeting("mujeres-tue", "Renacer", 2, "19:00", ["S", "W", "C"]),
    meeting("new-thu", "Fresh Start", 4, "12:00", ["BE", "O"]),
    meeting("stag-fri", "Friday Fellows", 5, "20:00", ["M", "ST"]),
    # A room temporarily closed, meeting online meanwhile (12 Step Meeting List's attendance_option).
    meeting("tc-sun", "Harbor Light", 0, "18:00", ["O", "TC"], conference_url=ZOOM, attendance_option="online"),
    # One group, twice on Saturdays at one place: the meeting that fits the time asked is the one listed.
    meeting("weekenders-am", "Weekenders", 6, "08:00", ["O"]),
    meeting("weekenders-pm", "Weekenders", 6, "19:00", ["O"]),
]
# An NA area's feed: most of its meetings do not say NA, the feed as a whole does.
NA_FEED = [
    meeting("na-1", "Just for Today Narcotics Anonymous", 1, "19:00", ["O"]),
    meeting("na-2", "Clean and Serene", 1, "20:00", ["C"]),
    meeting("na-3", "Narcotics Anonymous Hope Group", 3, "18:30", ["O"]),
]


def feed(tmp_path: Path, name: str, meetings: list[dict]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(meetings), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def aa_only(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("aa")
    db = tmp / "aa.sqlite"
    done = run_cli("import", "meeting-guide", feed(tmp, "aa.json", AA_FEED), "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="module")
def two_fellowships(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("aa-na")
    db = tmp / "both.sqlite"
    for name, items in (("aa.json", AA_FEED), ("na.json", NA_FEED)):
        done = run_cli("import", "meeting-guide", feed(tmp, name, items), "--db", str(db), "--source-name", name[:2])
        assert done.returncode == 0, done.stderr
    # A 211 record of another fellowship, named as such: never an answer to "aa".
    run_import(db, [ServiceRecord(name="Families Anonymous", kind="support-group", source="t", source_key="fa",
                                  street="1 Main St", city="Burlington", state="VT", zip="05401",
                                  latitude=44.476, longitude=-73.212, needs=["support-group", "family-support"],
                                  hours={"mon": [["19:00", "20:00"]]})],
               source="t", format="test", origin="tests")
    return db


def found(db: Path, query: str, **filters) -> list[str]:
    conn = open_readonly(db)
    try:
        return [h.record["name"] for h in search(conn, query, Filters(**filters), limit=20).hits]
    finally:
        conn.close()


def cli_json(db: Path, query: str) -> dict:
    done = run_cli("search", query, "--db", str(db), "--json", "--now", "2026-12-07T17:00Z")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("query", ["closed aa burlington", "aa cerrada burlington", "reunion cerrada de a.a. burlington"])
def test_closed_lists_the_towns_closed_meetings_with_a_room_first(aa_only, query):
    names = found(aa_only, query)
    assert sorted(names[:3]) == ["Lakeside", "Lakeside", "Renacer"], query
    assert names[3:] == ["Cloud Nine"], query  # closed too, but online only: after those with a room


@pytest.mark.parametrize("query, expected", [
    ("big book meeting burlington", {"Lakeside", "Saturday Readers"}),
    ("libro grande burlington", {"Lakeside", "Saturday Readers"}),
    ("speaker meeting burlington", {"Lakeside"}),
    ("aa de oradores burlington", {"Lakeside"}),
    ("beginners meeting burlington", {"Fresh Start"}),
    ("aa para principiantes", {"Fresh Start"}),
    ("stag meeting burlington", {"Friday Fellows"}),
    ("step study burlington", {"Friday Fellows"}),
    ("junta de mujeres burlington", {"Renacer"}),
    ("open discussion aa burlington", {"Sunrise Group"}),
])
def test_meeting_types_in_english_and_spanish(aa_only, query, expected):
    assert set(found(aa_only, query)) == expected, query


def test_online_only_when_asked(aa_only):
    # Asked: those one can join online (online only and hybrid), none that meets only in a room.
    assert set(found(aa_only, "online aa")) == {"Cloud Nine", "Saturday Readers", "Harbor Light"}
    assert set(found(aa_only, "aa por zoom el sabado")) == {"Saturday Readers"}
    assert set(found(aa_only, "virtual aa monday")) == {"Cloud Nine"}
    # Not asked: a meeting with a room first, though the online one is nearer the town's centre.
    names = found(aa_only, "aa monday burlington")
    assert sorted(names[:2]) == ["Lakeside", "Sunrise Group"] and names[2:] == ["Cloud Nine"]


def test_open_and_online_are_words_outside_a_meeting_query(tmp_path):
    db = tmp_path / "d.sqlite"
    run_import(db, [ServiceRecord(name="Open Door Online Counseling", kind="community", source="t", source_key="1",
                                  city="Burlington", state="VT", zip="05401", needs=["mental-health"])],
               source="t", format="test", origin="tests")
    assert found(db, "open door online") == ["Open Door Online Counseling"]


def test_a_fellowship_asked_is_that_fellowship_only(two_fellowships):
    na = found(two_fellowships, "na burlington")
    assert set(na) == {"Just for Today Narcotics Anonymous", "Clean and Serene", "Narcotics Anonymous Hope Group"}
    aa = set(found(two_fellowships, "aa monday burlington"))
    assert aa == {"Lakeside", "Sunrise Group", "Cloud Nine"}  # no NA meeting, no Families Anonymous
    assert set(found(two_fellowships, "narcotics anonymous monday")) == {"Just for Today Narcotics Anonymous",
                                                                           "Clean and Serene"}


def test_a_fellowship_the_directory_lacks_is_said_and_the_others_offered(aa_only):
    page = cli_json(aa_only, "narcotics anonymous burlington")
    assert page["fellowship_missing"] == "NA" and page["fellowships_offered"] == ["AA"]
    assert {r["name"] for r in page["results"]} >= {"Lakeside", "Sunrise Group"}
    table = run_cli("search", "al-anon burlington", "--db", str(aa_only))
    assert "no Al-Anon groups in this directory: other mutual-help groups shown (AA)" in table.stdout
    assert "fellowship_missing" not in cli_json(aa_only, "aa burlington")


def test_json_gives_each_meetings_day_and_time(aa_only):
    results = cli_json(aa_only, "aa wednesday burlington")["results"]
    assert [(r["name"], r["day"], r["time"]) for r in results] == [("Lakeside", 3, "19:00")]
    closed = cli_json(aa_only, "closed aa burlington")["results"]
    assert ("Lakeside", 1, "19:00") in [(r["name"], r["day"], r["time"]) for r in closed]


@pytest.fixture(scope="module")
def busy_area(tmp_path_factory) -> Path:
    """Burlington with 320 meetings, and a small town beside it (Winooski) with its own few, named
    after it and after the day, late in name order; Middlebury with its 24 meetings named for
    anything but the town."""
    tmp = tmp_path_factory.mktemp("busy")
    items = [meeting(f"b{i}", f"Group {i:03d}", i % 7, "19:00", ["O", "D"]) for i in range(320)]
    items += [dict(meeting(f"w{i}", "Winooski Friday Night", 5, f"{18 + i}:00", ["D"]),
                   formatted_address=f"{i + 1} Main St, Winooski, VT 05404, USA", latitude=44.4914, longitude=-73.1857)
              for i in range(3)]
    items += [dict(meeting(f"m{i}", f"Serenity {i}", i % 7, "19:00", ["O"]),
                   formatted_address=f"{i + 1} Court St, Middlebury, VT 05753, USA", latitude=44.0153, longitude=-73.1673)
              for i in range(24)]
    items.append(dict(meeting("m-fri", "Middlebury Friday Noon Step Meeting", 5, "12:00", ["ST"]),
                      formatted_address="2 Main St, Middlebury, VT 05753, USA", latitude=44.0153, longitude=-73.1673))
    db = tmp / "busy.sqlite"
    done = run_cli("import", "meeting-guide", feed(tmp, "busy.json", items), "--db", str(db))
    assert done.returncode == 0, done.stderr
    return db


def test_a_small_towns_meetings_come_first_however_many_its_neighbour_has(busy_area):
    # 323 discussion meetings within the radius: the town's own are ranked, not the first 300 by name.
    assert found(busy_area, "aa discussion winooski")[:3] == ["Winooski Friday Night"] * 3


def test_a_town_before_a_day_is_the_place_not_a_meetings_name(busy_area):
    # "Middlebury Friday Noon Step Meeting" has both words, yet the handler asks for Friday there;
    # and a town whose name is in its meetings' addresses (not their names) is a place.
    names = found(busy_area, "alcoholics anonymous meeting middlebury friday")
    assert set(names) == {"Middlebury Friday Noon Step Meeting", "Serenity 5", "Serenity 12", "Serenity 19"}


def test_a_misspelt_day_keeps_its_first_letter(aa_only):
    # 'munday' is one typo from Monday and from Sunday: Monday.
    assert set(found(aa_only, "a.a. munday burlington")) == {"Lakeside", "Sunrise Group", "Cloud Nine"}


@pytest.mark.parametrize("query, expected", [
    ("aa saturday evening burlington", [("Weekenders", 6, "19:00")]),
    ("sábado por la noche aa burlington", [("Weekenders", 6, "19:00")]),
    ("saturday morning aa burlington", [("Saturday Readers", 6, "10:00"), ("Weekenders", 6, "08:00")]),
    ("early morning aa", [("Saturday Readers", 6, "10:00"), ("Sunrise Group", 1, "07:00"), ("Weekenders", 6, "08:00")]),
    ("junta de aa al mediodía", [("Fresh Start", 4, "12:00")]),
    ("aa afternoon", [("Fresh Start", 4, "12:00")]),
])
def test_a_part_of_the_day_lists_the_meetings_then(aa_only, query, expected):
    results = cli_json(aa_only, query)["results"]
    assert sorted((r["name"], r["day"], r["time"]) for r in results) == expected, query


def test_the_row_says_the_type_asked_for(aa_only):
    """The row's second line starts with what the query asked that the meeting has: its type by
    name in the reader's language."""
    from helpline_tui.core import matched

    conn = open_readonly(aa_only)
    try:
        hits = search(conn, "closed big book aa burlington", Filters(), limit=5).hits
    finally:
        conn.close()
    assert [h.record["name"] for h in hits] == ["Lakeside"]
    assert matched.labels(hits[0].matched, "en") == ["Closed", "Big Book", "AA"]
    assert matched.labels(hits[0].matched, "es") == ["Cerrada", "Libro Grande", "AA"]


def test_the_meeting_words_data_is_whole_and_unambiguous():
    """core/data/meeting_types.json: every type word names a known type (or a population the
    directory keeps), every fellowship has its names, and no phrase means two things."""
    from helpline_tui.core import meetings, vocabulary
    from helpline_tui.core.textnorm import fold

    data = json.loads(meetings._DATA.read_text(encoding="utf-8"))
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    for code, entry in data["type_words"].items():
        assert code in data["types"], code
        if "population" in entry:
            assert vocabulary.load().term(entry["population"]) is not None, code
        assert entry["en"] and entry["es"], code
        for word in entry["en"] + entry["es"]:
            assert seen.setdefault(tuple(fold(word).split()), ("type", code)) == ("type", code), word
    for fid, entry in data["fellowships"].items():
        assert entry["label"] and entry["en"] and entry["es"] and entry["words"], fid
        for word in entry["words"]:
            assert seen.setdefault(tuple(fold(word).split()), ("fellowship", fid)) == ("fellowship", fid), word
    for how, entry in data["attend_words"].items():
        for word in entry["en"] + entry["es"]:
            assert seen.setdefault(tuple(fold(word).split()), ("attend", how)) == ("attend", how), word
    # Two letters that are also states or Spanish words are never a fellowship on their own.
    assert not {("ca",), ("pa",), ("ma",), ("ga",), ("oa",), ("da",), ("ea",)} & set(seen)


@pytest.mark.parametrize("query, expected", [
    ("cloesd aa burlington", {"Lakeside", "Renacer", "Cloud Nine"}),
    ("libro grnade burlington", {"Lakeside", "Saturday Readers"}),
    ("aa oradres burlington", {"Lakeside"}),
    ("alcoholics anonimous beginers", {"Fresh Start"}),
])
def test_meeting_words_misspelt_within_the_typo_budget(aa_only, query, expected):
    assert set(found(aa_only, query)) == expected, query


def test_an_al_anon_feed_is_al_anon_whatever_its_meetings_are_called(tmp_path):
    """An Al-Anon feed in the same format (the service entity says it; the meetings' names do
    not), beside an AA one: each answers for its own fellowship."""
    al_anon = [dict(meeting(f"alanon-{d}", name, d, "19:00", ["O"]), entity="Al-Anon Family Groups of Vermont",
                    formatted_address=f"{d + 1} Pearl St, Burlington, VT 05401, USA")
               for d, name in ((1, "Serenity Seekers"), (2, "Courage to Change"))]
    db = tmp_path / "d.sqlite"
    for name, items in (("alanon.json", al_anon), ("aa.json", AA_FEED[:2])):
        done = run_cli("import", "meeting-guide", feed(tmp_path, name, items), "--db", str(db), "--source-name", name[:-5])
        assert done.returncode == 0, done.stderr
    assert set(found(db, "al-anon burlington")) == {"Serenity Seekers", "Courage to Change"}
    assert set(found(db, "alanon tuesday")) == {"Courage to Change"}
    assert set(found(db, "aa burlington")) == {"Sunrise Group", "Lakeside"}


def test_small_words_rank_only_among_equals_unless_still_being_typed(tmp_path):
    """'Women in Sobriety' is no better an answer to "aa for women in burlington" than a women's
    meeting in Burlington; but 'the' being typed after 'choices' is Therapy's beginning."""
    db = tmp_path / "d.sqlite"

    def rec(key, name, city, lat, needs=("support-group",), pops=("women",)):
        return ServiceRecord(name=name, kind="support-group", source="t", source_key=key, city=city, state="VT",
                             latitude=lat, longitude=-73.21, needs=list(needs), populations=list(pops))
    run_import(db, [rec("1", "Women in Sobriety", "Winooski", 44.49), rec("2", "Lakeside Ladies", "Burlington", 44.476),
                    rec("3", "Choices", "Burlington", 44.477, ("mental-health",), ()),
                    rec("4", "Choices Therapy Services", "Burlington", 44.478, ("mental-health",), ())],
               source="t", format="test", origin="tests")
    assert found(db, "support group for women in burlington")[0] == "Lakeside Ladies"
    assert found(db, "choices the")[0] == "Choices Therapy Services"
