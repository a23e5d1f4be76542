"""Readers during an import: reader processes searching the directory the way the TUI does (one
connection, reopened when the file changes), the way `helpline search` does (a new connection per
query) and through `helpline search --batch`, while the real command imports into it. Every answer
is the old directory's or the new one's, never a mix, and none is an error.
bench/readers_during_import.py runs the same with a 100k-row import and prints the figures."""

from __future__ import annotations

import pytest

from tests.support.readers_harness import prepare, run


@pytest.fixture(scope="module")
def directory_and_export(tmp_path_factory):
    return prepare(tmp_path_factory.mktemp("readers"), rows=1500, base_rows=500)


def test_searches_keep_answering_old_or_new_data_while_an_import_replaces_the_directory(directory_and_export):
    db, source = directory_and_export
    report = run(db, source, live=1, fresh=1, cli=1, settle=0.7)
    assert report.errors == []
    assert report.mixed == []
    # Both versions were served (so the readers did straddle the swap), by every kind of reader.
    assert report.old_answers > 0 and report.new_answers > 0
    assert set(report.by_mode) == {"live", "fresh", "cli"} and all(report.by_mode.values())
