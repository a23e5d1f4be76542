"""Which searches of a call the tally keeps (core/tally.CallTally): what was searched, not the words on
their way. Letters typed on and letters deleted back are not searches asked; a search left for other
words is."""

from __future__ import annotations

import datetime as dt

from helpline_tui.core.tally import CallTally, SearchReading

NOW = dt.datetime(2026, 11, 24, 19, 30, tzinfo=dt.timezone.utc)


def reading(words: str, needs=(), place=(None, None)) -> SearchReading:
    return SearchReading(tuple((n, "") for n in needs), place[0], place[1], (words, None))


def needs_and_place(call: CallTally) -> tuple[list[str], tuple]:
    row = call.finish([], "en", NOW, "UTC")
    return [n for n, _, _ in row.needs], (row.state, row.county)


def test_words_deleted_back_through_are_not_searches_asked():
    call = CallTally()
    call.read(reading("housing miami", ["housing"], ("FL", "Miami-Dade County")))
    # deleting "miami" letter by letter: "housing mi" read as another place, "housing m" as another need
    call.read(reading("housing mi", ["housing"], ("MI", "Wayne County")))
    call.read(reading("housing m", ["housing", "methadone"]))
    call.read(reading("housing", ["housing"]))
    call.read(reading("housing broward", ["housing"], ("FL", "Broward County")))
    assert needs_and_place(call) == (["housing"], ("FL", "Broward County"))


def test_a_search_deleted_and_replaced_by_other_words_is_kept():
    call = CallTally()
    call.read(reading("legal help miami", ["legal"], ("FL", "Miami-Dade County")))
    for cut in range(len("legal help miami") - 1, -1, -1):
        call.read(reading("legal help miami"[:cut]))
    call.read(reading("d"))
    call.read(reading("detox", ["detox"]))
    assert needs_and_place(call) == (["legal", "detox"], ("FL", "Miami-Dade County"))


def test_a_word_typed_on_is_read_once_finished():
    call = CallTally()
    for typed, needs in (("h", []), ("ho", ["hiv-hepatitis"]), ("hou", ["housing"]), ("housing", ["housing"])):
        call.read(reading(typed, needs))
    assert needs_and_place(call) == (["housing"], (None, None))


def test_a_service_concept_read_is_kept_with_its_need():
    """"help paying rent" is counted as rent help (housing), not as housing alone; in Spanish too."""
    from helpline_tui.core.directory import open_readonly
    from helpline_tui.core.search import Filters, search
    from helpline_tui.core.tally import read_search
    from tests.conftest import ROOT

    conn = open_readonly(ROOT / "data" / "services.sqlite")
    for words, kept in (("help paying rent miami", ("housing", "rent-help")),
                        ("clases de ingles", ("education", "english-classes")),
                        ("ayuda para pagar la renta", ("housing", "rent-help")),
                        ("job training yonkers", ("employment", "job-training"))):
        needs = read_search(conn, search(conn, words, Filters())).needs
        assert kept in needs, words
        assert (kept[0], "") not in needs, words  # the bare need is not counted beside its concept
