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
