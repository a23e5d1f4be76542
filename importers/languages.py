"""Language text from any source -> language codes the directory filters on (ISO 639-1, plus "asl" and "sgn").

Built from the vocabulary's language entries and their synonyms (helpline_tui/core/data/
vocabulary.json), so "Spanish", "Español", "es", "spa" and "Spanish (limited)" all become "es".
Sources also give ISO 639-2/3 codes (HSDS 3.0 allows either) and languages the vocabulary does not
list; the search filter accepts any ISO code, so those are mapped too rather than dropped.

Free text such as "other languages available upon request" yields nothing: interpretation on
request is not a language the service is delivered in, and "no languages" means unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from helpline_tui.core import vocabulary
from helpline_tui.core.textnorm import fold

# ISO 639-2/B, 639-2/T and 639-3 codes -> the code the directory uses. Only languages a US or
# Canadian helpline meets; anything else stays unknown rather than guessed.
_ISO3 = {
    "eng": "en", "spa": "es", "fra": "fr", "fre": "fr", "deu": "de", "ger": "de", "ara": "ar",
    "zho": "zh", "chi": "zh", "cmn": "zh", "yue": "zh", "hat": "ht", "fas": "fa", "per": "fa",
    "ell": "el", "gre": "el", "heb": "he", "hin": "hi", "ita": "it", "jpn": "ja", "kor": "ko",
    "pol": "pl", "por": "pt", "rus": "ru", "tgl": "tl", "fil": "tl", "vie": "vi", "som": "so",
    "amh": "am", "tir": "ti", "orm": "om", "swa": "sw", "swh": "sw", "kin": "rw", "nep": "ne",
    "mya": "my", "bur": "my", "khm": "km", "lao": "lo", "tha": "th", "ukr": "uk", "ron": "ro",
    "rum": "ro", "sqi": "sq", "alb": "sq", "bos": "bs", "srp": "sr", "hrv": "hr", "hye": "hy",
    "arm": "hy", "tur": "tr", "kur": "ku", "pus": "ps", "urd": "ur", "ben": "bn", "pan": "pa",
    "guj": "gu", "tam": "ta", "tel": "te", "yid": "yi", "nav": "nv", "oji": "oj", "ojb": "oj",
    "ase": "asl", "afr": "af", "bul": "bg", "ces": "cs", "cze": "cs", "dan": "da",
    "nld": "nl", "dut": "nl", "fin": "fi", "kat": "ka", "geo": "ka", "hun": "hu", "isl": "is",
    "ice": "is", "lit": "lt", "mal": "ml", "mlt": "mt", "nor": "no", "nob": "no", "slk": "sk",
    "slo": "sk", "slv": "sl", "swe": "sv", "ind": "id", "msa": "ms", "may": "ms", "cat": "ca",
    "lav": "lv", "est": "et", "mkd": "mk", "mac": "mk",
}

# Names of languages outside the vocabulary (which covers the US helpline's common languages).
_EXTRA_NAMES = {
    "af": ("afrikaans",), "bg": ("bulgarian", "bulgaro"), "cs": ("czech", "checo"),
    "da": ("danish", "danes"), "nl": ("dutch", "flemish", "neerlandes", "holandes"),
    "fi": ("finnish", "finlandes"), "ka": ("georgian", "georgiano"), "hu": ("hungarian", "hungaro"),
    "is": ("icelandic", "islandes"), "lt": ("lithuanian", "lituano"), "ml": ("malayalam",),
    "mt": ("maltese", "maltes"), "no": ("norwegian", "noruego"), "sk": ("slovak", "eslovaco"),
    "sl": ("slovenian", "slovene", "esloveno"), "sv": ("swedish", "sueco"), "id": ("indonesian",),
    "ms": ("malay",), "ca": ("catalan",), "lv": ("latvian",), "et": ("estonian",),
    "mk": ("macedonian",),
}

# Words that, right before a language name, mean the opposite ("no Spanish").
_NEGATIONS = ("no", "not", "sin")
_CODE_LIKE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")
_SPLIT = re.compile(r"[,;/|\n]+|\\n")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(code -> code) for every accepted code, and (folded phrase, code) longest phrase first."""
    codes: dict[str, str] = dict(_ISO3)
    phrases: dict[str, str] = {}
    for term in vocabulary.load().languages:
        codes[term.id] = term.id
        for phrase in (term.en, term.es, *term.synonyms):
            key = fold(phrase)
            if key and key not in phrases:
                phrases[key] = term.id
    for code, names in _EXTRA_NAMES.items():
        codes.setdefault(code, code)
        for name in names:
            phrases.setdefault(fold(name), code)
    ordered = sorted(phrases.items(), key=lambda kv: (-len(kv[0]), kv[0]))
    return codes, ordered


def code(text: str | None) -> str | None:
    """One code for a bare language code ("es", "ES", "spa", "pt-BR") or None."""
    if not text:
        return None
    m = _CODE_LIKE.match(text.strip())
    if not m:
        return None
    return _tables()[0].get(m.group(1).lower())


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
        found.extend((offset + pos, c) for pos, c in _named(item))
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
