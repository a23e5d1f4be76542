"""One record per real site across sources: the real Miami 211 package (HSDS 1.1) and the real National
Directory, a hand-made SAMHSA locator CSV describing some of the same Miami sites, and two small CSV
sources for re-imports, --replace-source of either side, refresh and the v1 -> v2 migration."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

import importers
from helpline_tui.core import schema, site_merging
from helpline_tui.core.directory import DirectoryError, get_record, open_readonly
from helpline_tui.core.indexing import rebuild_derived
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.site_matching import NAME_THRESHOLD, name_key, name_score, street_key
from tests.conftest import run_cli, shared_file

MIAMI = ("hsds", "open211-miami-2019")
NATIONAL_DIRECTORY = ("samhsa", "National_Directory_SA_Facilities_2022.xlsx")
HEADER = ["name1", "name2", "street1", "street2", "city", "state", "zip", "phone", "latitude", "longitude",
          "sp", "dt"]

# A county list describing Miami sites the 211 package has, in its own words.
LOCATOR_ROWS = [
    # Camillus House, with the locator's abbreviations: same phone and street -> one site.
    ["Camillus House", "", "1603 N.W. 7th Ave.", "", "Miami", "FL", "33136", "(305) 374-1065", "", "", "1", "1"],
    # Better Way of Miami, without "Inc." -> one site.
    ["Better Way of Miami", "", "800 NW 28th St", "", "Miami", "FL", "33127", "305 634 3409", "", "", "", ""],
    # Camillus House's number, another service elsewhere: the phone alone is not enough.
    ["Miami Outreach Intake Line", "", "50 Biscayne Blvd", "", "Miami", "FL", "33132", "305-374-1065", "", "", "", ""],
    # Camillus House's building hosts Project Phoenix; another service there is not Project Phoenix.
    ["Phoenix Recovery Clinic", "", "1603 NW 7th Avenue", "", "Miami", "FL", "33136", "786-555-0199", "", "", "", ""],
    # A chain answers one number in another town: not the Miami site.
    ["Better Way of Miami", "", "9 Ocean Drive", "", "Miami Beach", "FL", "33139", "305-634-3409", "", "", "", ""],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.write_text(",".join(HEADER) + "\n" + "".join(",".join(f'"{c}"' for c in r) + "\n" for r in rows))
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_csv(db: Path, path: Path, source: str, **kw):
    return run_import(db, importers.load("samhsa-csv")(str(path)), source=source, format="samhsa-csv",
                      origin=str(path), **kw)


def search_json(db: Path, query: str, *extra: str) -> list[dict]:
    p = run_cli("search", query, "--db", str(db), "--json", "--limit", "50", *extra)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)["results"]


def one(db: Path, name: str) -> dict:
    conn = open_readonly(db)
    rows = conn.execute("SELECT id FROM services WHERE name = ?", (name,)).fetchall()
    assert len(rows) == 1, (name, rows)
    return get_record(conn, rows[0][0])


@pytest.fixture(scope="module")
def miami_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("miami") / "services.sqlite"
    run_import(db, importers.load("hsds")(str(shared_file(*MIAMI))), source="miami211", format="hsds",
               origin="miami")
    return db


@pytest.fixture
def merged_db(miami_db, tmp_path) -> tuple[Path, Path, object]:
    db = tmp_path / "services.sqlite"
    shutil.copyfile(miami_db, db)
    locator = write_csv(tmp_path / "locator.csv", LOCATOR_ROWS)
    summary = import_csv(db, locator, "county-locator")
    return db, locator, summary


# ---------------------------------------------------------------------------- Miami 211 + a county list

def test_same_site_from_two_sources_is_one_record_listing_both(merged_db):
    db, _, summary = merged_db
    assert summary.merged == 2
    pairs = {(p["name"], p["other_name"]): p for p in summary.merges}
    assert set(pairs) == {("Camillus House", "CAMILLUS HOUSE, INC."), ("Better Way of Miami", "BETTER WAY OF MIAMI, INC.")}
    assert all(p["why"] == "phone+street" and p["score"] >= NAME_THRESHOLD for p in pairs.values())
    assert {p["other_source"] for p in pairs.values()} == {"miami211"}

    results = search_json(db, "camillus house")
    camillus = [r for r in results if "camillus house" in r["name"].lower()]
    assert len(camillus) == 1  # shown once, under the 211 name (the more complete record)
    assert camillus[0]["name"] == "CAMILLUS HOUSE, INC."
    assert camillus[0]["sources"] == ["miami211", "county-locator"]
    # Searching by the locator's own name finds the same one record.
    by_other_name = search_json(db, "camillus house", "--need", "detox")
    assert [r["id"] for r in by_other_name] == [camillus[0]["id"]]


def test_merged_record_keeps_each_sources_fields_and_unions_lists(merged_db):
    db, _, _ = merged_db
    rec = one(db, "CAMILLUS HOUSE, INC.")
    assert rec["needs"] == sorted({"employment", "food", "housing", "legal", "social-services",
                                   "substance-use-treatment", "detox"})  # detox from the locator (DT)
    assert rec["languages"] == ["en", "es", "ht"]
    assert [(s["source"], s["name"]) for s in rec["sources"]] == [
        ("miami211", "CAMILLUS HOUSE, INC."), ("county-locator", "Camillus House")]
    conn = open_readonly(db)
    # Each member's own row is kept whole, as its source gave it.
    own = {row[0]: row[1:] for row in conn.execute(
        "SELECT name, source, street, needs, languages FROM source_records WHERE id IN (?, ?)",
        [s["id"] for s in rec["sources"]])}
    assert own["Camillus House"] == ("county-locator", "1603 N.W. 7th Ave.", '["detox"]', '["en", "es"]')
    assert own["CAMILLUS HOUSE, INC."][:2] == ("miami211", "1603 NW 7th Avenue")
    assert "detox" not in json.loads(own["CAMILLUS HOUSE, INC."][2])
    # One row in services for the two members; the locator's id answers as an alias of it.
    assert conn.execute("SELECT count(*) FROM services WHERE name IN ('Camillus House', 'CAMILLUS HOUSE, INC.')"
                        ).fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM record_aliases WHERE merged_id = ?", (rec["id"],)).fetchone()[0] == 2


def test_a_shared_phone_or_building_alone_does_not_merge(merged_db):
    db, _, _ = merged_db
    for name in ("Miami Outreach Intake Line", "Phoenix Recovery Clinic"):
        assert one(db, name)["sources"][0]["source"] == "county-locator"
    assert one(db, "PROJECT PHOENIX")["sources"] == [
        {"source": "miami211", "id": one(db, "PROJECT PHOENIX")["id"],
         "source_record_id": one(db, "PROJECT PHOENIX")["source_record_id"], "name": "PROJECT PHOENIX"}]
    # The chain's Miami Beach site shares the number but not the town: its own record.
    conn = open_readonly(db)
    assert conn.execute("SELECT count(*) FROM services WHERE name = 'Better Way of Miami' AND city = 'Miami Beach'"
                        ).fetchone()[0] == 1


def test_text_summary_reports_the_pairs_and_why(miami_db, tmp_path):
    db = tmp_path / "services.sqlite"
    shutil.copyfile(miami_db, db)
    locator = write_csv(tmp_path / "locator.csv", LOCATOR_ROWS)
    p = run_cli("import", "samhsa-csv", str(locator), "--db", str(db), "--source-name", "county-locator")
    assert p.returncode == 0, p.stderr
    assert "2 records merged with another source's record of the same site:" in p.stdout
    assert ("Camillus House / county-locator ↔ CAMILLUS HOUSE, INC. / miami211 (same phone and street, name 100)"
            in p.stdout)
    p = run_cli("search", "camillus house", "--db", str(db), "--limit", "1")
    assert "CAMILLUS HOUSE, INC." in p.stdout and "sources miami211, county-locator" in p.stdout


def test_reimport_of_either_source_is_unchanged_and_keeps_the_merge(merged_db):
    db, locator, first = merged_db
    before = sha(db)
    again = import_csv(db, locator, "county-locator")
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, first.added)
    assert again.merged == 2 and again.merges == first.merges
    assert sha(db) == before  # nothing changed, nothing written
    miami = run_import(db, importers.load("hsds")(str(shared_file(*MIAMI))), source="miami211", format="hsds",
                       origin="miami")
    assert (miami.added, miami.updated, miami.removed, miami.unchanged) == (0, 0, 0, 4089)
    assert miami.merged == 2 and {p["name"] for p in miami.merges} == {"CAMILLUS HOUSE, INC.", "BETTER WAY OF MIAMI, INC."}
    assert sha(db) == before


def test_dry_run_reports_merges_and_changes_nothing(miami_db, tmp_path):
    db = tmp_path / "services.sqlite"
    shutil.copyfile(miami_db, db)
    before = sha(db)
    summary = import_csv(db, write_csv(tmp_path / "locator.csv", LOCATOR_ROWS), "county-locator", dry_run=True)
    assert summary.merged == 2 and summary.total_after == 4089 + len(LOCATOR_ROWS) - 2
    assert sha(db) == before


def test_replace_source_removes_only_that_sources_part(merged_db, tmp_path):
    db, locator, _ = merged_db
    miami_own = one(db, "CAMILLUS HOUSE, INC.")["sources"][0]
    write_csv(locator, LOCATOR_ROWS[1:])  # Camillus House is gone from the county list
    summary = import_csv(db, locator, "county-locator", replace_source=True)
    assert (summary.removed, summary.merged) == (1, 1)
    rec = one(db, "CAMILLUS HOUSE, INC.")
    assert rec["sources"] == [miami_own]
    assert "detox" not in rec["needs"]  # the locator's part went with it; 211's fields are intact
    assert rec["needs"] == ["employment", "food", "housing", "legal", "social-services", "substance-use-treatment"]
    near = search_json(db, "better way of miami", "--near", "33127", "--radius", "1")
    assert [r["sources"] for r in near if "better way" in r["name"].lower()] == [["miami211", "county-locator"]]


# ---------------------------------------------------------------------------- two small sources, via the CLI

def small_rows(name: str, phone: str = "617-555-0110") -> list[list[str]]:
    return [[name, "", "66 Canal Street", "", "Boston", "MA", "02114", phone, "42.36", "-71.06", "", ""],
            ["Casa Latina", "", "1 Broadway", "", "Chelsea", "MA", "02150", "617-555-0111", "42.39", "-71.03", "1", ""]]


def import_cli(db: Path, path: Path, name: str, *extra: str) -> dict:
    p = run_cli("import", "samhsa-csv", str(path), "--db", str(db), "--source-name", name, "--json", *extra)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


@pytest.fixture
def two_sources(tmp_path) -> tuple[Path, Path, Path]:
    db = tmp_path / "services.sqlite"
    state, city = tmp_path / "state.csv", tmp_path / "city.csv"
    write_csv(state, small_rows("Bay Cove Human Services Inc"))
    write_csv(city, [["Bay Cove Human Services", "", "66 Canal St", "Suite 2", "Boston", "MA", "02114", "(617) 555-0110",
                      "42.36", "-71.06", "1", "1"]])
    import_cli(db, state, "state")
    summary = import_cli(db, city, "city")
    assert summary["merged"] == 1 and summary["merges"][0]["other_source"] == "state"
    return db, state, city


def test_replace_source_of_the_other_side_and_refresh(two_sources):
    db, state, city = two_sources
    bay_cove = [r for r in search_json(db, "bay cove") if "Bay Cove" in r["name"]]
    assert len(bay_cove) == 1 and sorted(bay_cove[0]["sources"]) == ["city", "state"]
    assert bay_cove[0]["languages"] == ["en", "es"] and "detox" in bay_cove[0]["needs"]  # the city list's codes
    info = json.loads(run_cli("info", "--db", str(db), "--json").stdout)
    assert (info["total"], info["merged_sites"]) == (2, 1)

    # The state list drops Bay Cove: the city's record stands alone, with its own fields.
    write_csv(state, small_rows("Some Other Clinic", phone="617-555-0199"))
    p = run_cli("refresh", "state", "--db", str(db), "--replace-source", "--json")
    assert p.returncode == 0, p.stderr
    refreshed = json.loads(p.stdout)
    assert (refreshed["added"], refreshed["removed"], refreshed["merged"]) == (1, 1, 0)
    bay_cove = [r for r in search_json(db, "bay cove") if "Bay Cove" in r["name"]]
    assert [(r["name"], r["sources"], r["street"]) for r in bay_cove] == [
        ("Bay Cove Human Services", ["city"], "66 Canal St, Suite 2")]

    # Bay Cove comes back to the state list: merged again; a refresh of both changes nothing.
    write_csv(state, small_rows("Bay Cove Human Services Inc"))
    assert import_cli(db, state, "state", "--replace-source")["merged"] == 1
    before = sha(db)
    p = run_cli("refresh", "--db", str(db), "--json")
    summaries = {s["source"]: s for s in map(json.loads, p.stdout.splitlines())}
    assert {n: (s["changed"], s["merged"]) for n, s in summaries.items()} == {"city": (False, 1), "state": (False, 1)}
    assert sha(db) == before


def test_reimport_that_renames_a_member_updates_its_part(two_sources):
    db, _, city = two_sources
    write_csv(city, [["Bay Cove Human Services", "", "66 Canal St", "Suite 2", "Boston", "MA", "02114", "617-555-0110",
                      "42.36", "-71.06", "1", ""]])  # no longer lists detox
    summary = import_cli(db, city, "city")
    assert (summary["updated"], summary["merged"]) == (1, 1)
    (bay_cove,) = [r for r in search_json(db, "bay cove") if "Bay Cove" in r["name"]]
    assert "detox" not in bay_cove["needs"] and bay_cove["languages"] == ["en", "es"]


def test_a_v1_directory_is_migrated_and_its_sites_merged(two_sources):
    db, _, _ = two_sources
    # The same directory as version 1 wrote it: every source's own rows, no merge tables.
    conn = sqlite3.connect(db, isolation_level=None)
    site_merging.unfold(conn)
    conn.execute("DROP TABLE source_records")
    conn.execute("DROP TABLE record_aliases")
    rebuild_derived(conn)
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with pytest.raises(DirectoryError, match="helpline migrate"):
        open_readonly(db)
    p = run_cli("search", "bay cove", "--db", str(db))
    assert p.returncode == 1 and "helpline migrate" in p.stderr and "Traceback" not in p.stderr

    p = run_cli("migrate", "--db", str(db))
    assert p.returncode == 0 and f"migrated to schema version {schema.SCHEMA_VERSION}" in p.stdout, p.stderr
    assert schema.version(open_readonly(db)) == schema.SCHEMA_VERSION
    bay_cove = [r for r in search_json(db, "bay cove") if "Bay Cove" in r["name"]]
    assert len(bay_cove) == 1 and sorted(bay_cove[0]["sources"]) == ["city", "state"]
    assert run_cli("migrate", "--db", str(db)).stdout.strip().endswith("already current")


# ---------------------------------------------------------------------------- the matching rules

def test_street_keys_ignore_suite_and_spelling_but_need_a_house_number():
    assert street_key("1603 N.W. 7th Ave.") == street_key("1603 NW 7th Avenue") == "1603 nw 7th ave"
    assert street_key("66 Canal Street, Suite 2") == street_key("66 Canal St #2") == street_key("66 Canal St")
    assert street_key("PO Box 10950") == "" and street_key("Main Street") == ""


@pytest.mark.parametrize(("a", "b"), [
    ("Health Care Resource Centers", "Healthcare Resource Centers"),  # Boston export vs National Directory
    ("NEW HOPE C.O.R.P.S., INC.", "New Hope CORPS"),  # Miami 211 vs National Directory
    ("New Horizons Community MH Ctr", "NEW HORIZONS COMMUNITY MENTAL HEALTH CENTER, INC."),
    ("Veterans Affairs Miami Medical Ctr", "THE BRUCE W. CARTER DEPARTMENT OF VETERANS AFFAIRS MEDICAL CENTER"),
])
def test_names_of_one_site_in_two_sources_score_over_the_threshold(a, b):
    assert name_score(name_key(a), name_key(b)) >= NAME_THRESHOLD


@pytest.mark.parametrize(("a", "b"), [
    ("Gosnolds Emerson House", "Gosnolds Miller House"),  # one phone, two houses (Boston vs National Directory)
    ("BEHAVIORAL HEALTH RESOURCE CENTER", "Borinquen Behavioral Health Center"),  # one street (Miami)
    ("Outpatient", "Jackson Outpatient"),
])
def test_names_of_different_services_score_under_the_threshold(a, b):
    assert name_score(name_key(a), name_key(b)) < NAME_THRESHOLD


def test_real_overlap_of_miami_211_and_the_national_directory(miami_db, tmp_path):
    """The two real exports share Florida sites: the ones the 211 package and SAMHSA both list merge."""
    db = tmp_path / "services.sqlite"
    shutil.copyfile(miami_db, db)
    summary = run_import(db, importers.load("samhsa-directory")(str(shared_file(*NATIONAL_DIRECTORY))),
                         source="national-directory", format="samhsa-directory", origin="nd")
    pairs = {(p["name"], p["other_name"]) for p in summary.merges}
    assert summary.merged == len(pairs) >= 20
    assert ("Camillus House", "CAMILLUS HOUSE, INC.") in pairs
    assert ("New Hope CORPS", "NEW HOPE C.O.R.P.S., INC.") in pairs
    assert not any(b == "BEHAVIORAL HEALTH RESOURCE CENTER" for _, b in pairs)
    assert summary.total_after == 4089 + summary.added - summary.merged
    # Each site is in one ZIP code (town names differ: "Sunrise" / "Fort Lauderdale", both 33351).
    conn = open_readonly(db)
    for merged_id, zips in conn.execute(
            "SELECT a.merged_id, group_concat(DISTINCT substr(r.zip, 1, 5)) FROM record_aliases a "
            "JOIN source_records r ON r.id = a.id GROUP BY a.merged_id"):
        assert "," not in zips, (merged_id, zips)


def test_two_programmes_of_one_organisation_at_one_address_stay_apart(tmp_path):
    """SAMHSA names the organisation in name1 and the programme in name2: same name, same building and
    phone, but another programme is another service."""
    db = tmp_path / "services.sqlite"
    row = ["Victory Programs Inc", "Womens Hope", "170 Morton Street", "", "Jamaica Plain", "MA", "02130",
           "617-442-0048", "", "", "", ""]
    import_csv(db, write_csv(tmp_path / "a.csv", [row]), "state")
    other_programme = [*row[:1], "Mens Residence", "170 Morton St", *row[3:]]
    assert import_csv(db, write_csv(tmp_path / "b.csv", [other_programme]), "city").merged == 0
    same_programme = [*row[:1], "Women's Hope", "170 Morton St", *row[3:]]
    assert import_csv(db, write_csv(tmp_path / "b.csv", [same_programme]), "city", replace_source=True).merged == 1
