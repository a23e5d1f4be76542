"""Filter-picker counts agree with search(): for each value, the count is the total search() gives
with that value added to the filters (no search words)."""

from __future__ import annotations

import pytest

from helpline_tui.core import facets, vocabulary
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.search import Filters, search
from tests.conftest import sample_records


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    path = tmp_path_factory.mktemp("facets") / "services.sqlite"
    run_import(path, sample_records(), source="test", format="test", origin="tests")
    return open_readonly(path)

SCOPES = [
    Filters(),
    Filters(near="Yonkers, NY"),
    Filters(near="10701", radius=5),
    Filters(lang="es"),
    Filters(kind="community", needs=("housing",)),
]


def _with(filters: Filters, facet: str, value: str) -> Filters:
    d = dict(near=filters.near, radius=filters.radius, lang=filters.lang, kind=filters.kind,
             needs=filters.needs)
    if facet == "language":
        d["lang"] = value
    elif facet == "kind":
        d["kind"] = value
    else:
        d["needs"] = tuple(dict.fromkeys((*filters.needs, value)))
    return Filters(**d)


@pytest.mark.parametrize("filters", SCOPES, ids=lambda f: str(f.as_json()))
@pytest.mark.parametrize("facet", facets.FACETS)
def test_counts_match_search_totals(conn, filters, facet):
    base = filters
    if facet == "language":
        base = Filters(near=filters.near, radius=filters.radius, kind=filters.kind, needs=filters.needs)
    if facet == "kind":
        base = Filters(near=filters.near, radius=filters.radius, lang=filters.lang, needs=filters.needs)
    got = facets.counts(conn, base, facet)
    vocab = vocabulary.load()
    values = {"language": [t.id for t in vocab.languages[:4]], "kind": ["treatment", "community", "support-group"],
              "need": [t.id for t in vocab.needs], "population": [t.id for t in vocab.populations],
              "payment": [t.id for t in vocab.payment]}[facet]
    for value in values:
        expected = search(conn, "", _with(base, facet, value), limit=0).total
        assert got.get(value, 0) == expected, (facet, value)


def test_unknown_place_raises_and_unknown_facet_is_refused(conn):
    from helpline_tui.core.geo import PlaceError

    with pytest.raises(PlaceError):
        facets.counts(conn, Filters(near="Nowhere, ZZ"), "need")
    with pytest.raises(ValueError):
        facets.counts(conn, Filters(), "colour")
