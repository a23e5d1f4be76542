"""What searching keeps per directory between keystrokes (core/directory_cache.py: the lexicon, the
services near a place, the services in a city) is never read for a directory imported again: the
same process, as a TUI left open while an admin re-imports, searches the new import afresh."""

from __future__ import annotations

from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from helpline_tui.core.search import Filters, search
from tests.conftest import sample_records

NEW_CENTER = ServiceRecord(name="Quixote Recovery Center", source="test", source_key="9", row=9,
                           street="5 Ashburton Avenue", city="Yonkers", state="NY", zip="10701",
                           latitude=40.9391, longitude=-73.8991, needs=["methadone"], languages=["en"])


def names(page) -> list[str]:
    return [h.record["name"] for h in page.hits]


def test_a_directory_imported_again_is_searched_afresh_in_the_same_process(sample_db):
    conn = open_readonly(sample_db)
    # Every per-directory table filled for the first import: a typo looked up in its lexicon, the
    # services near Yonkers, the services in Yonkers (a place read from the query).
    assert names(search(conn, "quixtoe ")) == []
    near_before = names(search(conn, "", Filters(near="Yonkers, NY")))
    assert "Quixote Recovery Center" not in near_before
    assert "Quixote Recovery Center" not in names(search(conn, "methadone yonkers"))
    conn.close()

    run_import(sample_db, [*sample_records(), NEW_CENTER], source="test", format="test", origin="tests")

    conn = open_readonly(sample_db)
    assert names(search(conn, "quixtoe ")) == ["Quixote Recovery Center"]  # the new name is in the lexicon
    near_after = names(search(conn, "", Filters(near="Yonkers, NY")))
    assert sorted(near_after) == sorted([*near_before, "Quixote Recovery Center"])
    assert "Quixote Recovery Center" in names(search(conn, "methadone yonkers"))
    conn.close()
