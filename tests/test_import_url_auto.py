"""`helpline import auto URL`: the URL is fetched once through importers.http, the format told from
what came, and that download imported; network errors are reported as themselves. Also the readers
of files only (samhsa-csv, samhsa-directory) given a URL. Real servers on 127.0.0.1, real processes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
from pathlib import Path

import pytest

from tests.conftest import run_cli, shared_file

FAST = {**os.environ, "HELPLINE_HTTP_BACKOFF": "0", "HELPLINE_HTTP_TIMEOUT": "5"}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def copy_db(sample_db, tmp_path) -> Path:
    path = tmp_path / "copy.sqlite"
    shutil.copyfile(sample_db, path)
    return path


def fails_alone(db: Path, url: str, fmt: str = "auto") -> str:
    """exit 1, one sentence, the directory byte-for-byte unchanged; returns the sentence."""
    before = sha(db)
    p = run_cli("import", fmt, url, "--db", str(db), env=FAST)
    assert p.returncode == 1, p.stdout
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"helpline: {url}: "), p.stderr
    assert "Traceback" not in p.stderr
    assert sha(db) == before
    return lines[0]


def test_auto_imports_a_served_meeting_guide_feed_fetching_it_once(httpserver, copy_db):
    feed = shared_file("meetings", "meetingguide_aasepia_2024.json").read_bytes()
    httpserver.expect_request("/m.json").respond_with_data(feed, content_type="application/json")
    url = httpserver.url_for("/m.json")
    p = run_cli("import", "auto", url, "--db", str(copy_db), "--json", env=FAST)
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert summary["format"] == "meeting-guide" and summary["added"] == 2038
    assert len(httpserver.log) == 1  # detected and imported from one download
    info = json.loads(run_cli("info", "--db", str(copy_db), "--json").stdout)
    # Filed under a name saying which feed it is: the format, then the URL's host and path.
    assert {s["name"]: s["origin"] for s in info["sources"]}[f"meeting-guide:{url.split('://')[1]}"] == url


def test_auto_imports_a_served_samhsa_csv_and_refresh_fetches_it_again(httpserver, copy_db):
    export = shared_file("samhsa", "findtreatment_export_FindTreament_Facility_listing_2025-08_greater_boston.csv")
    httpserver.expect_request("/export").respond_with_data(export.read_bytes(), content_type="text/csv")
    url = httpserver.url_for("/export")
    p = run_cli("import", "auto", url, "--db", str(copy_db), "--json", env=FAST)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["format"] == "samhsa-csv" and json.loads(p.stdout)["read"] == 662
    p = run_cli("refresh", f"samhsa-csv:{url.split('://')[1]}", "--db", str(copy_db), "--json", env=FAST)
    assert p.returncode == 0, p.stderr
    again = json.loads(p.stdout)
    assert again["read"] == 662 and again["added"] == again["updated"] == 0 and again["unchanged"] > 0
    assert len(httpserver.log) == 2


def test_auto_on_a_missing_address_says_404(httpserver, copy_db):
    httpserver.expect_request("/m.json").respond_with_data("no such feed", status=404)
    line = fails_alone(copy_db, httpserver.url_for("/m.json"))
    assert "the server answered 404" in line and "cannot tell the format" not in line


def test_auto_on_a_refused_connection_says_so(copy_db):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    line = fails_alone(copy_db, f"http://127.0.0.1:{port}/feed.json")
    assert "cannot connect" in line and "cannot tell the format" not in line


def test_auto_on_a_web_page_says_web_page(httpserver, copy_db):
    httpserver.expect_request("/feed").respond_with_data("<!doctype html><title>Sign in</title>",
                                                         content_type="text/html")
    assert "the server sent a web page, not data" in fails_alone(copy_db, httpserver.url_for("/feed"))


def test_auto_on_unknown_content_names_the_url(httpserver, copy_db):
    httpserver.expect_request("/feed.txt").respond_with_data("just words\n", content_type="text/plain")
    url = httpserver.url_for("/feed.txt")
    line = fails_alone(copy_db, url)
    assert f"cannot tell the format; name it, e.g. helpline import samhsa-csv {url}" in line


def test_file_only_reader_given_a_url_names_the_url_in_its_errors(httpserver, copy_db):
    httpserver.expect_request("/export.csv").respond_with_data("foo,bar\n1,2\n", content_type="text/csv")
    line = fails_alone(copy_db, httpserver.url_for("/export.csv"), fmt="samhsa-csv")
    assert "helpline-download-" not in line
