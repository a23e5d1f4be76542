"""The command-line contract (docs/cli-contract.md), run as real processes."""

from __future__ import annotations

import json

from tests.conftest import SHIPPED_DB, run_cli


def test_search_json_has_the_contract_shape(sample_db):
    p = run_cli("search", "metadona", "--db", str(sample_db), "--json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert {"query", "filters", "total", "elapsed_ms", "results"} <= out.keys()
    first = out["results"][0]
    for key in ("id", "name", "kind", "street", "city", "state", "zip", "phone", "languages", "needs",
                "distance_miles", "source", "last_verified", "score"):
        assert key in first
    assert first["name"] == "Clínica de Metadona San Juan"


def test_search_with_filters_reports_them_and_distance(sample_db):
    p = run_cli("search", "", "--db", str(sample_db), "--near", "10701", "--need", "methadone", "--lang", "es", "--json")
    out = json.loads(p.stdout)
    assert out["filters"] == {"near": "10701 (Yonkers, NY)", "radius": 25.0, "lang": "es", "needs": ["methadone"]}
    assert [r["name"] for r in out["results"]] == ["Yonkers Comprehensive Treatment Center"]
    assert out["total"] == 1 and out["results"][0]["distance_miles"] < 2


def test_readable_table_without_json(sample_db):
    p = run_cli("search", "hope house", "--db", str(sample_db))
    assert p.returncode == 0
    assert "Hope House Sober Living" in p.stdout and "1 of 1" in p.stdout


def test_batch_answers_each_line_in_order_with_one_open(sample_db, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in [
        {"query": "casa nueva"}, {"query": "", "state": "NY", "limit": 1}, {"query": "grupo", "lang": "es"}]) + "\n")
    p = run_cli("search", "--batch", str(batch), "--db", str(sample_db), "--json")
    assert p.returncode == 0, p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert [o["query"] for o in lines] == ["casa nueva", "", "grupo"]
    assert lines[0]["results"][0]["name"] == "Casa Nueva Vida"
    assert lines[1]["total"] == 3 and len(lines[1]["results"]) == 1


def test_unknown_need_is_one_clear_sentence_and_a_usage_error(sample_db):
    p = run_cli("search", "x", "--db", str(sample_db), "--need", "unicorns")
    assert p.returncode == 2
    assert p.stderr.strip() == "helpline: error: need 'unicorns' is not a need id; 'helpline needs' lists them"
    assert "Traceback" not in p.stderr


def test_unknown_place_fails_and_bad_radius_kind_or_state_are_usage_errors(sample_db):
    p = run_cli("search", "", "--db", str(sample_db), "--near", "Atlantis, ZZ")
    assert p.returncode == 1 and "not a known US city" in p.stderr
    for flag, value, named in (("--radius", "-3", "radius"), ("--kind", "shop", "kind 'shop'"),
                               ("--state", "New Yrok", "state 'New Yrok'")):
        extra = ["--near", "10701"] if flag == "--radius" else []
        p = run_cli("search", "", "--db", str(sample_db), *extra, flag, value)
        assert p.returncode == 2 and named in p.stderr and len(p.stderr.strip().splitlines()) == 1, (flag, p.stderr)


def test_usage_errors_exit_2(sample_db):
    assert run_cli("search", "--db", str(sample_db), "--limit", "many").returncode == 2
    p = run_cli("import", "nonsense-format", "x", "--db", str(sample_db))
    assert p.returncode == 2 and "unknown format" in p.stderr


def test_missing_directory_is_one_sentence(tmp_path):
    p = run_cli("info", "--db", str(tmp_path / "none.sqlite"))
    assert p.returncode == 1
    assert "none.sqlite does not exist" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_import_of_a_missing_file_changes_nothing(sample_db):
    before = sample_db.read_bytes()
    p = run_cli("import", "samhsa-csv", "/nonexistent/export.csv", "--db", str(sample_db))
    assert p.returncode == 1 and "/nonexistent/export.csv: no such file" in p.stderr
    assert sample_db.read_bytes() == before


def test_info_json(sample_db):
    out = json.loads(run_cli("info", "--db", str(sample_db), "--json").stdout)
    assert out["total"] == 7 and out["demo"] is False
    assert out["sources"][0]["name"] == "test" and out["sources"][0]["records"] == 7
    assert out["by_kind"] == {"community": 3, "support-group": 1, "treatment": 3}
    assert out["by_state"]["NY"] == 4 and out["by_language"]["es"] == 5


def test_needs_json_lists_every_id_with_both_labels():
    out = json.loads(run_cli("needs", "--json").stdout)
    ids = {n["id"] for n in out["needs"]}
    assert {"methadone", "housing", "employment", "education", "veterans", "medicaid", "free"} <= ids
    assert all(n["en"] and n["es"] for n in out["needs"])
    assert len(out["domains"]) == 8


def test_needs_in_spanish():
    p = run_cli("needs", "--lang", "es")
    assert "Metadona" in p.stdout and "Vivienda segura" in p.stdout


def test_helpline_db_environment_variable(sample_db):
    import os

    env = dict(os.environ, HELPLINE_DB=str(sample_db))
    out = json.loads(run_cli("info", "--json", env=env).stdout)
    assert out["total"] == 7


