"""Hostile queries through the core search and the `helpline search` command, and a sample of
generated imports through the real `helpline import` process (exit codes, one-sentence errors).
Extends tests/test_search.py's property tests with every filter: needs, kind, limit, sort."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.search import Filters, FilterError, search
from tests.conftest import run_cli_process as run_cli  # a process of its own: what a crash would look like
from tests.fuzz.conftest import fuzz_settings
from tests.fuzz.harness import INPUTS, TERMINAL_CONTROLS, workspace
from tests.fuzz.mutations import hostile_text
from tests.fuzz.test_fuzz_meetings_airs import meeting_feed
from tests.fuzz.test_fuzz_samhsa import csv_bytes, locator_table

pytestmark = pytest.mark.fuzz

NEEDS = st.lists(st.one_of(st.sampled_from(["methadone", "housing", "medicaid", "veterans", "crisis"]), hostile_text),
                 max_size=3)
filters = st.builds(
    Filters,
    near=st.one_of(st.none(), st.sampled_from(["10701", "Yonkers, NY", "02150", "00000", "Nowhere, ZZ"]), hostile_text),
    radius=st.one_of(st.none(), st.floats(), st.integers(-10, 10**9), st.sampled_from(["5", "x"])),
    state=st.one_of(st.none(), st.sampled_from(["NY", "ma", "ZZ"]), hostile_text),
    lang=st.one_of(st.none(), st.sampled_from(["es", "en", "asl", "xx"]), hostile_text),
    needs=NEEDS.map(tuple),
    kind=st.one_of(st.none(), st.sampled_from(["treatment", "support-group", "community", "shop"]), hostile_text),
    include_inactive=st.booleans(),
)


@pytest.fixture(scope="module")
def conn(base_db):
    connection = open_readonly(base_db)
    yield connection
    connection.close()


@fuzz_settings(500)
@given(query=st.one_of(hostile_text, st.sampled_from(["methadone", "metadona near 10701", "AND OR NOT", '"', "*", "(",
                                                        "NEAR(a b)", "a:b", "^x"])),
       chosen=filters, limit=st.one_of(st.integers(-5, 10**6), st.sampled_from([0, 1, 20])),
       sort=st.sampled_from(["relevance", "distance", "nearest", ""]))
def test_any_query_and_filters_give_results_or_one_sentence(conn, query, chosen, limit, sort):
    INPUTS["queries (core search)"] += 1
    try:
        page = search(conn, query, chosen, limit=limit, sort=sort)
    except FilterError as exc:
        message = str(exc)
        assert message and "\n" not in message and not TERMINAL_CONTROLS.search(message), message
        return
    assert page.total >= len(page.hits) and len(page.hits) <= max(limit, 0)


CLI_OPTIONS = st.lists(st.one_of(
    st.tuples(st.just("--near"), st.one_of(st.sampled_from(["10701", "Yonkers, NY"]), hostile_text)),
    st.tuples(st.just("--radius"), st.sampled_from(["5", "-1", "nan", "inf", "1e309", "x", "0"])),
    st.tuples(st.just("--state"), st.one_of(st.sampled_from(["NY", "zz"]), hostile_text)),
    st.tuples(st.just("--lang"), st.one_of(st.sampled_from(["es", "asl"]), hostile_text)),
    st.tuples(st.just("--need"), st.one_of(st.sampled_from(["methadone", "medicaid"]), hostile_text)),
    st.tuples(st.just("--kind"), st.one_of(st.sampled_from(["treatment", "shop"]), hostile_text)),
    st.tuples(st.just("--limit"), st.sampled_from(["0", "3", "-1", "99999999", "x"])),
    st.tuples(st.just("--sort"), st.sampled_from(["relevance", "distance", "nearest"])),
), max_size=4)


def argv_safe(text: str) -> str:
    # A process argument cannot hold NUL, nor more than 128 KB (Linux MAX_ARG_STRLEN).
    return text.replace("\x00", "")[:10_000]


@fuzz_settings(150)
@given(query=hostile_text, options=CLI_OPTIONS, as_json=st.booleans())
def test_helpline_search_answers_or_says_why_in_one_line(base_db, query, options, as_json):
    INPUTS["queries (helpline search CLI)"] += 1
    args = ["search", "--db", str(base_db), "--", argv_safe(query)]
    flat = [argv_safe(part) for pair in options for part in pair]
    args = args[:3] + flat + (["--json"] if as_json else []) + args[3:]
    result = run_cli(*args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1, 2), result
    if result.returncode == 0:
        if as_json:
            assert "total" in json.loads(result.stdout)
    else:
        assert result.stderr.startswith(("helpline: ", "usage: ")), result.stderr
        if result.returncode == 1:
            assert result.stderr.count("\n") == 1 and not TERMINAL_CONTROLS.search(result.stderr), result.stderr


@fuzz_settings(150)
@given(kind=st.sampled_from(["samhsa-csv", "meeting-guide", "auto"]), table=locator_table(), feed=meeting_feed())
def test_helpline_import_exits_0_or_1_with_one_sentence(base_db, kind, table, feed):
    INPUTS["imports (helpline import CLI)"] += 1
    with workspace(base_db) as (folder, db):
        if kind == "meeting-guide" or (kind == "auto" and len(table[1]) % 2):
            source, fmt = folder / "feed.json", kind
            source.write_bytes(feed)
        else:
            source, fmt = folder / "listing.csv", kind
            source.write_bytes(csv_bytes(*table))
        before = db.read_bytes()
        result = run_cli("import", fmt, str(source), "--db", str(db))
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result
        assert not TERMINAL_CONTROLS.search(result.stdout + result.stderr), result
        if result.returncode == 1:
            assert result.stderr.startswith(f"helpline: {source}") and result.stderr.count("\n") == 1, result.stderr
            assert db.read_bytes() == before
        else:
            assert "services" in result.stdout
