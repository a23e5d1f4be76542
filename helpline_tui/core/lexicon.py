"""The directory's own word list, for typo, prefix and sound-alike expansion of query words.

SQLite has no fuzzy term lookup (spellfix1 is not built in), so the words of the full-text index are
kept in `search_terms` (built with the index) and matched here with rapidfuzz's OSA distance, where a
transposition counts as one typo, as in Meilisearch and Typesense (docs/search-notes.md: "Typo
budgets and ranking rules, as search engines do them", "Transpositions count once").
"""

from __future__ import annotations

import bisect
import re
import sqlite3
import threading
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from helpline_tui.core import directory_cache

# Words that differ only by spelling convention or abbreviation, in names and in queries alike.
# Each set is one equivalence class; a match through it costs no typo.
EQUIVALENTS: tuple[frozenset[str], ...] = tuple(frozenset(s.split()) for s in (
    "center centre ctr cntr cent centro", "health hlth", "services service svcs svc srvcs servs",
    "saint st", "street st", "avenue ave av", "boulevard blvd", "road rd", "drive dr", "highway hwy",
    "mount mt", "fort ft", "county cnty", "treatment trt trtmt tx", "behavioral behavioural bhvl",
    "associates assoc assocs", "association assoc assn", "department dept", "university univ",
    "hospital hosp", "medical med", "rehabilitation rehab", "national natl", "community comm cmty",
    "program programs prog pgm", "residential resid res", "counseling counselling counsel",
    "incorporated inc", "corporation corp", "north n", "south s", "east e", "west w",
    "mental mntl", "family fam", "addiction addictions addict", "recovery recov",
    "clinic clinics clinica", "partial partl", "outpatient outpt", "and y", "women womens",
    "men mens", "doctor dr", "management mgmt", "foundation fdn", "institute inst",
))
_EQUIV_INDEX: dict[str, set[str]] = defaultdict(set)
for _group in EQUIVALENTS:
    for _word in _group:
        _EQUIV_INDEX[_word] |= _group


def equivalents(word: str) -> set[str]:
    return _EQUIV_INDEX.get(word, {word}) | {word}


def typo_budget(length: int, relaxed: bool = False) -> int:
    """Meilisearch's defaults: no typo under 5 letters, one from 5, two from 9. Relaxed (a last
    resort when the query finds almost nothing): one from 4 letters, two from 6 (docs/search-notes.md,
    "Widening in stages")."""
    if relaxed:
        return 0 if length < 4 else (1 if length < 6 else 2)
    return 0 if length < 5 else (1 if length < 9 else 2)


