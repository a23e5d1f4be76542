"""Words that could be a place or a name: the place reading wins when services are near
it, and the other reading is one key away. "detox independence" is Independence, MO; the status line
says the words may be a name, with the key; the key lists Independence House (Boston) first; again,
back to the place. The CLI has the same (`--read-as`, `other_reading` in --json)."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Static

from helpline_tui.core.records import ServiceRecord
from tests.conftest import run_cli
from tests.ui.conftest import build_directory, settle, type_text


def service(key, name, city, state, zip5, lat, lon, needs):
    return ServiceRecord(name=name, source="test", source_key=key, row=int(key), street=f"{key} Main St",
                         city=city, state=state, zip=zip5, latitude=lat, longitude=lon,
                         phone=f"816-555-01{int(key):02d}", languages=["en"], needs=needs)


@pytest.fixture
def reading_db(tmp_path):
    return build_directory(tmp_path / "services.sqlite", [
        service("1", "Eastern Jackson County Detox", "Independence", "MO", "64050", 39.0911, -94.4155, ["detox"]),
        service("2", "Truman Road Recovery", "Independence", "MO", "64052", 39.0750, -94.4490, ["detox"]),
        service("3", "Independence House", "Boston", "MA", "02119", 42.3240, -71.0850, ["detox"]),
        service("4", "Roxbury Counseling", "Boston", "MA", "02119", 42.3250, -71.0860, ["outpatient"]),
    ])


def status(app) -> str:
    return str(app.screen.query_one("#status", Static).render())


def names(app) -> list[str]:
    return [h.record["name"] for h in app.screen.query_one("#results").hits]


@pytest.mark.parametrize("lang, as_name, as_place", [("en", "'independence' as a name", "'independence' as a place"),
                                                     ("es", "«independence» como nombre", "«independence» como lugar")])
async def test_the_other_reading_is_one_key_away_and_back(make_app, reading_db, lang, as_name, as_place):
    app = make_app(reading_db, lang=lang)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "detox independence")
        await settle(pilot)
        assert "Independence, MO" in status(app) and as_name in status(app)
        assert "^r" in status(app)  # the key, as the footer shows it
        assert "Independence House" not in names(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert names(app)[0] == "Independence House"
        assert "Independence, MO" not in status(app) and as_place in status(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Independence, MO" in status(app) and "Independence House" not in names(app)
        # New words are read by the rules again.
        await type_text(pilot, " ")
        await settle(pilot)
        assert "Independence, MO" in status(app)


async def test_the_key_is_in_the_footer_only_when_there_is_another_reading(make_app, reading_db):
    app = make_app(reading_db)
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "detox boston")
        await settle(pilot)
        assert not app.screen.check_action("other_reading", ())
        await pilot.press("ctrl+r")  # nothing to switch to: nothing changes
        await settle(pilot)
        assert "Boston, MA" in status(app)
        app.screen.query_one("#query").value = "detox independence"
        await settle(pilot)
        assert app.screen.check_action("other_reading", ())


def test_the_cli_reads_the_words_either_way(reading_db):
    def page(*extra):
        out = run_cli("search", "detox independence", "--json", "--db", str(reading_db), *extra)
        assert out.returncode == 0, out.stderr
        return json.loads(out.stdout)

    default = page()
    assert (default["place"], default["other_reading"], default["other_reading_words"]) == \
        ("Independence, MO", "name", "independence")
    as_name = page("--read-as", "name")
    assert as_name["place"] is None and as_name["other_reading"] == "place"
    assert as_name["results"][0]["name"] == "Independence House"
    assert page("--read-as", "place")["place"] == "Independence, MO"
    table = run_cli("search", "detox independence", "--db", str(reading_db))
    assert "--read-as name" in table.stdout
    wrong = run_cli("search", "detox independence", "--read-as", "town", "--db", str(reading_db))
    assert wrong.returncode == 2
