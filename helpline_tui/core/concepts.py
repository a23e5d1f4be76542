"""Service concepts (rent help, food pantry, English classes...) beneath the need ids, as data:
helpline_tui/core/data/concepts.json. Each concept names its need, its recovery-capital domain, its
English and Spanish words, and the AIRS code prefixes and SAMHSA service codes that mean it.

A record's concepts are *coded* when its source's codes or its source's own category names say
them, else *inferred* from its name, organisation and description (negated and incidental
mentions left out), marked so, and ranked below coded ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpline_tui.core.textnorm import fold

_DATA = Path(__file__).parent / "data" / "concepts.json"


@dataclass(frozen=True)
class Concept:
    id: str
    need: str
    domain: str
    en: str
    es: str
    words_en: tuple[str, ...]
    words_es: tuple[str, ...]
    airs: tuple[str, ...]
    samhsa: tuple[str, ...]
    ambiguous: bool = False

    def label(self, lang: str = "en") -> str:
        return self.es if lang == "es" else self.en

    @property
    def is_its_need(self) -> bool:
        """A concept as wide as its need (detox, methadone): a query asking for it asks for the
        need, and ranks nothing further."""
        return self.id == self.need

    @property
    def phrases(self) -> tuple[str, ...]:
        return (self.en, self.es, *self.words_en, *self.words_es)


@lru_cache(maxsize=1)
def load() -> tuple[Concept, ...]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return tuple(Concept(id=c["id"], need=c["need"], domain=c["domain"], en=c["en"], es=c["es"],
                         words_en=tuple(c["words"]["en"]), words_es=tuple(c["words"]["es"]),
                         airs=tuple(c.get("airs", ())), samhsa=tuple(c.get("samhsa", ())),
                         ambiguous=bool(c.get("ambiguous")))
                 for c in data["concepts"])


@lru_cache(maxsize=1)
def by_id() -> dict[str, Concept]:
    return {c.id: c for c in load()}


def get(concept_id: str) -> Concept | None:
    return by_id().get(concept_id)


@lru_cache(maxsize=256)
def ids_of_need(need: str) -> tuple[str, ...]:
    return tuple(c.id for c in load() if c.need == need)


@lru_cache(maxsize=1)
def filler_phrases() -> frozenset[tuple[str, ...]]:
    """Folded word tuples with no service meaning: 'help', 'ayuda con', 'my son needs'."""
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return frozenset(tuple(fold(p).split()) for lang in ("en", "es") for p in data["filler"][lang] if fold(p).split())


@lru_cache(maxsize=1)
def phrase_index() -> dict[tuple[str, ...], str]:
    """Folded word tuple -> concept id (the first concept listing it; the integrity test keeps
    phrases of different needs apart)."""
    index: dict[tuple[str, ...], str] = {}
    for c in load():
        for phrase in c.phrases:
            key = tuple(fold(phrase).split())
            if key:
                index.setdefault(key, c.id)
    return index


# ---------------------------------------------------------------------------------------------
# Coded concepts: AIRS code prefixes (longest wins, as importers/taxonomy.py reads needs) and
# SAMHSA service codes.

@lru_cache(maxsize=1)
def _airs_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for c in load():
        for prefix in c.airs:
            table.setdefault(prefix.upper(), []).append(c.id)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=8192)
def from_airs_code(code: str) -> tuple[str, ...]:
    """Concepts of one AIRS code ('BH-3800.7000' -> rent-help), every part of a 'service * target'
    code read; the longest listed prefix of each part wins."""
    table = _airs_table()
    out: list[str] = []
    for part in code.upper().split("*"):
        c = part.strip()
        while c:
            if c in table:
                out += [x for x in table[c] if x not in out]
                break
            cut = max(c.rfind("."), c.rfind("-"))
            c = c[:cut] if cut > 0 else (c[:-1] if len(c) == 2 and c.isalpha() else "")
    return tuple(out)


@lru_cache(maxsize=1)
def _samhsa_table() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for c in load():
        for code in c.samhsa:
            table.setdefault(code.upper(), []).append(c.id)
    return {k: tuple(v) for k, v in table.items()}


def from_samhsa_codes(codes: Iterable[str]) -> list[str]:
    # A facility has some 70 codes and most mean no concept: each code as sent is looked up once
    # per process (a 100k-row import spent a fifth of its time spelling codes out again).
    out: list[str] = []
    for code in codes:
        found = _SAMHSA_BY_CODE.get(code)
        if found is None:
            if len(_SAMHSA_BY_CODE) > 10_000:  # a hostile export's endless distinct codes
                _SAMHSA_BY_CODE.clear()
            found = _SAMHSA_BY_CODE[code] = _samhsa_table().get(str(code).strip().upper(), ())
        for concept in found:
            if concept not in out:
                out.append(concept)
    return out


_SAMHSA_BY_CODE: dict[object, tuple[str, ...]] = {}


def from_airs_codes(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for code in codes:
        out += [x for x in from_airs_code(str(code)) if x not in out]
    return out


# ---------------------------------------------------------------------------------------------
# Concepts read from text: a source's own category names (coded: the source says it), or a
# record's own words (inferred).

# A clause holding one of these before the phrase says the service is NOT that ("our cases do not
# include landlord/tenant issues, housing association issues").
_NEGATIONS = frozenset("not no nor never cannot cant dont doesnt except excluding excludes without unable "
                       "neither ni nunca excepto sin".split())
_CLAUSE = re.compile(r"[.;:!?\n()]+")



def clauses(text: str) -> list[str]:
    """A text's clauses, the reach of a negation ("do not include A, B or C")."""
    return _CLAUSE.split(text.replace("'", "").replace("\u2019", ""))