_PHONETIC_RULES = [
    (re.compile(r"^ps"), "s"), (re.compile(r"^kn"), "n"), (re.compile(r"^wr"), "r"),
    (re.compile(r"ph"), "f"), (re.compile(r"ch"), "k"), (re.compile(r"ck"), "k"), (re.compile(r"qu"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"), (re.compile(r"c"), "k"), (re.compile(r"x"), "ks"),
    (re.compile(r"z"), "s"), (re.compile(r"y"), "i"), (re.compile(r"(?<=[^aeiou])h"), ""),
    (re.compile(r"^h"), ""), (re.compile(r"v"), "b"), (re.compile(r"(.)\1+"), r"\1"),
]


def phonetic_key(word: str) -> str:
    """A rough English/Spanish sound key: 'sikiatric' and 'psychiatric' both give 'sikiatrik'."""
    for pattern, repl in _PHONETIC_RULES:
        word = pattern.sub(repl, word)
    return word


@dataclass
class Lexicon:
    terms: list[str]
    doc_freq: dict[str, int]
    by_phonetic: dict[str, list[str]] = field(default_factory=dict)
    by_length: dict[int, list[str]] = field(default_factory=dict)
    records: int = 1
    sorted_terms: list[str] = field(default_factory=list)
    cumulative_docs: list[int] = field(default_factory=list)  # docs of sorted_terms[:i], summed
    # Fellowships the directory has groups of (core/meetings.py); None: indexed before they were.
    fellowships: frozenset[str] | None = None
    _prefixes: dict[int, list[str]] = field(default_factory=dict)
    _memo: dict[tuple, dict[str, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __contains__(self, word: str) -> bool:
        return word in self.doc_freq

    def share_beginning(self, stems) -> float:
        """About how much of the directory has a word beginning with one of `stems` (an upper
        bound: a record with two such words counts twice)."""
        total = 0
        for stem in stems:
            lo = bisect.bisect_left(self.sorted_terms, stem)
            hi = bisect.bisect_left(self.sorted_terms, stem + "\uffff")
            total += self.cumulative_docs[hi] - self.cumulative_docs[lo]
        return total / max(1, self.records)

    def words_beginning(self, stem: str, at_most: int) -> list[str] | None:
        """The index words that begin with `stem`, or None when there are more than `at_most`."""
        lo = bisect.bisect_left(self.sorted_terms, stem)
        hi = bisect.bisect_left(self.sorted_terms, stem + "\uffff", lo)
        return self.sorted_terms[lo:hi] if hi - lo <= at_most else None

    def _remember(self, key: tuple, compute) -> dict[str, int]:
        # Typing "yonkers metad" re-asks about "yonkers" on every keystroke: answer once.
        found = self._memo.get(key)
        if found is None:
            found = compute()
            with self._lock:
                if len(self._memo) > 20000:
                    self._memo.clear()
                self._memo[key] = found
        return found

    def typo_variants(self, word: str, budget: int, limit: int = 30) -> dict[str, int]:
        """Index words within `budget` OSA edits of `word` -> edits (0 excluded)."""
        if budget <= 0:
            return {}
        return self._remember(("typo", word, budget), lambda: self._typo_variants(word, budget, limit))

    def _typo_variants(self, word: str, budget: int, limit: int) -> dict[str, int]:
        # Only words whose length is within the budget can be within it.
        candidates = [t for n in range(len(word) - budget, len(word) + budget + 1) for t in self.by_length.get(n, ())]
        matches = process.extract(word, candidates, scorer=OSA.distance, processor=None,
                                  score_cutoff=budget, limit=None)
        found = [(t, int(d)) for t, d, _ in matches if d > 0 and t[0].isalpha() == word[0].isalpha()]
        found.sort(key=lambda td: (td[1], -self.doc_freq.get(td[0], 0)))
        return dict(found[:limit])

    def prefix_variants(self, word: str, budget: int, limit: int = 30) -> dict[str, int]:
        """For the word being typed: index-word beginnings within `budget` edits -> edits.
        'adicc' -> {'addic': 1}; each result is then used as a prefix."""
        if budget <= 0:
            return {}
        return self._remember(("prefix", word, budget), lambda: self._prefix_variants(word, budget, limit))

    def _prefix_variants(self, word: str, budget: int, limit: int) -> dict[str, int]:
        out: dict[str, int] = {}
        for length in {len(word), len(word) + 1} | ({len(word) - 1} if len(word) > 4 else set()):
            found = process.extract(word, self.prefixes(length), scorer=OSA.distance, processor=None,
                                    score_cutoff=budget, limit=None)
            for stem, dist, _ in found:
                if dist > 0 and (stem not in out or dist < out[stem]):
                    out[stem] = int(dist)
        return dict(sorted(out.items(), key=lambda kv: kv[1])[:limit])

    def sound_alikes(self, word: str) -> list[str]:
        if len(word) < 5:
            return []
        return [t for t in self.by_phonetic.get(phonetic_key(word), []) if t != word][:10]

    def prefixes(self, length: int) -> list[str]:
        with self._lock:
            cached = self._prefixes.get(length)
            if cached is None:
                cached = sorted({t[:length] for t in self.terms if len(t) >= length})
                self._prefixes[length] = cached
            return cached


def build_terms(conn: sqlite3.Connection) -> None:
    """Fill `search_terms` from the full-text index (words of names and places, not keywords)."""
    conn.execute("DROP TABLE IF EXISTS temp.fts_vocab")
    conn.execute("CREATE VIRTUAL TABLE temp.fts_vocab USING fts5vocab(main, services_fts, 'col')")
    conn.execute("DELETE FROM search_terms")
    rows = conn.execute(
        "SELECT term, sum(doc) FROM temp.fts_vocab WHERE col IN ('name', 'place') GROUP BY term"
    ).fetchall()
    conn.executemany(
        "INSERT INTO search_terms (term, docs, phonetic) VALUES (?, ?, ?)",
        [(t, d, phonetic_key(t) if len(t) >= 5 and t.isalpha() else None) for t, d in rows],
    )
    conn.execute("DROP TABLE temp.fts_vocab")


def load(conn: sqlite3.Connection) -> Lexicon:
    """The lexicon of this directory, loaded once per index build and shared by threads."""
    cache = directory_cache.of(conn)
    if cache.lexicon is not None:
        return cache.lexicon
    terms, freq, phonetic, by_length = [], {}, defaultdict(list), defaultdict(list)
    for term, docs, key_ in conn.execute("SELECT term, docs, phonetic FROM search_terms"):
        terms.append(term)
        freq[term] = docs
        by_length[len(term)].append(term)
        if key_:
            phonetic[key_].append(term)
    for words in phonetic.values():
        words.sort(key=lambda t: -freq[t])
    ordered = sorted(terms)
    cumulative = [0]
    for term in ordered:
        cumulative.append(cumulative[-1] + freq[term])
    records = conn.execute("SELECT count(*) FROM services").fetchone()[0]
    from helpline_tui.core import meetings

    lex = Lexicon(terms=terms, doc_freq=freq, by_phonetic=dict(phonetic), by_length=dict(by_length),
                  fellowships=meetings.fellowships_present(conn),
                  records=records, sorted_terms=ordered, cumulative_docs=cumulative)
    cache.lexicon = lex
    return lex
