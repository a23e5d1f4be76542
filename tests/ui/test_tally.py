"""The call tally through the real TUI: calls typed, a service added, a need marked "nothing
suitable", a note typed, F10. The tally file then holds exactly the contract's fields (one row per
call: day, hour, interface language, county, needs with outcomes, service ids) and nothing typed: its
bytes are scanned for the query words, the note, the phone, the ZIP code and the minute. With the
tally off, no file is made."""

from __future__ import annotations

import os
import sqlite3
import stat

from textual.widgets import Static

from helpline_tui.config import Config
from helpline_tui.core.tally import Settings as TallySettings
from tests.ui.conftest import settle, type_text

SIZE = (100, 30)
NOTE = "dice que llame al 914 555 0177 manana"
CONTRACT = {
    "tally_meta": ["key", "value"],
    "calls": ["call_id", "seat", "day", "hour", "ui_language", "state", "county"],
    "call_needs": ["call_id", "need", "concept", "outcome"],
    "call_referrals": ["call_id", "service_id"],
    # per-day counts derived from the rows above (core/tally.py): no call id, nothing finer than the day
    "summary_calls": ["day", "ui_language", "state", "county", "calls"],
    "summary_needs": ["day", "state", "county", "need", "asked", "met", "unmet"],
    "summary_referrals": ["day", "service_id", "calls"],
}


def tally_config(slip_folder, path, **settings) -> Config:
    return Config(referral_folder=slip_folder,
                  tally=TallySettings(enabled=True, path=path, zone="America/New_York", **settings))


def header_text(app) -> str:
    return str(app.screen.query_one("#directory-info", Static).render())


async def two_calls(app) -> list[str]:
    """Call 1: methadone in Yonkers, a service added, a note with a phone, F10 and Enter.
    Call 2: housing in Chelsea, nothing suitable marked, F10. Returns the headers seen."""
    headers = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        headers.append(header_text(app))
        await type_text(pilot, "methadone yonkers")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await type_text(pilot, NOTE)
        await pilot.press("enter")
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("enter")  # the dialog: the list and the note would be lost
        await settle(pilot)
        assert app.referrals == () and app.note == ""

        await type_text(pilot, "housing chelsea")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        headers.append(header_text(app))
        await pilot.press("f10")
        await settle(pilot)
        headers.append(header_text(app))
    return headers


