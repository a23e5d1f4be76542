"""No feed silently overwrites another, and the demo directory takes no
real data.

The National Directory comes as two workbooks a year, SA and MH, that list many of the same sites
with each survey's codes. The MH workbook is not in ../shared/data: it is built here from the real
SA one (Missouri and Pennsylvania, 721 rows, so the test stays fast), as the MH survey lists a site:
a quarter of the SA sites and the ones the issue names, again with mental-health codes, the MH "Service Code Reference" sheet and a 2022 creation date, under a file
name that says nothing (its kind and year are read from its content).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import os
import re
import sqlite3
from pathlib import Path

import pytest

import importers
from helpline_tui.cli import main
from tests.conftest import SHIPPED_DB, run_cli, shared_file

openpyxl = pytest.importorskip("openpyxl")

STATES = ("MO", "PA")
# Mental-health codes as the MH survey gives them (category groups between " * ").
MH_CODES = ["MH * OMH * OP * CBT DBT * MD MC * ADLT", "MH * CMHC * OP PHDT * CBT TELE * MD SF * CHLD ADLT * SP",
            "MH * PSY * HI * MD MC PI * ADLT SNR", "MH * OMH * OP * TELE * SF * YAD ADLT"]
# Sites the issue names, in the MH workbook too.
NAMED = ("BHG West Plains", "Asociacion Puertorriquenos")
# Organisations with two programmes at one address, one with a site name and one without, of which
# the MH workbook lists one: its MH record must join its own SA twin, not the other programme.
NAME, STREET = 0, 2  # columns of the Facilities List; name2 (the site name) is between them
MH_LISTS = {("Heartland Center for Behavioral Change", "Alliance Counseling Associates", "840 South Glenstone Avenue"),
            ("Penn Foundation Inc", None, "807 Lawn Avenue")}
MH_LEAVES_OUT = {("Heartland Center for Behavioral Change", None, "840 South Glenstone Avenue"),
                 ("Penn Foundation Inc", "Recovery Center", "807 Lawn Avenue")}
FACETS = ("needs", "languages", "populations")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("natdir")
    real = openpyxl.load_workbook(shared_file("samhsa", "National_Directory_SA_Facilities_2022.xlsx"), read_only=True)
    facilities = list(real["Facilities List"].iter_rows(values_only=True))
    reference = list(real["Service Code Reference"].iter_rows(values_only=True))
    real.close()
    header, rows = facilities[0], [r for r in facilities[1:] if r[5] in STATES]

    sa = folder / "National_Directory_SA_Facilities_2022.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Facilities List"
    for row in (header, *rows):
        book.active.append(row)
    sheet = book.create_sheet("Service Code Reference")
    for row in reference:
        sheet.append(row)
    book.save(sa)

    mh = folder / "download.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Facilities List"
    book.active.append(header)
    chosen = [r for n, r in enumerate(rows)
              if (n % 4 == 0 or str(r[NAME]).startswith(NAMED) or r[NAME:STREET + 1] in MH_LISTS)
              and r[NAME:STREET + 1] not in MH_LEAVES_OUT]
    for n, row in enumerate(chosen):
        book.active.append([*row[:-1], MH_CODES[n % len(MH_CODES)]])
    sheet = book.create_sheet("Service Code Reference")
    with open(shared_file("samhsa", "DERIVED_service_codes_MH_2022.csv"), newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.properties.created = dt.datetime(2022, 5, 6)
    book.save(mh)
    return sa, mh


@pytest.fixture
def cli(capsys):
    """The command in this process (the tests below run a dozen imports; the refusals run as real
    processes): its exit code and standard output."""
    def run(*args: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return code, out
    return run


def imported(cli, db: Path, *args: str) -> dict:
    code, out = cli("import", "samhsa-directory", *args, "--db", str(db), "--json")
    assert code == 0
    return json.loads(out)


SITE = "name, site_name, street, city, state, zip"


def own_records(db: Path) -> dict[tuple, tuple[str, set[str]]]:
    """Each source's own records by site, as a single import or the merged directory keeps them:
    (source, site) -> (id of the row a handler is shown for it, that row's needs, languages and
    populations)."""
    conn = sqlite3.connect(db)
    shown_as = dict(conn.execute("SELECT id, merged_id FROM record_aliases"))
    facets = {rid: set().union(*map(json.loads, lists)) for rid, *lists in
              conn.execute(f"SELECT id, {', '.join(FACETS)} FROM services")}
    merged_rows = set(shown_as.values())
    out: dict[tuple, tuple[str, set[str]]] = {}
    for table in ("services", "source_records"):
        for rid, source, *site in conn.execute(f"SELECT id, source, {SITE} FROM {table}"):
            if table == "services" and rid in merged_rows:
                continue  # a merged site's row: its members' own rows are in source_records
            shown = shown_as.get(rid, rid)
            out[(source, *site)] = (shown, facets[shown])
    conn.close()
    return out


def search(cli, db: Path, *args: str) -> list[dict]:
    code, out = cli("search", "", *args, "--db", str(db), "--json", "--limit", "200")
    assert code == 0
    return json.loads(out)["results"]


def test_the_sa_and_mh_workbooks_imported_one_after_the_other_keep_every_sites_needs(workbooks, tmp_path, cli):
    sa, mh = workbooks
    alone_sa, alone_mh, both = tmp_path / "sa.sqlite", tmp_path / "mh.sqlite", tmp_path / "both.sqlite"
    imported(cli, alone_sa, str(sa))
    imported(cli, alone_mh, str(mh))
    first, second = imported(cli, both, str(sa)), imported(cli, both, str(mh))

    # Each workbook is its own source, named by its kind and year; nothing of the SA one was updated.
    assert (first["source"], second["source"]) == ("samhsa-directory:sa-2022", "samhsa-directory:mh-2022")
    assert second["updated"] == 0 and not second["taken_away"]
    assert second["merged"] == second["read"]  # every MH site shown once with its SA twin

    # Site by site: one row shows the site, and it holds everything each single import said about it.
    combined = own_records(both)
    shown_for: dict[tuple, set[str]] = {}
    for single, source in ((alone_sa, "samhsa-directory:sa-2022"), (alone_mh, "samhsa-directory:mh-2022")):
        for (_, *site), (_, facets) in own_records(single).items():
            shown, held = combined[(source, *site)]
            shown_for.setdefault(tuple(site), set()).add(shown)
            missing = facets - held
            assert not missing, f"{site[0]} ({site[3]}, {site[4]}) lost {sorted(missing)} in the merged directory"
    twice = {site[:2]: rows for site, rows in shown_for.items() if len(rows) > 1}
    assert not twice, f"sites shown as several rows (another programme took their twin): {twice}"

    # What the issue saw go: methadone at BHG West Plains, detox for veterans in Philadelphia.
    assert "BHG West Plains Treatment Center" in {
        r["name"] for r in search(cli, both, "--need", "methadone", "--near", "West Plains, MO")}
    assert "Asociacion Puertorriquenos" in {
        r["name"] for r in search(cli, both, "--need", "detox", "--need", "veterans", "--near", "Philadelphia, PA")}
    info = json.loads(cli("info", "--db", str(both), "--json")[1])
    assert sorted(s["name"] for s in info["sources"]) == ["samhsa-directory:mh-2022", "samhsa-directory:sa-2022"]


def test_a_source_named_before_default_names_keeps_working(workbooks, tmp_path, cli):
    """A directory whose SA workbook is the source `samhsa-directory` (the old default name)."""
    sa, mh = workbooks
    db = tmp_path / "services.sqlite"
    imported(cli, db, str(sa), "--source-name", "samhsa-directory")
    again = imported(cli, db, str(sa))  # the same file again: its source, refreshed, not a new one
    assert again["source"] == "samhsa-directory" and again["added"] == 0 and not again["changed"]
    assert imported(cli, db, str(mh))["source"] == "samhsa-directory:mh-2022"
    code, out = cli("refresh", "--db", str(db), "--replace-source", "--json")
    assert code == 0
    refreshed = {s["source"]: s for s in map(json.loads, out.splitlines())}
    assert sorted(refreshed) == ["samhsa-directory", "samhsa-directory:mh-2022"]
    assert all(s["removed"] == 0 and s["added"] == 0 for s in refreshed.values())


def test_an_update_taking_needs_away_from_many_records_is_named_and_refused_until_confirmed(workbooks, tmp_path, cli):
    sa, mh = workbooks
    db = tmp_path / "services.sqlite"
    imported(cli, db, str(sa), "--source-name", "national-directory")
    before = sha(db)

    dry = run_cli("import", "samhsa-directory", str(mh), "--source-name", "national-directory", "--db", str(db),
                  "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would take needs, languages or populations away from" in dry.stdout
    assert "the import itself will be refused" in dry.stdout and "--allow-lost-needs" in dry.stdout
    taken = imported(cli, db, str(mh), "--source-name", "national-directory", "--dry-run")["taken_away"]
    assert taken["needs"]["methadone"] >= 1 and taken["needs"]["detox"] >= 1 and taken["populations"]["veterans"] >= 1
    assert sha(db) == before

    p = run_cli("import", "samhsa-directory", str(mh), "--source-name", "national-directory", "--db", str(db))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    line, = p.stderr.strip().splitlines()
    assert "would take needs, languages or populations away from" in line
    assert "(10%)" in line and "--allow-lost-needs" in line and "nothing was changed" in line
    assert sha(db) == before

    allowed = imported(cli, db, str(mh), "--source-name", "national-directory", "--allow-lost-needs")
    assert allowed["taken_away"]["records"] > allowed["taken_away"]["bound"]
    assert allowed["taken_away"]["needs"]["substance-use-treatment"] > 0


def test_feeds_of_one_url_format_are_told_apart_by_address():
    sa = "https://findtreatment.gov/locator/exportsAsJson/v2?sType=SA&limitType=0&limitValue=5&page=2&key=secret"
    mh = "https://findtreatment.gov/locator/exportsAsJson/v2?sType=MH&limitType=0&limitValue=5"
    assert importers.default_source_name("samhsa-json", sa, sa) == \
        "samhsa-json:findtreatment.gov/locator/exportsAsJson/v2?limitType=0&limitValue=5&sType=SA"
    assert importers.default_source_name("samhsa-json", mh, mh).endswith("sType=MH")
    feed = "https://user:pw@aasepia.org:8443/wp-json/meetings/?token=abc"
    assert importers.default_source_name("meeting-guide", feed, feed) == "meeting-guide:aasepia.org:8443/wp-json/meetings"


def csv_export(tmp_path: Path) -> Path:
    export = tmp_path / "export.csv"
    export.write_text("name1,street1,city,state,zip\nHarbor House,1 Main St,Boston,MA,02118\n")
    return export


def test_an_import_into_the_demo_directory_is_refused_in_one_sentence(tmp_path):
    demo = tmp_path / "services.sqlite"
    demo.write_bytes(SHIPPED_DB.read_bytes())
    before = sha(demo)
    # The platform's data folder (platformdirs reads XDG_DATA_HOME on Linux), here inside tmp_path.
    env = dict(os.environ, XDG_DATA_HOME=str(tmp_path / "xdg"))
    env.pop("HELPLINE_DB", None)
    p = run_cli("import", "samhsa-csv", str(csv_export(tmp_path)), "--db", str(demo), env=env)
    assert p.returncode == 1 and "Traceback" not in p.stderr
    line, = p.stderr.strip().splitlines()
    assert "is the demo directory of fictional services" in line
    assert "--db PATH" in line and "--into-demo" in line
    assert sha(demo) == before and not list(tmp_path.glob(".services.sqlite.import-*"))

    # The sentence's `export HELPLINE_DB=...`, pasted, starts a real directory in the data folder.
    real = Path(re.search(r"export HELPLINE_DB=(\S+)`", line).group(1))
    assert real == tmp_path / "xdg" / "helpline" / "services.sqlite"
    env["HELPLINE_DB"] = str(real)
    assert run_cli("import", "samhsa-csv", str(csv_export(tmp_path)), env=env).returncode == 0
    info = json.loads(run_cli("info", "--json", env=env).stdout)
    assert info["total"] == 1 and not info["demo"]

    forced = run_cli("import", "samhsa-csv", str(csv_export(tmp_path)), "--db", str(demo), "--into-demo")
    assert forced.returncode == 0, forced.stderr
    info = json.loads(run_cli("info", "--db", str(demo), "--json").stdout)
    assert info["demo"] and "samhsa-csv" in {s["name"] for s in info["sources"]}
