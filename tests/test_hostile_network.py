"""Hostile servers, for real on 127.0.0.1: nothing a source's server does may hang the import (and
with it the import lock) or lead the download elsewhere, and credentials in an address stay out of
the directory. Each import ends in one sentence naming the URL and the bound (and its setting),
exit 1, the directory byte-for-byte unchanged. Deadlines are set small here; bench/network_faults.py
runs the same faults with the default settings and prints how long each takes.
"""

from __future__ import annotations

import gzip
import json

import pytest
from werkzeug import Response

from helpline_tui import cli
from tests.support.fault_servers import URL_FORMATS, raw_server, trickle
from tests.test_network_faults import import_fails, sha
from tests.test_samhsa_json import facility, page


@pytest.fixture(autouse=True)
def short_deadlines(monkeypatch):
    """Short HELPLINE_HTTP_* deadlines: each byte comes within the read
    timeout, so only the deadlines can end a trickle."""
    monkeypatch.setenv("HELPLINE_HTTP_BACKOFF", "0")
    monkeypatch.setenv("HELPLINE_HTTP_TIMEOUT", "0.5")
    monkeypatch.setenv("HELPLINE_HTTP_DEADLINE", "1")
    monkeypatch.setenv("HELPLINE_HTTP_DOWNLOAD_DEADLINE", "1.5")


# --------------------------------------------------------------------------------------- time

@pytest.mark.parametrize("fmt", URL_FORMATS)
def test_a_body_trickled_a_byte_at_a_time_is_cut_off_at_the_download_deadline(sample_db, capsys, fmt):
    # One byte every 0.1 s (the read timeout is 0.5 s) for 6 s, then the server closes.
    with raw_server(trickle("body", every=0.1, ticks=60)) as url:
        line = import_fails(capsys, sample_db, fmt, url)
    assert "did not finish within the 1.5 s allowed (HELPLINE_HTTP_DOWNLOAD_DEADLINE" in line


def test_a_chunked_body_trickled_is_cut_off_at_the_download_deadline(sample_db, capsys):
    with raw_server(trickle("chunked body", every=0.1, ticks=60)) as url:
        line = import_fails(capsys, sample_db, "samhsa-json", url)
    assert "did not finish within the 1.5 s allowed (HELPLINE_HTTP_DOWNLOAD_DEADLINE" in line


def test_headers_trickled_a_byte_at_a_time_are_cut_off_at_the_answer_deadline(sample_db, capsys):
    with raw_server(trickle("headers", every=0.1, ticks=60)) as url:
        line = import_fails(capsys, sample_db, "meeting-guide", url)
    assert "did not finish its answer within the 1 s allowed (HELPLINE_HTTP_DEADLINE)" in line


def test_a_gzip_body_that_inflates_a_thousandfold_is_refused(httpserver, sample_db, capsys):
    # 30 MB of JSON from 30 KB on the wire: under the 200 MB cap, over the ratio bound.
    body = gzip.compress(b"[" + b" " * (30 * 1024 * 1024) + b"]")
    httpserver.expect_request("/export").respond_with_data(
        body, content_type="application/json", headers={"Content-Encoding": "gzip"})
    line = import_fails(capsys, sample_db, "meeting-guide", httpserver.url_for("/export"))
    assert "inflates to over 100 times its compressed size" in line and "HELPLINE_HTTP_MAX_RATIO" in line


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw deflate"])
def test_a_compressed_feed_still_imports(httpserver, sample_db, capsys, encoding):
    # The body is inflated by helpline itself now, step by step: every encoding it asks for.
    import zlib

    feed = json.dumps([{"name": f"Meeting {i}", "slug": f"m{i}", "day": i % 7, "time": "19:00",
                        "address": "1 Main St", "city": "Boston", "state": "MA", "types": ["O"]}
                       for i in range(300)]).encode()
    wbits = {"gzip": 31, "deflate": 15, "raw deflate": -15}[encoding]
    packer = zlib.compressobj(6, zlib.DEFLATED, wbits)
    body = packer.compress(feed) + packer.flush()
    httpserver.expect_request("/feed").respond_with_data(
        body, content_type="application/json", headers={"Content-Encoding": encoding.split()[-1]})
    code = cli.main(["import", "meeting-guide", httpserver.url_for("/feed"), "--db", str(sample_db), "--json"])
    assert code == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out)["added"] == 300


# -------------------------------------------------------------------------------------- pages

def samhsa_pages(httpserver, total: int, repeat: bool, stop_after: int = 30) -> None:
    """A locator API declaring `total` pages; each page new facilities, or always the same ones
    (`repeat`). After `stop_after` pages it answers empty, so a run without bounds still ends."""
    def answer(request):
        number = int(request.args.get("page", "1"))
        if number > stop_after:
            return Response(json.dumps(page([], number, total)), content_type="application/json")
        label = 1 if repeat else number
        rows = [facility(f"Clinic {label}-{i}", street1=f"{label}{i} Main St") for i in range(2)]
        return Response(json.dumps(page(rows, number, total)), content_type="application/json")

    httpserver.expect_request("/locator").respond_with_handler(answer)