def rows(path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


async def test_calls_ended_with_f10_are_tallied_with_the_contracts_fields_and_nothing_typed(
        make_app, slip_folder, tmp_path, tui_db):
    path = tmp_path / "private" / "tally.sqlite"
    app = make_app(config=tally_config(slip_folder, path))
    headers = await two_calls(app)

    assert "tally on" in headers[0]
    assert "tally on · unmet: Housing / sober living" in headers[1]  # the handler sees the mark
    assert headers[2].endswith("tally on")  # the next call starts with no mark

    conn = sqlite3.connect(path)
    tables = {name: [c[1] for c in conn.execute(f"PRAGMA table_info({name})")]
              for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    conn.close()
    assert tables == CONTRACT
    calls = rows(path, "SELECT call_id, seat, day, hour, ui_language, state, county FROM calls ORDER BY state DESC")
    assert [c[1:] for c in calls] == [
        (None, "2026-11-24", 19, "en", "NY", "Westchester County"),  # 19:30 at -05:00 is 19 in New York
        (None, "2026-11-24", 19, "en", "MA", "Suffolk County"),
    ]
    assert all(len(c[0]) == 32 and int(c[0], 16) >= 0 for c in calls) and calls[0][0] != calls[1][0]
    yonkers_call, chelsea_call = calls[0][0], calls[1][0]
    directory = sqlite3.connect(tui_db)
    [(service_id,)] = directory.execute(
        "SELECT id FROM services WHERE name = 'Yonkers Comprehensive Treatment Center'").fetchall()
    directory.close()
    assert sorted(rows(path, "SELECT call_id, need, concept, outcome FROM call_needs")) == sorted([
        (yonkers_call, "methadone", "", "referred"),
        (chelsea_call, "housing", "", "nothing-suitable"),
    ])
    assert rows(path, "SELECT call_id, service_id FROM call_referrals") == [(yonkers_call, service_id)]
    assert rows(path, "SELECT key, value FROM tally_meta") == [("format", "helpline-tally 1")]

    # Nothing typed anywhere in the file (nor in a journal left beside it).
    kept = b"".join(p.read_bytes() for p in path.parent.iterdir()).lower()
    for typed in ("methadone yonkers", "yonkers", "chelsea", "dice que llame", "manana", "914 555 0177",
                  "9145550177", "555-0177", "10701", "02150", "19:30", ":30"):
        assert typed.encode() not in kept, typed
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700


async def test_with_the_tally_off_no_file_is_made_and_the_key_does_nothing(make_app, slip_folder, tmp_path,
                                                                            monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    app = make_app(config=Config(referral_folder=slip_folder))
    headers = await two_calls(app)
    assert not any("tally" in h for h in headers)
    assert not (tmp_path / "data-home").exists()
    assert list(tmp_path.rglob("*tally*")) == []


async def test_the_header_says_the_tally_is_on_in_spanish(make_app, slip_folder, tmp_path):
    app = make_app(lang="es", config=tally_config(slip_folder, tmp_path / "tally.sqlite"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "recuento activo" in header_text(app)
        await type_text(pilot, "vivienda chelsea")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "recuento activo · sin atender: Vivienda" in header_text(app)


async def test_the_seat_is_kept_only_when_the_install_names_one(make_app, slip_folder, tmp_path):
    path = tmp_path / "tally.sqlite"
    app = make_app(config=tally_config(slip_folder, path, seat="desk-2"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "detox")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
    assert rows(path, "SELECT seat, state, county FROM calls") == [("desk-2", None, None)]
    assert rows(path, "SELECT need, outcome FROM call_needs") == [("detox", "not-referred")]


async def test_the_reports_screen_shows_this_weeks_calls_and_top_unmet_needs(make_app, slip_folder, tmp_path):
    from helpline_tui.ui.screens.reports import ReportsScreen

    app = make_app(config=tally_config(slip_folder, tmp_path / "tally.sqlite", min_cell=3))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await type_text(pilot, "housing chelsea")
            await settle(pilot)
            await pilot.press("ctrl+g", "f10")
            await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        week = str(app.screen.query_one("#reports-week", Static).render())
        unmet = str(app.screen.query_one("#reports-unmet", Static).render())
        assert "This week's calls (since 2026-11-23)" in week and "3 calls" in week
        assert "Housing / sober living: 3" in unmet
        assert "Housing / sober living, Suffolk County, MA: 3" in unmet
        await app.workers.wait_for_complete()
        await settle(pilot)
        gaps = str(app.screen.query_one("#coverage-gaps", Static).render()).splitlines()
        # the same count as `helpline coverage` (checked against a brute force in tests/test_coverage.py)
        from helpline_tui.core import coverage
        from helpline_tui.core.directory import open_readonly

        conn = open_readonly(app.directory.path)
        expected = coverage.largest_gaps(conn, limit=8)
        conn.close()
        assert expected, "the sample directory has gaps (it covers a few towns)"
        assert len(gaps) == len(expected)
        first = expected[0]
        assert f"{first.county}, {first.state}: {first.zips_uncovered} of {first.people_zips} ZIP areas" in gaps[0]


async def test_a_mark_never_pushes_the_demo_badge_off_an_80_column_header(make_app, slip_folder, tmp_path):
    from tests.ui.conftest import build_directory, screen_lines

    demo = build_directory(tmp_path / "demo.sqlite", demo=True)
    app = make_app(db=demo, config=tally_config(slip_folder, tmp_path / "tally.sqlite"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "housing chelsea")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        top = screen_lines(app)[0]
        assert top.rstrip().endswith("DEMO DATA: fictional services"), top
        assert "8 services · tally on · unmet: Hous" in top, top


async def test_an_answer_arriving_after_f10_is_not_counted_in_the_next_call(make_app, slip_folder, tmp_path):
    """The answer to words typed just before F10 may reach the screen after it (the search was
    already done): it is shown for an instant, and never joins the next call."""
    from helpline_tui.core import tally
    from helpline_tui.ui.screens.search import SearchRequest, SearchScreen

    path = tmp_path / "tally.sqlite"
    app = make_app(config=tally_config(slip_folder, path))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "housing chelsea")
        await settle(pilot)
        screen = app.screen
        late = SearchRequest(screen.latest_seq + 1, "housing chelsea", screen.filters)
        screen.latest_seq += 1  # asked for by one more key; its answer is on its way
        with app.directory.lock:
            reading = tally.read_search(app.directory.conn, screen.page, late.filters)
        with app.directory.lock:  # the next call's first search waits: the late answer comes first
            await pilot.press("f10")
            screen.post_message(SearchScreen.ResultsReady(late, screen.page, screen.page_generation, reading))
            await pilot.pause()
        await settle(pilot)
        await type_text(pilot, "detox")
        await settle(pilot)
        await pilot.press("f10")
        await settle(pilot)
    calls = rows(path, "SELECT c.state, group_concat(n.need) FROM calls c JOIN call_needs n USING (call_id) "
                       "GROUP BY c.call_id ORDER BY c.state")
    assert calls == [(None, "detox"), ("MA", "housing")]
