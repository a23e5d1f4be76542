"""SAMHSA's service-code table (core/data/samhsa_codes.json): each code's name and what it gives.

The SAMHSA importers map codes to needs with it (importers/samhsa_codes.py reads `TABLE_PATH`); the
interfaces name the codes that map to no need ("ACC" -> "Aftercare/continuing care") through
`code_name`, so they read the table through core and never import an importer.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

TABLE_PATH = Path(__file__).parent / "data" / "samhsa_codes.json"


@lru_cache(maxsize=1)
def _names_and_aliases() -> tuple[dict[str, str], dict[str, str]]:
    data = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    names = {code: entry["name"] for code, entry in data["codes"].items()}
    aliases = {old.upper(): new.upper() for old, new in data.get("aliases", {}).items()}
    return names, aliases


def code_name(code: str) -> str | None:
    """'SMON' -> 'Smoking not permitted'; a legacy code by its current code's name; None when unknown."""
    names, aliases = _names_and_aliases()
    code = code.strip().upper()
    return names.get(aliases.get(code, code))
