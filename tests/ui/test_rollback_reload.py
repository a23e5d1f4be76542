"""An open TUI picks up `helpline import --rollback` like any other swap: the call goes on."""

from __future__ import annotations

from textual.widgets import Input, Static

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.conftest import run_cli
from tests.ui.conftest import build_directory, reloaded, settle, tui_records, type_text


async def test_a_rollback_while_open_reloads_the_previous_directory(make_app, tmp_path):
    db = build_directory(tmp_path / "live.sqlite")
    added = ServiceRecord(name="Nueva Esperanza Recovery", source="test", source_key="99", row=99,
                          city="Chelsea", state="MA", zip="02150", languages=["es"], needs=["outpatient"])
    run_import(db, [*tui_records(), added], source="test", format="test", origin="tests")
    app = make_app(db=db, poll_seconds=0.1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "nueva")
        await settle(pilot)
        results = app.screen.query_one("#results", ResultsList)
        assert sorted(h.record["name"] for h in results.hits) == ["Casa Nueva Vida", "Nueva Esperanza Recovery"]
        generation = app.directory.generation

        p = run_cli("import", "--rollback", "--db", str(db))
        assert p.returncode == 0, p.stderr
        assert await reloaded(pilot, app, generation)
        assert [h.record["name"] for h in results.hits] == ["Casa Nueva Vida"]
        assert app.screen.query_one("#query", Input).value == "nueva"
        assert "8 services" in str(app.screen.query_one("#directory-info", Static).render())
