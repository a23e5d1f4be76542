"""A large directory's full-text index is built by another process and copied in. It must be the
index a build in the importing process makes, row for row, and searches must find the same."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from helpline_tui.core import fulltext, search
from helpline_tui.core.indexing import rebuild_derived
from helpline_tui.core.schema import FTS_SHADOW_TABLES
from tests.conftest import ROOT

DEMO = ROOT / "data" / "services.sqlite"


STRUCTURE_ROWID = 10  # FTS5's structure record: it counts the writes the table ever had, a history


def shadow(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """The index as stored, but the write counter, and every (term, row, column, position) in it."""
    stored = {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in FTS_SHADOW_TABLES}
    stored["services_fts_data"] = [r for r in stored["services_fts_data"] if r[0] != STRUCTURE_ROWID]
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, services_fts, instance)")
    stored["instances"] = conn.execute("SELECT term, doc, col, offset FROM temp.terms ORDER BY 1, 2, 3, 4").fetchall()
    return stored


def copy_of_demo(tmp_path: Path, name: str) -> sqlite3.Connection:
    """A copy of the demo in which one record was renamed since its index was built, as an import
    leaves it: an index not rebuilt would not know the new name."""
    path = tmp_path / name
    shutil.copyfile(DEMO, path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN")
    conn.execute("UPDATE services SET name = 'Zyzzyva Recovery', name_fold = 'zyzzyva recovery', "
                 "match_fold = 'zyzzyva recovery' WHERE rid = (SELECT min(rid) FROM services)")
    return conn


def renamed_found(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT count(*) FROM services_fts WHERE services_fts MATCH 'zyzzyva'").fetchone()[0] == 1


@pytest.fixture()
def built_elsewhere(tmp_path, monkeypatch):
    if not DEMO.exists():
        pytest.skip("the shipped demo directory is absent")
    here = copy_of_demo(tmp_path, "here.sqlite")
    rebuild_derived(here)  # no scratch file: built in this process
    monkeypatch.setattr(fulltext, "ELSEWHERE_MIN_RECORDS", 1)
    elsewhere = copy_of_demo(tmp_path, "elsewhere.sqlite")
    rebuild_derived(elsewhere, scratch=tmp_path / "scratch.sqlite")
    return here, elsewhere, tmp_path


def test_index_built_in_another_process_is_the_one_built_here(built_elsewhere):
    here, elsewhere, tmp_path = built_elsewhere
    assert renamed_found(here) and renamed_found(elsewhere)
    assert shadow(elsewhere) == shadow(here)
    assert elsewhere.execute("SELECT count(*) FROM services_fts_docsize").fetchone()[0] > 1000
    assert not (tmp_path / "scratch.sqlite").exists()


def test_the_copied_index_answers_searches_in_the_same_connection(built_elsewhere):
    here, elsewhere, _ = built_elsewhere
    elsewhere.execute("INSERT INTO services_fts (services_fts) VALUES ('integrity-check')")
    for conn in (here, elsewhere):
        conn.execute("COMMIT")
    for words, filters in (("metadona", search.Filters(lang="es")), ("detox", search.Filters(state="NY")),
                           ("hope hous", search.Filters())):
        found = [[h.record["id"] for h in search.search(c, words, filters, limit=20).hits] for c in (here, elsewhere)]
        assert found[0] == found[1] and found[0], words


def test_a_builder_that_dies_leaves_the_index_built_here(tmp_path, monkeypatch):
    if not DEMO.exists():
        pytest.skip("the shipped demo directory is absent")
    here = copy_of_demo(tmp_path, "here.sqlite")
    rebuild_derived(here)
    monkeypatch.setattr(fulltext, "ELSEWHERE_MIN_RECORDS", 1)
    # The builder is a spawned process (it imports everything afresh), so it is broken through
    # the file it builds in: an index table already there makes its first statement fail.
    scratch = tmp_path / "scratch.sqlite"
    elsewhere = copy_of_demo(tmp_path, "elsewhere.sqlite")
    original = fulltext.BuildElsewhere.send

    def send_then_break(self, rows):
        sent = original(self, rows)
        sqlite3.connect(scratch).execute("CREATE VIRTUAL TABLE services_fts USING fts5(x)").connection.commit()
        return sent

    monkeypatch.setattr(fulltext.BuildElsewhere, "send", send_then_break)
    rebuild_derived(elsewhere, scratch=scratch)
    assert renamed_found(elsewhere) and shadow(elsewhere) == shadow(here)
    assert not scratch.exists()


def test_an_interrupted_rebuild_leaves_no_builder_and_no_scratch_file(tmp_path, monkeypatch):
    # Ctrl-C (or any error) while the filter tables are built: the builder and its file go too.
    if not DEMO.exists():
        pytest.skip("the shipped demo directory is absent")
    from helpline_tui.core import indexing

    monkeypatch.setattr(fulltext, "ELSEWHERE_MIN_RECORDS", 1)
    monkeypatch.setattr(indexing, "_SIDE_TABLES", ("SELECT no_such_function()",))
    started: list = []
    original = fulltext.BuildElsewhere.__init__

    def remember(self, scratch):
        original(self, scratch)
        started.append(self)

    monkeypatch.setattr(fulltext.BuildElsewhere, "__init__", remember)
    scratch = tmp_path / "scratch.sqlite"
    conn = copy_of_demo(tmp_path, "interrupted.sqlite")
    with pytest.raises(sqlite3.OperationalError):
        rebuild_derived(conn, scratch=scratch)
    assert started and not started[0].process.is_alive()
    assert not scratch.exists()
