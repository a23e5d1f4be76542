"""Language text from any source -> language codes the directory filters on (ISO 639-1, else 639-3, plus "asl" and "sgn").

Built from the vocabulary's language entries and their synonyms (helpline_tui/core/data/
vocabulary.json), so "Spanish", "Español", "es", "spa" and "Spanish (limited)" all become "es".
Sources also give ISO 639-2/3 codes (HSDS 3.0 allows either) and languages the vocabulary does not
list: those come from langcodes (the ISO 639 registry, offline), stored as the two-letter code where
one exists, else the three-letter one ("Cape Verdean Creole" is "kea", "Marshallese" "mh"); the
curated names stay on top ("Creole" alone is Haitian Creole, as SAMHSA and Boston sources mean it).

Free text such as "other languages available upon request" yields nothing: interpretation on
request is not a language the service is delivered in, and "no languages" means unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

import langcodes

from helpline_tui.core import vocabulary
from helpline_tui.core.textnorm import fold

# Codes langcodes (the ISO 639 registry) reads otherwise, where the directory keeps one code for
# what a caller asks for: Mandarin and Cantonese under Chinese (SAMHSA's "Any Chinese language"),
# Filipino under Tagalog, Norwegian Bokmål under Norwegian, ASL under the vocabulary's "asl".
_GROUPED = {"cmn": "zh", "yue": "zh", "tgl": "tl", "fil": "tl", "swh": "sw", "ojb": "oj", "nob": "no",
            "ase": "asl"}

# Three-letter words a list of languages holds that ISO 639-3 also has as codes ("Any" is Anyin).
_WORDS = frozenset("all and any are but can for has not non one see sin the two una uno yes".split())

# Words that, right before a language name, mean the opposite ("no Spanish").
_NEGATIONS = ("no", "not", "sin")
_CODE_LIKE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")
_SPLIT = re.compile(r"[,;/|\n]+|\\n")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(code -> code) for every accepted code, and (folded phrase, code) longest phrase first."""
    codes: dict[str, str] = dict(_GROUPED)
    phrases: dict[str, str] = {}
    for term in vocabulary.load().languages:
        codes[term.id] = term.id
        for phrase in (term.en, term.es, *term.synonyms):
            key = fold(phrase)
            if key and key not in phrases:
                phrases[key] = term.id
    ordered = sorted(phrases.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return codes, ordered


def code(text: str | None) -> str | None:
    """One code for a bare language code ("es", "ES", "spa", "pt-BR", "kea") or None: the
    vocabulary's and the grouped codes first, then any ISO 639-1 or 639-3 code langcodes knows."""
    if not text:
        return None
    m = _CODE_LIKE.match(text.strip())
    if not m:
        return None
    base = m.group(1).lower()
    if base in _tables()[0]:
        return _tables()[0][base]
    if base in _WORDS or (len(base) == 3 and m.group(1)[:1].isupper() and not m.group(1).isupper()):
        return None  # "Any", "Yes": a word, not a code
    iso = vocabulary.iso_language(text.strip())
    return _tables()[0].get(iso, iso) if iso else None


# What a language's name is written with. langcodes' name index (a marisa trie) fails with a
# SystemError on a NUL byte and other control characters, so nothing else is asked.
_NAME_CHARS = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’()\-.,])*")


def _by_name(item: str) -> str | None:
    """A whole list item that is one language's name in langcodes' data ("Marshallese",
    "Chuukese", "Ilocano", "Kabuverdianu"), for names the vocabulary does not curate."""
    words = item.split()
    if not words or len(words) > 4 or len(item) > 40 or not _NAME_CHARS.fullmatch(item.strip()):
        return None
    try:
        found = langcodes.find(item.strip())
    except (LookupError, ValueError):
        return None
    # langcodes.find is forgiving ("Men" finds Manx): keep it only when the item is the language's
    # own name in English, in Spanish or in itself.
    names = {fold(found.display_name("en")), fold(found.display_name("es")), fold(found.autonym())}
    return code(found.language or "") if fold(item) in names else None


@lru_cache(maxsize=4096)
def codes(text: str | None) -> tuple[str, ...]:
    """Every language a piece of text names, in order of appearance, without duplicates.

    "English and Spanish" -> ("en", "es"); "Spanish (limited)" -> ("es",);
    "other languages available upon request" -> ()."""
    if not text:
        return ()
    found: list[tuple[int, str]] = []
    for offset, item in _items(str(text)):
        bare = code(item) if len(item.strip()) <= 12 else None
        if bare:
            found.append((offset, bare))
            continue
        named = _named(item)
        if not named and (whole := _by_name(item)):
            named = [(0, whole)]
        found.extend((offset + pos, c) for pos, c in named)
    out: list[str] = []
    for _, c in sorted(found):
        if c not in out:
            out.append(c)
    return tuple(out)


def codes_from(values) -> list[str]:
    """Union of codes() over several texts, first-seen order."""
    out: list[str] = []
    for value in values:
        for c in codes(value):
            if c not in out:
                out.append(c)
    return out


def _items(text: str):
    pos = 0
    for part in _SPLIT.split(text):
        yield pos, part
        pos += len(part) + 1


def _named(item: str) -> list[tuple[int, str]]:
    """Language names inside free text, matched on whole folded words, longest phrase first so
    "haitian creole" wins over "creole" and a matched span is not matched again."""
    folded = f" {fold(item)} "
    if folded.strip() == "":
        return []
    taken = [False] * len(folded)
    hits: list[tuple[int, str]] = []
    for phrase, lang in _tables()[1]:
        needle = f" {phrase} "
        start = folded.find(needle)
        while start != -1:
            span = range(start + 1, start + len(needle) - 1)
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                before = folded[:start].split()
                if not (before and before[-1] in _NEGATIONS):
                    hits.append((start, lang))
            start = folded.find(needle, start + 1)
    return hits
