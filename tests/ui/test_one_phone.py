"""One phone: the number a handler reads out first is the same in the TUI (result row, service page),
the CLI table, `search --json` (`phones`) and the slip. Dimock Acute Treatment Services in the Boston
locator export has a main number (617-442-8800 x1320) and an intake number (774-478-0670); the TUI
read out intake first and the CLI the main one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Static

import importers
from helpline_tui.core import referral
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.ui.widgets.results_list import ResultsList
from tests.conftest import run_cli, shared_file
from tests.ui.conftest import open_service, settle, type_text

BOSTON = ("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
INTAKE, MAIN = "774-478-0670", "617-442-8800 x1320"
QUERY = "dimock acute"


@pytest.fixture(scope="module")
def boston_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("boston") / "services.sqlite"
    path = shared_file(*BOSTON)
    run_import(db, importers.load("samhsa-csv")(str(path)), source="samhsa-csv", format="samhsa-csv", origin=str(path))
    return db


def test_the_cli_table_and_json_read_out_intake_first(boston_db):
    table = run_cli("search", QUERY, "--db", str(boston_db))
    assert table.returncode == 0, table.stderr
    line = table.stdout.splitlines()[2]
    assert f"· {INTAKE} ·" in line and MAIN not in line

    answer = run_cli("search", QUERY, "--db", str(boston_db), "--json")
    hit = json.loads(answer.stdout)["results"][0]
    assert hit["site_name"] == "Dimock Acute Treatment Services"
    # `phones` is the reading order; `phone` stays the main number scripts match records by.
    assert hit["phones"] == [{"kind": "intake", "number": INTAKE}, {"kind": "main", "number": MAIN}]
    assert hit["phone"] == MAIN and hit["intake_phone"] == INTAKE


def test_the_slip_reads_out_intake_first(boston_db):
    conn = open_readonly(boston_db)
    (rid,) = conn.execute("SELECT id FROM services WHERE site_name = 'Dimock Acute Treatment Services'").fetchone()
    slip = referral.slip_text([get_record(conn, rid)], "en")
    assert INTAKE in slip and slip.index(INTAKE) < slip.index(MAIN)


async def test_the_result_row_and_the_service_page_read_out_intake_first(boston_db, make_app):
    app = make_app(db=boston_db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await type_text(pilot, QUERY)
        await settle(pilot)
        row = app.screen.query_one("#results", ResultsList)
        shown = str(row.render_line(0)) + " ".join(str(row.render_line(y)) for y in range(1, 4))
        assert INTAKE in shown and MAIN not in shown
        await pilot.press("escape")
        page = await open_service(pilot, QUERY)
        text = " ".join(str(w.render()) for w in page.query(Static))
        assert text.index(INTAKE) < text.index(MAIN)
