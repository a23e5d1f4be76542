"""Network faults on URL imports, for every importer that reads a URL, against real servers on
127.0.0.1: each fault ends the import with exit code 1, one sentence naming the address, and the
directory file byte-for-byte unchanged. test_samhsa_json.py covers the samhsa-json specifics
(pages, API error text); bench/network_faults.py runs these faults with the default timeouts and
prints how long each takes to end.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest
from werkzeug import Response

from helpline_tui import cli
from importers import http
from tests.conftest import run_cli
from tests.support.fault_servers import URL_FORMATS, cut_off, hang, raw_server, self_signed_context


@pytest.fixture(autouse=True)
def fast_http(monkeypatch):
    """HELPLINE_HTTP_* set small, so faults end quickly."""
    monkeypatch.setenv("HELPLINE_HTTP_BACKOFF", "0")
    monkeypatch.setenv("HELPLINE_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("HELPLINE_HTTP_DEADLINE", "20")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def import_fails(capsys, db: Path, fmt: str, url: str) -> str:
    """Run `helpline import FMT URL` in-process; assert exit 1, one line naming the URL, file unchanged."""
    before = sha(db)
    code = cli.main(["import", fmt, url, "--db", str(db)])
    err = capsys.readouterr().err
    assert code == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("helpline: "), lines
    assert url.split("?")[0] in lines[0] and "Traceback" not in err
    assert sha(db) == before
    return lines[0]


# ------------------------------------------------------------------------------------- the faults

@pytest.mark.parametrize("fmt", URL_FORMATS)
@pytest.mark.parametrize("status", [500, 503])
def test_5xx_is_retried_with_backoff_then_one_clear_error(httpserver, sample_db, capsys, monkeypatch, fmt, status):
    monkeypatch.setenv("HELPLINE_HTTP_BACKOFF", "0.05")
    seen: list[float] = []

    def busy(request):
        seen.append(time.monotonic())
        return Response("busy", status=status)

    httpserver.expect_request("/export").respond_with_handler(busy)
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    assert f"answered {status}" in line and f"on all {http.ATTEMPTS} attempts" in line
    assert len(seen) == http.ATTEMPTS
    gaps = [b - a for a, b in zip(seen, seen[1:], strict=False)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1, gaps  # the pause doubles between attempts


@pytest.mark.parametrize("fmt", URL_FORMATS)
def test_a_hanging_server_times_out(sample_db, capsys, fmt):
    with raw_server(hang) as url:
        line = import_fails(capsys, sample_db, fmt, url)
    assert "did not answer within 0.3 s" in line and "try again later" in line


def test_a_hanging_server_ends_within_the_deadline_however_long_the_read_timeout(sample_db, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_HTTP_TIMEOUT", "30")
    monkeypatch.setenv("HELPLINE_HTTP_DEADLINE", "1")
    with raw_server(hang) as url:
        line = import_fails(capsys, sample_db, "samhsa-json", url)
    assert "did not answer within 1 s" in line and "in the 1 s allowed" in line


@pytest.mark.parametrize("fmt", URL_FORMATS)
def test_a_body_cut_off_before_its_length(sample_db, capsys, fmt):
    with raw_server(cut_off) as url:
        line = import_fails(capsys, sample_db, fmt, url)
    assert "cut off before the end" in line


@pytest.mark.parametrize("fmt", URL_FORMATS)
def test_a_web_page_served_with_200(httpserver, sample_db, capsys, fmt):
    httpserver.expect_request("/export").respond_with_data(
        "<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>", content_type="text/html")
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    assert "web page" in line


@pytest.mark.parametrize("fmt, expected", [
    ("samhsa-json", "instead of JSON"),
    ("hsds", "not valid JSON"),
    ("meeting-guide", "not valid JSON"),
    ("airs-xml", "not"),
])
def test_plain_text_served_with_200(httpserver, sample_db, capsys, fmt, expected):
    httpserver.expect_request("/export").respond_with_data("Error: the export is being rebuilt",
                                                           content_type="text/plain")
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    assert expected in line


@pytest.mark.parametrize("fmt", URL_FORMATS)
@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://127.0.0.1/export.json"])
def test_a_redirect_to_a_non_http_address_is_not_followed(httpserver, sample_db, capsys, fmt, target):
    httpserver.expect_request("/export").respond_with_data("", status=302, headers={"Location": target})
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    scheme = target.split(":")[0]
    assert f"redirected to {scheme}://…, which is not followed" in line
    assert len(httpserver.log) == 1  # not retried: it would be redirected the same way


@pytest.mark.parametrize("fmt", URL_FORMATS)
@pytest.mark.parametrize("declared", [True, False])
def test_an_oversize_body_is_stopped(httpserver, sample_db, capsys, monkeypatch, fmt, declared):
    monkeypatch.setenv("HELPLINE_HTTP_MAX_BYTES", "10000")
    body = b"[" + b'{"name": "x"},' * 5000 + b"{}]"
    if declared:
        httpserver.expect_request("/export").respond_with_data(body, content_type="application/json")
    else:  # streamed without a Content-Length: the cap must hold while reading
        httpserver.expect_request("/export").respond_with_handler(
            lambda r: Response(iter([body[i:i + 4096] for i in range(0, len(body), 4096)]),
                               content_type="application/json"))
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    assert "larger than the 10,000 bytes limit" in line


@pytest.fixture(scope="module")
def tls_server():
    from pytest_httpserver import HTTPServer

    context = self_signed_context()
    if context is None:
        pytest.skip("trustme (test extra) makes the self-signed certificate")
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


@pytest.mark.parametrize("fmt", URL_FORMATS)
def test_a_certificate_that_cannot_be_verified(tls_server, sample_db, capsys, fmt):
    tls_server.expect_request("/export").respond_with_json([])
    url = tls_server.url_for("/export")
    assert url.startswith("https://")
    line = import_fails(capsys, sample_db, fmt, url)
    assert "TLS certificate cannot be verified" in line
    assert "try again later" not in line  # another attempt would fail the same way


def test_https_to_a_server_that_does_not_speak_tls(httpserver, sample_db, capsys):
    httpserver.expect_request("/export").respond_with_json([])
    url = httpserver.url_for("/export").replace("http://", "https://")
    line = import_fails(capsys, sample_db, "samhsa-json", url)
    assert "secure (TLS) connection failed" in line


# ------------------------------------------------------------------- the real command, env knobs

def test_the_command_reads_its_limits_from_the_environment(httpserver, sample_db):
    httpserver.expect_request("/export").respond_with_data(b"[" + b"{}," * 4000 + b"{}]",
                                                           content_type="application/json")
    before = sha(sample_db)
    env = {**os.environ, "HELPLINE_HTTP_MAX_BYTES": "2000", "HELPLINE_HTTP_BACKOFF": "0"}
    done = run_cli("import", "samhsa-json", httpserver.url_for("/export"), "--db", str(sample_db), env=env)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "2,000 bytes limit" in done.stderr
    assert sha(sample_db) == before


def test_the_command_ends_a_hang_within_the_deadline_from_the_environment(sample_db):
    before = sha(sample_db)
    env = {**os.environ, "HELPLINE_HTTP_DEADLINE": "1", "HELPLINE_HTTP_BACKOFF": "0"}  # read timeout stays 30 s
    with raw_server(hang) as url:
        done = run_cli("import", "samhsa-json", url, "--db", str(sample_db), env=env)
    assert done.returncode == 1 and "in the 1 s allowed" in done.stderr, done.stderr
    assert sha(sample_db) == before


# ------------------------------------------------------------------ HSDS packages over the network

def test_hsds_zip_cut_short_but_served_whole_is_one_clear_error(httpserver, sample_db, capsys):
    from tests.test_hsds import PACKAGE_11, zip_package

    data = zip_package(PACKAGE_11)
    httpserver.expect_request("/export.zip").respond_with_data(data[: len(data) // 2], content_type="application/zip")
    line = import_fails(capsys, sample_db, "hsds", httpserver.url_for("/export.zip"))
    assert "zip" in line.lower()


@pytest.mark.parametrize("member_status", [503, 500])
def test_hsds_datapackage_whose_table_fails_is_an_error_not_a_package_without_it(httpserver, sample_db, capsys,
                                                                                 member_status):
    # Only a 404 means "this optional table is not published"; a 5xx must not silently drop a table.
    descriptor = {"name": "pkg", "resources": [{"name": n, "path": f"data/{n}.csv"}
                                               for n in ("services", "organizations", "phones")]}
    httpserver.expect_request("/pkg/datapackage.json").respond_with_json(descriptor)
    httpserver.expect_request("/pkg/data/services.csv").respond_with_data(
        "id,organization_id,name\ns1,o1,Recovery Housing\n", content_type="text/csv")
    httpserver.expect_request("/pkg/data/organizations.csv").respond_with_data("id,name\no1,Hope\n",
                                                                               content_type="text/csv")
    httpserver.expect_request("/pkg/data/phones.csv").respond_with_data("busy", status=member_status)
    before = sha(sample_db)
    code = cli.main(["import", "hsds", httpserver.url_for("/pkg/datapackage.json"), "--db", str(sample_db)])
    err = capsys.readouterr().err
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "phones.csv" in err and f"answered {member_status}" in err
    assert sha(sample_db) == before
