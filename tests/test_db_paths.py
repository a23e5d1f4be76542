"""A `#` or `%` in the `--db` path: every command reads the file named, never another one. In a
SQLite URI `#` starts a fragment (".../calls#2.sqlite" opened ".../calls", and not read-only) and
`%41` means "A" (".../x%41.sqlite" opened ".../xA.sqlite")."""

from __future__ import annotations

import json
import os

import pytest

from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.conftest import run_cli, sample_records

WRONG = "Wrong File Detox Clinic"


def decoy(path) -> None:
    """Another directory at the path a bad URI opens: its record must never be shown."""
    run_import(path, [ServiceRecord(name=WRONG, source="decoy", source_key="d", row=1, city="Yonkers", state="NY",
                                    zip="10701", needs=["methadone"], languages=["en"])],
               source="decoy", format="test", origin="tests")


# (the directory's file name, the name a URI with the raw path opens instead)
CASES = [("calls#2.sqlite", "calls"), ("x%41.sqlite", "xA.sqlite")]


@pytest.fixture(params=CASES, ids=["hash", "percent"])
def odd_db(request, tmp_path):
    name, misread = request.param
    db = tmp_path / name
    run_import(db, sample_records(), source="test", format="test", origin="tests")
    decoy(tmp_path / misread)
    return db


def cli(*args: str):
    env = dict(os.environ)
    env.pop("HELPLINE_KEEP_VERSIONS", None)
    return run_cli(*args, env=env)


def test_search_info_and_doctor_read_the_file_named(odd_db):
    p = cli("search", "methadone", "--json", "--db", str(odd_db))
    assert p.returncode == 0, p.stderr
    names = [r["name"] for r in json.loads(p.stdout)["results"]]
    assert "Yonkers Comprehensive Treatment Center" in names and WRONG not in names

    info = json.loads(cli("info", "--json", "--db", str(odd_db)).stdout)
    assert info["total"] == 7 and [s["name"] for s in info["sources"]] == ["test"]

    p = cli("doctor", "--json", "--db", str(odd_db))
    assert p.returncode == 0, p.stdout
    sources = [f["message"] for f in json.loads(p.stdout)["findings"] if f["check"] == "sources"]
    assert sources == ["record counts match the sources table (test 7)"]


def test_import_and_rollback_keep_versions_of_the_file_named(odd_db, tmp_path):
    csv_file = tmp_path / "export.csv"
    csv_file.write_text("name1,street1,city,state,zip\nHarbor House,1 Main St,Boston,MA,02118\n")
    p = cli("import", "samhsa-csv", str(csv_file), "--db", str(odd_db))
    assert p.returncode == 0, p.stderr
    assert json.loads(cli("info", "--json", "--db", str(odd_db)).stdout)["total"] == 8
    # The kept version's summary is read from the kept file, whose folder holds the odd name too.
    p = cli("import", "--rollback", "--json", "--db", str(odd_db))
    assert p.returncode == 0, p.stderr
    restored = json.loads(p.stdout)
    assert restored["services"] == 7 and [s["name"] for s in restored["sources"]] == ["test"]


async def test_the_interface_shows_the_file_named(odd_db, tmp_path, monkeypatch):
    from helpline_tui.config import Config
    from helpline_tui.ui.app import HelplineApp
    from tests.ui.conftest import screen_lines, settle, type_text

    monkeypatch.setenv("HELPLINE_CONFIG", str(tmp_path / "no-config.toml"))
    app = HelplineApp(odd_db, config=Config(referral_folder=tmp_path / "slips"), blink_cursor=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "methadone")
        await settle(pilot)
        screen = "\n".join(screen_lines(app))
    assert "Yonkers Comprehensive" in screen and WRONG not in screen, screen
