"""The need vocabulary (needs, populations, payment, languages) as data, with EN/ES labels and the
synonyms query understanding uses. Source of truth: helpline_tui/core/data/vocabulary.json."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import langcodes

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

    def canonical_language(self, code: str) -> str | None:
        """The code the directory stores for a code a user or a source gives ("spa" -> "es",
        "KEA" -> "kea"), or None when it is no language."""
        code = (code or "").strip().lower()
        return code if self.language(code) is not None else iso_language(code)

    def language(self, code: str) -> Term | None:
        return next((t for t in self.languages if t.id == code), None)

    def language_label(self, code: str, lang: str = "en") -> str:
        """The vocabulary's curated name, else the name langcodes knows in `lang` ("kea" ->
        "Kabuverdianu", "criollo caboverdiano"), else the code itself."""
        t = self.language(code)
        return t.label(lang) if t else iso_language_name(code, lang) or code

    def domain(self, domain_id: str) -> Domain | None:
        return next((d for d in self.domains if d.id == domain_id), None)



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


# Codes that are not one language: private use (qaa-qtz), undetermined, multiple, none, missing.
_NOT_A_LANGUAGE = re.compile(r"^(q[a-t][a-z]|und|mul|zxx|mis)$")


@lru_cache(maxsize=4096)
def iso_language(code: str) -> str | None:
    """An ISO 639 code (1, 2 or 3) as the directory stores it, from langcodes: the two-letter code
    where one exists ("spa" -> "es", "pt-BR" -> "pt"), else the three-letter one ("kea"); None for
    anything langcodes does not know as a language."""
    code = (code or "").strip()
    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", code):
        return None
    try:
        language = langcodes.Language.get(code.replace("_", "-"))
    except (ValueError, LookupError):
        return None
    base = (language.language or "").lower()
    if not base or _NOT_A_LANGUAGE.match(base) or not langcodes.Language.get(base).is_valid():
        return None
    return base


@lru_cache(maxsize=1024)
def iso_language_name(code: str, lang: str = "en") -> str | None:
    """A language's name in `lang` from langcodes' data, capitalised for a list; None if unknown."""
    if iso_language(code) != code:
        return None
    name = langcodes.Language.get(code).display_name(lang)
    if not name or name.lower() in (code, f"unknown language [{code}]"):
        return None
    return name[:1].upper() + name[1:]
