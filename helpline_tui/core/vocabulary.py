"""The need vocabulary (needs, populations, payment, languages) as data, with EN/ES labels and the
synonyms query understanding uses. Source of truth: helpline_tui/core/data/vocabulary.json."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from helpline_tui.core.textnorm import fold

_DATA = Path(__file__).parent / "data" / "vocabulary.json"


@dataclass(frozen=True)
class Term:
    id: str
    facet: str  # "need" | "population" | "payment" | "language"
    en: str
    es: str
    domain: str | None = None
    synonyms_en: tuple[str, ...] = ()
    synonyms_es: tuple[str, ...] = ()

    def label(self, lang: str = "en") -> str:
        return self.es if lang == "es" else self.en

    @property
    def synonyms(self) -> tuple[str, ...]:
        return self.synonyms_en + self.synonyms_es


@dataclass(frozen=True)
class Domain:
    id: str
    en: str
    es: str

    def label(self, lang: str = "en") -> str:
        return self.es if lang == "es" else self.en


# eq=False: hashed by identity. The lru_cache of _index() below hashes its argument on every
# term() call, and a field-wise hash walks every Term and synonym (ms per call, minutes per import).
@dataclass(frozen=True, eq=False)
class Vocabulary:
    domains: tuple[Domain, ...]
    needs: tuple[Term, ...]
    populations: tuple[Term, ...]
    payment: tuple[Term, ...]
    languages: tuple[Term, ...]

    @property
    def filter_terms(self) -> tuple[Term, ...]:
        """Everything `--need` accepts."""
        return self.needs + self.populations + self.payment

    def term(self, term_id: str) -> Term | None:
        return _index(self).get(term_id)

    def facet_of(self, term_id: str) -> str | None:
        t = self.term(term_id)
        return t.facet if t else None

    def knows_language(self, code: str) -> bool:
        """A code the language filter can mean: the vocabulary's own ids (en, es, asl, hmn, ...) or
        any ISO 639-1 code, the codes importers turn every source's languages into."""
        return code in ISO_639_1 or self.language(code) is not None

    def language(self, code: str) -> Term | None:
        return next((t for t in self.languages if t.id == code), None)

    def language_label(self, code: str, lang: str = "en") -> str:
        t = self.language(code)
        return t.label(lang) if t else code

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)


# ISO 639-1: every two-letter language code (importers/languages.py maps other codes onto these).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv
dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie
ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv
mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm
rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts
tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())


@lru_cache(maxsize=None)
def _index(vocab: Vocabulary) -> dict[str, Term]:
    return {t.id: t for t in vocab.filter_terms}


def _terms(items: list[dict], facet: str) -> tuple[Term, ...]:
    out = []
    for item in items:
        syn = item.get("synonyms") or {}
        if isinstance(syn, list):  # languages carry one list
            syn = {"en": syn, "es": []}
        out.append(
            Term(
                id=item["id"], facet=facet, en=item["en"], es=item["es"], domain=item.get("domain"),
                synonyms_en=tuple(syn.get("en", ())), synonyms_es=tuple(syn.get("es", ())),
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def load() -> Vocabulary:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    return Vocabulary(
        domains=tuple(Domain(d["id"], d["en"], d["es"]) for d in data["domains"]),
        needs=_terms(data["needs"], "need"),
        populations=_terms(data["populations"], "population"),
        payment=_terms(data["payment"], "payment"),
        languages=_terms(data["languages"], "language"),
    )


@lru_cache(maxsize=1)
def phrase_index() -> dict[tuple[str, ...], tuple[str, str]]:
    """Folded synonym/label token tuple -> (facet, id): 'alcoholicos anonimos' -> support-group."""
    vocab = load()
    index: dict[tuple[str, ...], tuple[str, str]] = {}
    for term in vocab.filter_terms + vocab.languages:
        # A language's code is not a word a handler types for it ('german', 'alemán' are): as
        # words, 'de', 'it', 'he', 'my', 'no' are Spanish and English ("vivienda cerca de 02119"
        # listed German-speaking services).
        own_id = () if term.facet == "language" else (term.id.replace("-", " "),)
        for phrase in (*own_id, term.en, term.es, *term.synonyms):
            key = tuple(fold(phrase).split())
            if key and key not in index:
                index[key] = (term.facet, term.id)
    return index
