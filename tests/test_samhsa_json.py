"""samhsa-json: a saved locator API response (the real 2019 sample) and the API by URL, against a real
HTTP server on 127.0.0.1 (pytest-httpserver): pages, retries, hangs, cut-off bodies, HTML, error text."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

import pytest
from werkzeug import Response

import importers
from helpline_tui.core.directory import get_record, open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord, SkippedRow, SourceError
from importers import http
from tests.conftest import run_cli, shared_file

SAMPLE = ("samhsa", "findtreatment_api_listing_sample_2019.json")


def read(source: str) -> list:
    return list(importers.load("samhsa-json")(source))


def facility(name: str, **kw) -> dict:
    row = {"_irow": 1, "name1": name, "name2": None, "street1": "1 Main St", "street2": None, "city": "Boston",
           "state": "MA", "zip": "02118", "phone": "617-555-0100", "type_facility": "SA", "intake1": None,
           "hotline1": None, "website": "http://", "latitude": "42.33", "longitude": "-71.07", "miles": 0.2,
           "services": [{"f1": "Language Services", "f2": "SL", "f3": "Spanish"}]}
    row.update(kw)
    return row


def page(rows: list[dict], number: int = 1, total: int = 1) -> dict:
    return {"page": number, "totalPages": total, "recordCount": len(rows) * total, "rows": rows}


@pytest.fixture(autouse=True)
def fast_http(monkeypatch):
    """No real waiting between retries, short timeouts: the failure tests finish in seconds."""
    monkeypatch.setenv("HELPLINE_HTTP_BACKOFF", "0")
    monkeypatch.setenv("HELPLINE_HTTP_TIMEOUT", "2")


# ---------------------------------------------------------------------------------- the saved 2019 sample

def test_the_2019_sample_imports_every_row(tmp_path):
    path = shared_file(*SAMPLE)
    data = json.loads(path.read_text())
    items = read(str(path))
    assert len(items) == len(data["rows"]) == 30
    assert all(isinstance(i, ServiceRecord) for i in items)
    first = items[0]
    assert first.name == "Region Ten Community Services Board" and first.site_name == "Mohr Center"
    assert "SA" in first.source_codes  # from `typeFacility`, the 2019 spelling of the key
    assert first.raw["frid"].startswith("811a908f") and first.source_key is None
    assert isinstance(first.latitude, float) and first.latitude == pytest.approx(38.0282239)
    summary = run_import(tmp_path / "s.sqlite", iter(items), source="samhsa-json", format="samhsa-json",
                         origin=str(path))
    assert summary.read == 30 and not summary.skipped and summary.total_after + summary.merged_duplicates == 30


def test_labels_map_back_to_codes_and_unknown_labels_are_kept(tmp_path):
    items = read(str(shared_file(*SAMPLE)))
    data = json.loads(shared_file(*SAMPLE).read_text())
    for item, row in zip(items, data["rows"], strict=True):
        labels = {s["f2"]: s["f3"] for s in row["services"]}
        spoken = labels.get("SL", "").split("; ") + labels.get("OL", "").split("; ")  # 2019: Spanish under OL too
        assert ("es" in item.languages) == ("Spanish" in spoken)
        if "Behavior modification" in labels.get("TAP", ""):
            assert "label:Behavior modification" in item.unmapped_codes
        expected = {"MH": "mental-health", "SA": "substance-use-treatment"}[row["typeFacility"]]
        assert expected in item.needs
        # 2019 wording of AH: "Services for the deaf and hard of hearing".
        assert ("sgn" in item.languages) == ("Services for the deaf and hard of hearing"
                                             in labels.get("SL", "").split("; "))
    # Category settles labels two categories share: "Psychiatric hospital" is PSYH under HOSP.
    items = read(_save(tmp_path, page([facility("H", services=[
        {"f1": "Hospitals", "f2": "HOSP", "f3": "Psychiatric hospital"},
        {"f1": "Facility Type", "f2": "FT", "f3": "Psychiatric hospital"},
        {"f1": "Counseling Services and Education", "f2": "EDU", "f3": "Individual counseling offered"},
        {"f1": "Other", "f2": "XYZ", "f3": "Something brand new; Methadone maintenance"},
    ])])))
    rec = items[0]
    assert {"PSYH", "PSY", "MM"} <= set(rec.source_codes)
    assert "label:Something brand new" in rec.unmapped_codes and "methadone" in rec.needs
    assert rec.raw["services"]["XYZ"] == "Something brand new; Methadone maintenance"


def _save(tmp_path: Path, data, name: str = "resp.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return str(path)


def test_type_facility_key_spellings_nulls_and_bad_rows(tmp_path):
    rows = [facility("A", type_facility="MH"), facility("B", type_facility=None, typeFacility="SA"),
            facility("C", services=None, type_facility="OTP", latitude=None, longitude=None, website=None),
            "not a facility", facility(""), facility("D", latitude="north")]
    items = read(_save(tmp_path, page(rows)))
    a, b, c, bad, noname, badlat = items
    assert "MH" in a.source_codes and "mental-health" in a.needs
    assert "SA" in b.source_codes and "substance-use-treatment" in b.needs
    # An OTP facility type gives the umbrella need (medication for addiction), not methadone.
    assert c.needs == ["mat"] and c.latitude is None and c.website == ""
    assert isinstance(bad, SkippedRow) and bad.row == 4
    assert isinstance(noname, SkippedRow) and noname.field == "name1"
    assert isinstance(badlat, SkippedRow) and badlat.field == "latitude"


def test_a_bare_list_of_facilities_is_accepted(tmp_path):
    items = read(_save(tmp_path, [facility("A"), facility("B")]))
    assert [i.name for i in items] == ["A", "B"]


@pytest.mark.parametrize("content, expected", [
    ("", "is empty"),
    ('"Invalid value for limitType"', "answered with a message"),
    ("Invalid value for limitType", "is not JSON; it says: 'Invalid value for limitType'"),
    ('{"error": "sAddr is required"}', "answered with an error: 'sAddr is required'"),
    ('{"page": 1, "totalPages": 1, "rows": [{"name1": "A", "city": "Bos', "truncated"),
    ('{"something": "else"}', "not a locator response"),
    ("<!DOCTYPE html><html><body>Maintenance</body></html>", "web page"),
    ('{"page": 1, "totalPages": 1, "recordCount": 0, "rows": []}', "no facility rows"),
])
def test_unusable_saved_responses_are_errors(tmp_path, content, expected):
    with pytest.raises(SourceError, match=expected):
        read(_save(tmp_path, content))


# ---------------------------------------------------------------------------------- by URL

def test_pages_are_followed_with_page_and_page_size(httpserver):
    seen = []

    def handler(request):
        seen.append(dict(request.args))
        number = int(request.args["page"])
        rows = [facility(f"Site {number}-{i}", street1=f"{number}{i} Main St") for i in range(3)]
        return Response(json.dumps(page(rows, number, 2)), content_type="application/json; charset=utf-8")

    httpserver.expect_request("/locator/exportsAsJson/v2").respond_with_handler(handler)
    url = httpserver.url_for("/locator/exportsAsJson/v2") + "?sType=both&limitType=0&limitValue=3"
    items = read(url)
    assert [i.name for i in items] == [f"Site {p}-{i}" for p in (1, 2) for i in range(3)]
    assert [s["page"] for s in seen] == ["1", "2"]
    assert all(s["pageSize"] == "2000" and s["limitValue"] == "3" for s in seen)
    assert all(i.languages == ["en", "es"] for i in items)


def test_user_agent_names_the_tool(httpserver):
    httpserver.expect_request("/v2", headers={"User-Agent": http.USER_AGENT}).respond_with_json(page([facility("A")]))
    assert http.USER_AGENT.startswith("helpline/") and "referral directory import" in http.USER_AGENT
    assert [i.name for i in read(httpserver.url_for("/v2"))] == ["A"]


def test_progress_line_only_on_a_terminal(httpserver, capsys):
    httpserver.expect_request("/v2").respond_with_json(page([facility("A")]))
    read(httpserver.url_for("/v2"))  # stderr is not a terminal under pytest
    assert capsys.readouterr().err == ""
    with http.Downloader(progress=True) as download:
        download.status("page 1 of 1")
        download.get(httpserver.url_for("/v2"))
    err = capsys.readouterr().err
    assert "page 1 of 1" in err and err.endswith("\r")  # the line is cleared when done


def test_a_500_is_retried_then_the_answer_is_used(httpserver):
    httpserver.expect_ordered_request("/v2").respond_with_data("oops", status=500)
    httpserver.expect_ordered_request("/v2").respond_with_json(page([facility("After retry")]))
    assert [i.name for i in read(httpserver.url_for("/v2"))] == ["After retry"]
    assert len(httpserver.log) == 2


def test_a_persistent_503_is_one_clear_error_naming_the_url(httpserver):
    httpserver.expect_request("/v2").respond_with_data("busy", status=503)
    url = httpserver.url_for("/v2")
    with pytest.raises(SourceError) as err:
        read(url)
    message = str(err.value)
    assert message.startswith(url) and "503" in message and "try again later" in message
    assert len(httpserver.log) == http.ATTEMPTS


def test_a_hanging_server_times_out_after_the_retries(httpserver, monkeypatch):
    monkeypatch.setenv("HELPLINE_HTTP_TIMEOUT", "0.3")
    release = threading.Event()

    def hang(request):
        release.wait(10)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/v2").respond_with_handler(hang)
    started = time.monotonic()
    try:
        with pytest.raises(SourceError, match="did not answer within 0.3 s"):
            read(httpserver.url_for("/v2"))
        assert time.monotonic() - started < 8
    finally:
        release.set()
        deadline = time.monotonic() + 5  # let the server finish the abandoned requests
        while len(httpserver.log) < http.ATTEMPTS and time.monotonic() < deadline:
            time.sleep(0.05)


def test_a_body_cut_off_before_its_content_length_is_retried_then_an_error(httpserver):
    def cut(request):
        response = Response(b'{"page": 1, "totalPages": 1, "rows": [', content_type="application/json")
        response.headers["Content-Length"] = "5000"
        return response

    httpserver.expect_request("/v2").respond_with_handler(cut)
    with pytest.raises(SourceError, match="cut off"):
        read(httpserver.url_for("/v2"))


def test_a_truncated_json_body_is_an_error(httpserver):
    body = json.dumps(page([facility("A"), facility("B")]))
    httpserver.expect_request("/v2").respond_with_data(body[: len(body) // 2], content_type="application/json")
    with pytest.raises(SourceError, match="truncated"):
        read(httpserver.url_for("/v2"))


def test_html_served_with_200_is_refused(httpserver):
    httpserver.expect_request("/v2").respond_with_data(
        "<!DOCTYPE html><html><head><title>Request Rejected</title></head></html>", content_type="text/html")
    with pytest.raises(SourceError, match="web page"):
        read(httpserver.url_for("/v2"))


def test_error_text_with_200_is_refused_quoting_it(httpserver):
    httpserver.expect_request("/v2").respond_with_data("Invalid limitValue", content_type="text/plain")
    with pytest.raises(SourceError, match="'text/plain' instead of JSON: 'Invalid limitValue'"):
        read(httpserver.url_for("/v2"))


def test_error_message_in_json_with_200_is_refused(httpserver):
    httpserver.expect_request("/v2").respond_with_json({"message": "limitType must be 0, 1 or 2"})
    with pytest.raises(SourceError, match="answered with an error: 'limitType must be 0, 1 or 2'"):
        read(httpserver.url_for("/v2"))


def test_wrong_content_type_is_refused(httpserver):
    httpserver.expect_request("/v2").respond_with_data(json.dumps(page([facility("A")])),
                                                       content_type="application/octet-stream")
    with pytest.raises(SourceError, match="'application/octet-stream' instead of JSON"):
        read(httpserver.url_for("/v2"))


def test_an_oversize_download_is_stopped(httpserver, monkeypatch):
    monkeypatch.setenv("HELPLINE_HTTP_MAX_BYTES", "4000")
    big = json.dumps(page([facility(f"Site {i}") for i in range(40)]))
    assert len(big) > 4000
    httpserver.expect_request("/v2").respond_with_data(big, content_type="application/json")
    with pytest.raises(SourceError, match="larger than the 4,000 bytes limit"):
        read(httpserver.url_for("/v2"))
    # Without Content-Length (streamed), the cap still holds.
    httpserver.clear()
    httpserver.expect_request("/v2").respond_with_handler(
        lambda request: Response(iter([big[:3000].encode(), big[3000:].encode()]), content_type="application/json"))
    with pytest.raises(SourceError, match="larger than"):
        read(httpserver.url_for("/v2"))


def test_a_404_is_not_retried(httpserver):
    httpserver.expect_request("/v2").respond_with_data("no", status=404)
    with pytest.raises(SourceError, match="404"):
        read(httpserver.url_for("/v2"))
    assert len(httpserver.log) == 1


def test_nothing_listening_is_a_clear_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceError, match="cannot connect"):
        read(f"http://127.0.0.1:{port}/v2")


# ---------------------------------------------------------------------------------- the real command

def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli_env(**extra: str) -> dict[str, str]:
    return {**os.environ, "HELPLINE_HTTP_BACKOFF": "0", "HELPLINE_HTTP_TIMEOUT": "2", **extra}


def test_cli_imports_from_a_url(httpserver, tmp_path):
    httpserver.expect_request("/v2").respond_with_json(page([facility("From the API")]))
    db = tmp_path / "services.sqlite"
    p = run_cli("import", "samhsa-json", httpserver.url_for("/v2"), "--db", str(db), "--json", env=cli_env())
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["added"] == 1
    conn = open_readonly(db)
    rec = get_record(conn, conn.execute("SELECT id FROM services").fetchone()[0])
    assert rec["name"] == "From the API" and rec["languages"] == ["en", "es"] and rec["website"] == ""


@pytest.mark.parametrize("status, body, ctype, expected", [
    (503, "busy", "text/plain", "503"),
    (200, "<html><body>Service Unavailable</body></html>", "text/html", "web page"),
    (200, "Error: bad query", "text/plain", "instead of JSON"),
])
def test_cli_network_failures_exit_1_and_change_nothing(httpserver, sample_db, status, body, ctype, expected):
    httpserver.expect_request("/v2").respond_with_data(body, status=status, content_type=ctype)
    before = sha(sample_db)
    url = httpserver.url_for("/v2")
    p = run_cli("import", "samhsa-json", url, "--db", str(sample_db), env=cli_env())
    assert p.returncode == 1
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and url in lines[0] and expected in lines[0], lines
    assert sha(sample_db) == before


def test_cli_hang_uses_the_timeout_from_the_environment(httpserver, sample_db):
    release = threading.Event()
    httpserver.expect_request("/v2").respond_with_handler(lambda r: release.wait(10) and Response("{}"))
    before = sha(sample_db)
    try:
        p = run_cli("import", "samhsa-json", httpserver.url_for("/v2"), "--db", str(sample_db),
                    env=cli_env(HELPLINE_HTTP_TIMEOUT="0.3"))
    finally:
        release.set()
        deadline = time.monotonic() + 5
        while len(httpserver.log) < http.ATTEMPTS and time.monotonic() < deadline:
            time.sleep(0.05)
    assert p.returncode == 1 and "did not answer within 0.3 s" in p.stderr
    assert sha(sample_db) == before