def test_a_locator_declaring_a_billion_pages_is_refused_at_the_page_limit(httpserver, sample_db, capsys):
    samhsa_pages(httpserver, total=1_000_000_000, repeat=False)
    line = import_fails(capsys, sample_db, "samhsa-json", httpserver.url_for("/locator"))
    assert "declares 1,000,000,000 pages, over the 10,000-page limit (HELPLINE_HTTP_MAX_PAGES)" in line
    assert len(httpserver.log) == 1


def test_the_page_limit_is_a_setting(httpserver, sample_db, capsys, monkeypatch):
    monkeypatch.setenv("HELPLINE_HTTP_MAX_PAGES", "3")
    samhsa_pages(httpserver, total=5, repeat=False)
    line = import_fails(capsys, sample_db, "samhsa-json", httpserver.url_for("/locator"))
    assert "over the 3-page limit (HELPLINE_HTTP_MAX_PAGES)" in line


def test_a_locator_repeating_one_page_stops_at_the_first_repeat(httpserver, sample_db, capsys):
    samhsa_pages(httpserver, total=20, repeat=True)
    line = import_fails(capsys, sample_db, "samhsa-json", httpserver.url_for("/locator"))
    assert "page 2 brings only records of earlier pages" in line
    assert len(httpserver.log) == 2


def hsds_pages(httpserver, total: int, repeat: bool, stop_after: int = 30) -> None:
    def answer(request):
        number = int(request.args.get("page", "1"))
        label = 1 if repeat else number
        contents = [] if number > stop_after else [
            {"id": f"s{label}-{i}", "name": f"Recovery Service {label}-{i}", "status": "active"} for i in range(2)]
        return Response(json.dumps({"total_items": total * 2, "total_pages": total, "page_number": number,
                                    "size": 2, "first_page": number == 1, "last_page": False,
                                    "empty": not contents, "contents": contents}),
                        content_type="application/json")

    httpserver.expect_request("/services").respond_with_handler(answer)


def test_an_hsds_api_declaring_a_billion_pages_is_refused(httpserver, sample_db, capsys):
    hsds_pages(httpserver, total=1_000_000_000, repeat=False)
    line = import_fails(capsys, sample_db, "hsds", httpserver.url_for("/services"))
    assert "declares 1,000,000,000 pages, over the 10,000-page limit (HELPLINE_HTTP_MAX_PAGES)" in line


def test_an_hsds_api_repeating_one_page_stops_at_the_first_repeat(httpserver, sample_db, capsys):
    hsds_pages(httpserver, total=20, repeat=True)
    line = import_fails(capsys, sample_db, "hsds", httpserver.url_for("/services"))
    assert "page 2 brings only records of earlier pages" in line
    assert len(httpserver.log) == 2


# ---------------------------------------------------------------------------------- redirects

@pytest.mark.parametrize("fmt", [*URL_FORMATS, "samhsa-csv", "auto"])
def test_a_redirect_loop_is_one_sentence(httpserver, sample_db, capsys, fmt):
    httpserver.expect_request("/export").respond_with_data("", status=302, headers={"Location": "/export"})
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    assert "redirects in a loop (more than 10 redirects)" in line


@pytest.mark.parametrize("fmt", URL_FORMATS)
def test_a_redirect_to_another_host_on_a_loopback_address_is_refused(httpserver, sample_db, capsys, fmt):
    # The server is asked as "localhost"; it sends the import on to 127.0.0.1, another host.
    assert "//localhost:" in httpserver.url_for("/export")
    inner = httpserver.url_for("/internal").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/export").respond_with_data("", status=302, headers={"Location": inner})
    httpserver.expect_request("/internal").respond_with_json([])
    line = import_fails(capsys, sample_db, fmt, httpserver.url_for("/export"))
    assert "redirected to another host, 127.0.0.1, at the private or local address 127.0.0.1" in line
    assert [entry[0].path for entry in httpserver.log] == ["/export"]


def test_a_redirect_on_the_same_host_is_followed(httpserver, sample_db, capsys):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    httpserver.expect_request("/new").respond_with_json(
        [{"name": "Tuesday Serenity", "slug": "tuesday-serenity", "day": 2, "time": "19:00",
          "address": "1 Main St", "city": "Boston", "state": "MA", "postal_code": "02118", "types": ["O"]}])
    code = cli.main(["import", "meeting-guide", httpserver.url_for("/old"), "--db", str(sample_db)])
    assert code == 0, capsys.readouterr().err


