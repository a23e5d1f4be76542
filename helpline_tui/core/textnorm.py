"""One normalisation for indexing and querying: case- and accent-insensitive, punctuation to spaces."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str | None) -> str:
    """'Clínica San José, Inc.' -> 'clinica san jose inc'. ñ folds to n (the accepted trade-off)."""
    if not text:
        return ""
    if text.isascii():  # same result, without the per-character walk (imports fold millions of fields)
        return _NON_ALNUM.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", stripped).strip()


def tokens(text: str | None) -> list[str]:
    return fold(text).split()
