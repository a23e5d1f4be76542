"""`helpline refresh`: the admin's routine, every source re-imported from where it came from."""

from __future__ import annotations

import json

from tests.conftest import run_cli

HEADER = "name1,name2,street1,street2,city,state,zip,phone,latitude,longitude,sp\n"


def write_csv(path, rows):
    path.write_text(HEADER + "".join(",".join(r) + "\n" for r in rows))


def test_refresh_reimports_each_source_from_its_origin(tmp_path):
    db = tmp_path / "services.sqlite"
    boston, chelsea = tmp_path / "boston.csv", tmp_path / "chelsea.csv"
    write_csv(boston, [["Bay Cove", "", "66 Canal St", "", "Boston", "MA", "02114", "617-555-0110", "42.36", "-71.06", ""]])
    write_csv(chelsea, [["Casa Latina", "", "1 Broadway", "", "Chelsea", "MA", "02150", "617-555-0111", "42.39", "-71.03", "1"]])
    assert run_cli("import", "samhsa-csv", str(boston), "--db", str(db), "--source-name", "boston").returncode == 0
    assert run_cli("import", "samhsa-csv", str(chelsea), "--db", str(db), "--source-name", "chelsea").returncode == 0

    # The Boston export changes: one site gone, one new.
    write_csv(boston, [["Hope Street Clinic", "", "9 Hope St", "", "Boston", "MA", "02118", "617-555-0112", "42.34", "-71.07", ""]])
    p = run_cli("refresh", "--db", str(db), "--replace-source", "--json")
    assert p.returncode == 0, p.stderr
    summaries = {s["source"]: s for s in map(json.loads, p.stdout.splitlines())}
    assert (summaries["boston"]["added"], summaries["boston"]["removed"]) == (1, 1)
    assert (summaries["chelsea"]["added"], summaries["chelsea"]["unchanged"]) == (0, 1)
    names = [r["name"] for r in json.loads(run_cli("search", "", "--db", str(db), "--json").stdout)["results"]]
    assert sorted(names) == ["Casa Latina", "Hope Street Clinic"]


def test_a_source_that_fails_leaves_its_records_and_the_others_still_refresh(tmp_path):
    db = tmp_path / "services.sqlite"
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    write_csv(good, [["Bay Cove", "", "66 Canal St", "", "Boston", "MA", "02114", "617-555-0110", "42.36", "-71.06", ""]])
    write_csv(bad, [["Casa Latina", "", "1 Broadway", "", "Chelsea", "MA", "02150", "617-555-0111", "42.39", "-71.03", "1"]])
    run_cli("import", "samhsa-csv", str(good), "--db", str(db), "--source-name", "good")
    run_cli("import", "samhsa-csv", str(bad), "--db", str(db), "--source-name", "bad")
    bad.write_bytes(b"\x00\x01 this is no longer a csv export")
    write_csv(good, [["Bay Cove Detox", "", "66 Canal St", "", "Boston", "MA", "02114", "617-555-0110", "42.36", "-71.06", ""]])
    p = run_cli("refresh", "--db", str(db), "--replace-source")
    assert p.returncode == 1
    assert "refreshing 'bad'" in p.stderr and "bad.csv" in p.stderr and "Traceback" not in p.stderr
    names = sorted(r["name"] for r in json.loads(run_cli("search", "", "--db", str(db), "--json").stdout)["results"])
    assert names == ["Bay Cove Detox", "Casa Latina"]  # 'bad' kept its records; 'good' refreshed


def test_refresh_of_an_unknown_source_is_one_sentence(sample_db):
    p = run_cli("refresh", "nosuch", "--db", str(sample_db))
    assert p.returncode == 1 and "no source named nosuch" in p.stderr


def sites(town: str, zip5: str, count: int, first: int = 0) -> list[list[str]]:
    return [[f"{town} Recovery Center {i}", "", f"{i} Main St", "", town, "MA", zip5, f"617-555-{i:04d}", "42.3", "-71.0",
             ""] for i in range(first, first + count)]


def test_a_second_feed_under_the_default_source_name_is_refused_until_named(tmp_path):
    # Two regions' exports imported one after the other without --source-name would both be
    # source 'samhsa-csv', and `refresh` would then re-read only the second.
    import hashlib

    db = tmp_path / "services.sqlite"
    boston, worcester = tmp_path / "boston.csv", tmp_path / "worcester.csv"
    write_csv(boston, sites("Boston", "02118", 30))
    write_csv(worcester, sites("Worcester", "01608", 25))
    assert run_cli("import", "samhsa-csv", str(boston), "--db", str(db)).returncode == 0
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    p = run_cli("import", "samhsa-csv", str(worcester), "--db", str(db))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    line, = p.stderr.strip().splitlines()
    assert str(worcester) in line and "already holds 30 records" in line and "--source-name" in line
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    # Named, it is its own source, and refresh keeps both.
    assert run_cli("import", "samhsa-csv", str(worcester), "--db", str(db), "--source-name", "worcester").returncode == 0
    p = run_cli("refresh", "--db", str(db), "--json")
    assert p.returncode == 0, p.stderr
    assert sorted(json.loads(s)["source"] for s in p.stdout.splitlines()) == ["samhsa-csv", "worcester"]


def test_a_new_export_of_the_same_feed_under_another_file_name_is_not_refused(tmp_path):
    db = tmp_path / "services.sqlite"
    august, september = tmp_path / "listing_2025-08.csv", tmp_path / "listing_2025-09.csv"
    write_csv(august, sites("Boston", "02118", 30))
    write_csv(september, sites("Boston", "02118", 30, first=2))  # two sites closed, two opened
    assert run_cli("import", "samhsa-csv", str(august), "--db", str(db)).returncode == 0
    p = run_cli("import", "samhsa-csv", str(september), "--db", str(db), "--replace-source", "--json")
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert (summary["added"], summary["removed"], summary["unchanged"]) == (2, 2, 28)
    # Adding another feed to a source on purpose: named explicitly, it is accepted.
    other = tmp_path / "worcester.csv"
    write_csv(other, sites("Worcester", "01608", 25))
    assert run_cli("import", "samhsa-csv", str(other), "--db", str(db), "--source-name", "samhsa-csv").returncode == 0