def hsds_package_elsewhere(httpserver) -> str:
    """A datapackage.json on "localhost" whose tables are on 127.0.0.1 (another host)."""
    other = httpserver.url_for("/cdn").replace("localhost", "127.0.0.1")
    descriptor = {"name": "pkg", "resources": [{"name": "services", "path": f"{other}/services.csv"},
                                               {"name": "organizations", "path": f"{other}/organizations.csv"}]}
    httpserver.expect_request("/pkg/datapackage.json").respond_with_json(descriptor)
    httpserver.expect_request("/cdn/services.csv").respond_with_data(
        "id,organization_id,name,status\ns1,o1,Recovery Housing,active\n", content_type="text/csv")
    httpserver.expect_request("/cdn/organizations.csv").respond_with_data("id,name\no1,Hope\n",
                                                                          content_type="text/csv")
    return httpserver.url_for("/pkg/datapackage.json")


def test_an_hsds_package_naming_tables_on_another_host_is_refused(httpserver, sample_db, capsys):
    line = import_fails(capsys, sample_db, "hsds", hsds_package_elsewhere(httpserver))
    assert "names its table services.csv on another host, 127.0.0.1" in line
    assert "set HELPLINE_HSDS_RESOURCE_HOSTS=127.0.0.1" in line
    assert [entry[0].path for entry in httpserver.log] == ["/pkg/datapackage.json"]


def test_an_hsds_package_on_another_host_imports_when_the_admin_allows_it(httpserver, sample_db, capsys,
                                                                          monkeypatch):
    monkeypatch.setenv("HELPLINE_HSDS_RESOURCE_HOSTS", "127.0.0.1")
    code = cli.main(["import", "hsds", hsds_package_elsewhere(httpserver), "--db", str(sample_db)])
    assert code == 0, capsys.readouterr().err


# ------------------------------------------------------------------------------------ secrets

SECRET = "s3cr3t-K3Y-9f8e7d"


def keyed_locator(httpserver) -> list[str]:
    """A one-page locator answering only with ?api_key=SECRET; returns the keys it was sent."""
    seen: list[str] = []

    def answer(request):
        seen.append(request.args.get("api_key", ""))
        if request.args.get("api_key") != SECRET:
            return Response("forbidden", status=403)
        return Response(json.dumps(page([facility("Keyed Clinic")])), content_type="application/json")

    httpserver.expect_request("/locator").respond_with_handler(answer)
    return seen


def test_a_key_in_the_address_is_used_but_never_stored_or_shown(httpserver, sample_db, capsys):
    keyed_locator(httpserver)
    url = httpserver.url_for("/locator") + f"?state=MA&api_key={SECRET}"
    assert cli.main(["import", "samhsa-json", url, "--db", str(sample_db)]) == 0
    out = capsys.readouterr().out
    assert SECRET not in out and "api_key=${HELPLINE_SECRET_API_KEY}" in out
    assert "not stored; 'helpline refresh' reads it from the environment variable HELPLINE_SECRET_API_KEY" in out
    assert SECRET.encode() not in sample_db.read_bytes()  # sources, import history: nowhere in the file
    assert cli.main(["info", "--json", "--db", str(sample_db)]) == 0
    info = capsys.readouterr().out
    assert SECRET not in info and "api_key=${HELPLINE_SECRET_API_KEY}" in info


def test_refresh_takes_the_key_from_the_environment_or_says_what_to_set(httpserver, sample_db, capsys,
                                                                        monkeypatch):
    seen = keyed_locator(httpserver)
    url = httpserver.url_for("/locator") + f"?api_key={SECRET}"
    assert cli.main(["import", "samhsa-json", url, "--db", str(sample_db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["secrets_not_stored"] == ["HELPLINE_SECRET_API_KEY"]
    source = summary["source"]  # a URL's source is named by its host and path, never its key
    assert SECRET not in source
    monkeypatch.delenv("HELPLINE_SECRET_API_KEY", raising=False)
    before = sha(sample_db)
    assert cli.main(["refresh", source, "--db", str(sample_db)]) == 1
    err = capsys.readouterr().err
    assert "needs the secret HELPLINE_SECRET_API_KEY, which is not stored in the directory; set that " \
           "environment variable" in err and len(err.strip().splitlines()) == 1
    assert sha(sample_db) == before and len(seen) == 1  # refused before any request
    monkeypatch.setenv("HELPLINE_SECRET_API_KEY", SECRET)
    assert cli.main(["refresh", source, "--db", str(sample_db)]) == 0
    assert seen[-1] == SECRET and SECRET not in capsys.readouterr().out


def test_a_password_in_the_address_is_not_stored_and_errors_do_not_show_it(httpserver, sample_db, capsys):
    httpserver.expect_request("/export").respond_with_data("busy", status=404)
    url = httpserver.url_for("/export").replace("http://", f"http://admin:{SECRET}@") + "?token=tok-123456"
    before = sha(sample_db)
    assert cli.main(["import", "meeting-guide", url, "--db", str(sample_db)]) == 1
    line = capsys.readouterr().err.strip()
    assert "answered 404" in line and len(line.splitlines()) == 1 and sha(sample_db) == before
    assert SECRET not in line and "tok-123456" not in line
    assert "${HELPLINE_SECRET_USERINFO}@" in line and "token=${HELPLINE_SECRET_TOKEN}" in line