def test_db_before_the_command_is_the_directory_used(sample_db, tmp_path):
    # `helpline --db X import ...` once imported into the shipped demo file instead of X.
    assert json.loads(run_cli("--db", str(sample_db), "info", "--json").stdout)["total"] == 7
    csv_file = tmp_path / "export.csv"
    csv_file.write_text("name1,street1,city,state,zip\nHarbor House,1 Main St,Boston,MA,02118\n")
    shipped = SHIPPED_DB.read_bytes()
    p = run_cli("--db", str(sample_db), "import", "samhsa-csv", str(csv_file))
    assert p.returncode == 0, p.stderr
    assert SHIPPED_DB.read_bytes() == shipped
    assert json.loads(run_cli("--db", str(sample_db), "info", "--json").stdout)["total"] == 8


def test_importing_into_a_file_that_is_not_a_directory_is_one_sentence(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_text("garbage\n")
    csv_file = tmp_path / "export.csv"
    csv_file.write_text("name1,street1,city,state,zip\nHarbor House,1 Main St,Boston,MA,02118\n")
    p = run_cli("import", "samhsa-csv", str(csv_file), "--db", str(bad))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and str(bad) in p.stderr
    assert bad.read_text() == "garbage\n"


def test_shipped_directory_is_demo_and_answers_the_done_when_query():
    p = run_cli("search", "", "--need", "housing", "--lang", "es", "--json", "--limit", "1000", "--db", str(SHIPPED_DB))
    out = json.loads(p.stdout)
    assert out["total"] > 0 and len(out["results"]) == out["total"]
    for r in out["results"]:
        assert "housing" in r["needs"] and "es" in r["languages"]
    info = json.loads(run_cli("info", "--json", "--db", str(SHIPPED_DB)).stdout)
    assert info["demo"] is True and info["total"] >= 2000


def test_radius_without_a_place_is_a_usage_error(sample_db):
    # A radius alone used to be dropped silently: the handler thought results were "within 10 miles".
    p = run_cli("search", "", "--db", str(sample_db), "--radius", "10", "--json")
    assert p.returncode == 2 and p.stdout == ""
    assert p.stderr.strip() == ("helpline: error: radius 10 needs a place to measure from; "
                                "add near (--near) as a ZIP code or 'City, ST'")


def test_unknown_language_code_is_a_usage_error_naming_it_and_valid_codes(sample_db):
    p = run_cli("search", "", "--db", str(sample_db), "--lang", "xx")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1
    assert "'xx'" in p.stderr and all(code in p.stderr for code in ("en", "es", "asl"))


def test_a_known_language_with_no_services_is_zero_results_not_an_error(sample_db):
    for code in ("fr", "hmn", "ES"):  # an ISO 639-1 code, a vocabulary id, any case
        p = run_cli("search", "", "--db", str(sample_db), "--lang", code, "--json")
        assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["total"] == 5
    fr = json.loads(run_cli("search", "", "--db", str(sample_db), "--lang", "fr", "--json").stdout)
    assert fr["total"] == 0 and fr["filters"] == {"lang": "fr"}


def test_batch_lines_with_a_lone_radius_or_unknown_language_name_their_line(sample_db, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in [
        {"query": "casa nueva"}, {"query": "", "radius": 5}, {"query": "", "lang": "xx"},
        {"query": "", "lang": "fr"}]) + "\n")
    p = run_cli("search", "--batch", str(batch), "--db", str(sample_db), "--json")
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 1 and "2 line(s) could not be searched" in p.stderr
    assert lines[0]["results"][0]["name"] == "Casa Nueva Vida"
    assert lines[1]["error"].startswith(f"{batch}, line 2: radius 5 needs a place")
    assert lines[2]["error"].startswith(f"{batch}, line 3: language 'xx' is not a language code")
    assert lines[3]["total"] == 0 and "error" not in lines[3]


def test_batch_line_with_an_unknown_key_is_an_error_naming_line_and_key(sample_db, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps(q) for q in [
        {"query": "", "needs": ["housing"]}, {"query": "x", "need": ["foo"]}, {"query": "x", "nearr": "10701"},
        {"query": "", "near": "10701", "radius": 5}]) + "\n")
    p = run_cli("search", "--batch", str(batch), "--db", str(sample_db), "--json")
    assert p.returncode == 1 and "2 line(s) could not be searched" in p.stderr
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(lines) == 4 and lines[0]["total"] == 2 and lines[3]["total"] > 0
    assert lines[1] == {"error": f"{batch}, line 2: unknown key 'need'; the keys are query, near, radius, state, "
                                 "lang, needs, kind, limit, sort"}
    assert lines[2]["error"].startswith(f"{batch}, line 3: unknown key 'nearr'; the keys are query, near,")


def test_a_need_without_a_place_is_told_to_add_one():
    demo = str(SHIPPED_DB)
    out = run_cli("search", "detox", "--db", demo, "--limit", "3").stdout
    assert "in name order, anywhere: add the caller's city or ZIP code" in out
    assert "add the caller's city" not in run_cli("search", "detox yonkers", "--db", demo, "--limit", "3").stdout


def test_programmes_at_one_address_are_told_apart_by_site_name(tmp_path):
    from helpline_tui.core.pipeline import run_import
    from helpline_tui.core.records import ServiceRecord

    db = tmp_path / "d.sqlite"
    run_import(db, [ServiceRecord(name="Region Ten", site_name=site, source="t", street="800 Preston Ave",
                                  city="Charlottesville", state="VA", zip="22903", row=n)
                    for n, site in enumerate(("", "Mohr Center"), start=1)], source="t", format="t", origin="t")
    out = run_cli("search", "region ten", "--db", str(db)).stdout
    names = sorted(line.split(". ", 1)[1] for line in out.splitlines() if line[:5].strip().endswith("."))
    assert names == ["Region Ten", "Region Ten — Mohr Center"]