def negated_before(folded_clause: str, at: int) -> bool:
    """Whether a negation word comes before position `at` of a folded clause."""
    return bool(_NEGATIONS.intersection(folded_clause[:max(at, 0)].split()))


MAX_PHRASE_WORDS = 6


def in_text(text: str | None, *, skip_negated: bool = True, single_words: bool = True) -> list[str]:
    """Concepts whose phrases are in `text` as whole folded words (looked up word by word, so
    a long description costs its length, not the number of phrases); in a clause with a negation
    before the phrase they do not count. `single_words=False` keeps only phrases of several words
    (a description's one word is too often incidental: 'shelter' in 'shelter from the storm')."""
    out: list[str] = []
    if not text:
        return out
    index = phrase_index()
    # Apostrophes joined first: "don't" -> "dont", "women's" -> "womens".
    for clause in clauses(text):
        words = fold(clause).split()
        negated = False
        i = 0
        while i < len(words):
            negated = negated or words[i] in _NEGATIONS
            for size in range(min(MAX_PHRASE_WORDS, len(words) - i), 0 if single_words else 1, -1):
                cid = index.get(tuple(words[i:i + size]))
                if cid is not None:
                    if not (skip_negated and negated) and cid not in out:
                        out.append(cid)
                    i += size - 1
                    break
            i += 1
    return out


def coded_by_source(*, airs_codes: Iterable[str] = (), samhsa_codes: Iterable[str] = (),
                    category_names: Iterable[str] = ()) -> list[str]:
    """Concepts a source says a record has: its AIRS codes, its SAMHSA codes, the source's own
    names of its categories ('Food Pantries', 'Rent Payment Assistance')."""
    coded = from_airs_codes(code for code in airs_codes if _AIRS_CODE.match(str(code).split("*")[0].strip()))
    coded += [c for c in from_samhsa_codes(samhsa_codes) if c not in coded]
    for text in category_names:
        coded += [c for c in in_text(text, skip_negated=False) if c not in coded]
    return coded


_AIRS_CODE = re.compile(r"^[A-Z]{1,2}(-\d{4}(\.\d{4}(-\d{3}(\.\d{2,3}(-\d{2})?)?)?)?)?$")


@lru_cache(maxsize=1)
def _not_inferred_from() -> re.Pattern[str]:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    words = sorted({" ".join(fold(w).split()) for w in data.get("not_inferred_from", [])}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b") if words else re.compile(r"(?!)")


def infer_from_name(name: str) -> list[str]:
    """Concepts a service's own name says, words naming a kind of place ('church', 'school')
    left out. Measured on Miami 211 with its codes as the answer (bench/bench_concept_inference.py):
    names say it rightly far more often than descriptions or organisations, which mention much
    they do not do, so only the name is read."""
    return in_text(_not_inferred_from().sub(".", fold(name)))


def for_record(*, airs_codes: Iterable[str] = (), samhsa_codes: Iterable[str] = (),
               category_names: Iterable[str] = (), name: str = "", organization: str = "",
               description: str = "") -> tuple[list[str], list[str]]:
    """(coded, inferred) concepts of one record. Inferred only when nothing is coded, and from the
    service's name alone (`infer_from_name`): `organization` and `description` are taken so callers
    need not choose, and left unread on purpose (measured precision 0.72 and 0.73 against 0.93)."""
    coded = coded_by_source(airs_codes=airs_codes, samhsa_codes=samhsa_codes, category_names=category_names)
    if coded:
        return coded, []
    return [], infer_from_name(name)


def as_json(coded: Iterable[str], inferred: Iterable[str], lang: str = "en") -> list[dict]:
    out = []
    for cid, was_inferred in [(c, False) for c in coded] + [(c, True) for c in inferred]:
        concept = get(cid)
        if concept is not None:
            out.append({"id": cid, "label": concept.label(lang), "inferred": was_inferred})
    return out
