"""SAMHSA service codes -> the need vocabulary, from the table in core/data/samhsa_codes.json.

The three SAMHSA shapes name services differently (CSV flag columns, directory code strings, API
labels), but all end here: a code (legacy ones through the alias table) maps to needs, populations,
payment and languages. Codes that map to nothing (smoking policy, accreditation, ...) are reported as
unmapped so the record keeps them and the detail view can show them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

from helpline_tui.core.samhsa_table import TABLE_PATH
from helpline_tui.core.textnorm import fold

Facets = tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]
_NOTHING: Facets = (frozenset(), frozenset(), frozenset(), frozenset())

# Facility types as the three shapes spell them -> the Type-of-Care code they imply.
FACILITY_TYPES = {"SU": "SA", "SA": "SA", "MH": "MH", "OTP": "OTP"}

_MARKS = re.compile(r"[®™©]")
_SPACES = re.compile(r"\s+")


def label_key(label: str) -> str:
    """Exact-ish key for a service label: case, trade marks and runs of spaces do not matter."""
    return _SPACES.sub(" ", _MARKS.sub("", label)).strip().casefold()


class CodeTable:
    def __init__(self, data: dict):
        self.codes: dict[str, dict] = data["codes"]
        self.categories: dict[str, str] = data.get("categories", {})
        self.aliases: dict[str, str] = {k.upper(): v.upper() for k, v in data.get("aliases", {}).items()}
        self.category_aliases: dict[str, str] = data.get("category_aliases", {})
        self._facets: dict[str, Facets] = {}
        for code, entry in self.codes.items():
            facets = tuple(frozenset(entry.get(k) or ()) for k in ("needs", "populations", "payment", "languages"))
            self._facets[code] = facets if any(facets) else _NOTHING  # type: ignore[assignment]
        # Labels: the table's own, then every code's name (the 2022 reference sheet wording).
        self._labels: dict[str, str] = {}
        for label, code in data.get("labels", {}).items():
            self._labels.setdefault(label_key(label), code)
        for code, entry in self.codes.items():
            if entry.get("name"):
                self._labels.setdefault(label_key(entry["name"]), code)
        self._labels_by_category = {
            cat: {label_key(k): v for k, v in table.items()} for cat, table in data.get("labels_by_category", {}).items()
        }
        # Loosest fallback: punctuation and accents ignored ("Breath analyzer, or ..." drift).
        self._folded: dict[str, str] = {}
        for key, code in self._labels.items():
            self._folded.setdefault(fold(key), code)
        # Raw code as a source spells it (upper-cased) -> facets; filled lazily for aliases/unknowns.
        self._lookup: dict[str, Facets | None] = {}
        # The same as (facet index, id) pairs, and the codes that map to nothing or are unknown.
        self._tagged: dict[str, frozenset[tuple[int, str]]] = {}
        self._unmapped: set[str] = set()

    # ------------------------------------------------------------------ codes

    def canonical(self, code: str) -> str:
        code = code.strip().upper()
        return self.aliases.get(code, code)

    def known(self, code: str) -> bool:
        return self.canonical(code) in self.codes

    def category(self, code: str) -> str | None:
        entry = self.codes.get(self.canonical(code))
        return entry["category"] if entry else None

    def canonical_category(self, category: str | None) -> str:
        category = (category or "").strip().upper()
        return self.category_aliases.get(category, category)

    def _facets_of(self, code: str) -> Facets | None:
        """None for a code the table does not know."""
        try:
            return self._lookup[code]
        except KeyError:
            facets = self._facets.get(self.canonical(code))
            self._lookup[code] = facets
            return facets

    def map_codes(self, codes: Iterable[str]) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
        """(needs, populations, payment, languages, unmapped) for upper-cased codes; unmapped keeps
        each code as the source spelled it, including codes the table does not know."""
        codes = codes if isinstance(codes, list) else list(codes)
        # One union of every code's (facet, id) pairs, at C speed: a row has about 70 codes.
        tagged = self._tagged
        try:
            pairs = frozenset().union(*map(tagged.__getitem__, codes))
        except KeyError:
            for code in codes:
                self._learn(code)
            pairs = frozenset().union(*map(tagged.__getitem__, codes))
        facets: tuple[list[str], ...] = ([], [], [], [])
        for index, value in pairs:
            facets[index].append(value)
        needs, pops, pay, langs = map(sorted, facets)
        return needs, pops, pay, langs, sorted(self._unmapped.intersection(codes))

    def _learn(self, code: str) -> None:
        if code not in self._tagged:
            facets = self._facets_of(code)
            pairs = frozenset((i, v) for i, values in enumerate(facets or _NOTHING) for v in values)
            self._tagged[code] = pairs
            if not pairs:
                self._unmapped.add(code)

    # ------------------------------------------------------------------ labels (JSON API f3)

    def code_for_label(self, label: str, category: str | None = None) -> str | None:
        """The code of an API service label; `category` (the f2 value) settles labels that two
        categories share ("Psychiatric hospital" is PSYH under HOSP, PSY under FT)."""
        key = label_key(label)
        if not key:
            return None
        by_cat = self._labels_by_category.get(self.canonical_category(category))
        if by_cat and key in by_cat:
            return by_cat[key]
        return self._labels.get(key) or self._folded.get(fold(key))


@lru_cache(maxsize=1)
def table() -> CodeTable:
    return CodeTable(json.loads(TABLE_PATH.read_text(encoding="utf-8")))


def map_codes(codes: Iterable[str]) -> tuple[list[str], list[str], list[str], list[str], list[str]]:
    """(needs, populations, payment, languages, unmapped) for a list of SAMHSA codes."""
    return table().map_codes(c.strip().upper() for c in codes if c and c.strip())


def code_for_label(label: str, category: str | None = None) -> str | None:
    return table().code_for_label(label, category)
