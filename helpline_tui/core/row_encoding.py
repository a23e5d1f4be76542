"""A cleaned record as the row the services table stores: its stable id, its lists and hours as
JSON text, the content hash that tells an updated record from an unchanged one, and the folded
columns search reads. The encoding must not change: content hashes and ids are compared across
imports, so a different spelling of the same record would count every record as updated.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter
from typing import Any

from helpline_tui.core import cleaning, limits, schema
from helpline_tui.core.textnorm import fold

LIST_FIELDS = schema.JSON_LIST_COLUMNS

# Encoders made once: json.dumps() with options builds a new encoder on every call, and an import
# encodes about ten values per record. Output is identical, so content hashes do not change.
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_dumps_sorted = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=str).encode
_dumps_hash = json.JSONEncoder(ensure_ascii=False, default=str).encode
# json.dumps(sort_keys=True), made once (hours are hashed, so the encoding must not change).
_dumps_hours = json.JSONEncoder(sort_keys=True).encode

# Folding the same city, state, name twice per record (id, then search columns) is common.
cached_fold = lru_cache(maxsize=1 << 16)(fold)

# Columns derived from the others when a row is encoded; a decoded row leaves them out.
_DERIVED = ("content_hash", "name_fold", "match_fold", "place_fold", "city_fold", "phone_digits")


def mint_id(source: str, source_key: str | None, name: str, site_name: str, street: str, city: str,
            state: str, zip5: str) -> str:
    """Stable across re-imports: from the source's own key when it has one, else from the
    normalised name, site name and address (two programmes of one organisation at one address,
    e.g. its men's and women's residences, get two ids). Always within the source: a site that
    two sources describe is two records, which site matching shows as one (site_merging), so
    each source keeps, refreshes and replaces only its own."""
    if source_key:
        basis = f"key|{source}|{source_key}"
    else:
        basis = f"site|{source}|" + "|".join(map(cached_fold, (name, site_name, street, city, state, zip5[:5])))
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def _json_list(values: list[str]) -> str:
    """json.dumps(values, ensure_ascii=False) for lists of plain strings (ids, codes), without the
    encoder's per-call set-up; anything that would need escaping takes the encoder."""
    if not values:
        return "[]"
    try:
        joined = '", "'.join(values)
    except TypeError:
        return _dumps(values)
    # No quote but the separators', no backslash, no control character: nothing to escape.
    if joined.count('"') == 2 * len(values) - 2 and "\\" not in joined and joined.isprintable():
        return f'["{joined}"]'
    return _dumps(values)


@lru_cache(maxsize=8)
def _hashed_fields(keys: tuple[str, ...]) -> Callable[[dict[str, Any]], tuple]:
    """The values a content hash covers, in key order: every field but the import time."""
    return itemgetter(*sorted(k for k in keys if k not in ("imported_at", "content_hash")))


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    """The services row of a cleaned record (record_cleaning.clean_record)."""
    out = dict(row)
    out["raw_json"] = _dumps_sorted(out.pop("raw"))
    if len(out["raw_json"]) > limits.RAW_JSON_CHECK_CHARS:  # a huge source value: kept cut, as fields are
        out["raw_json"] = _dumps_sorted(limits.cap_raw(row["raw"]))
    for key in LIST_FIELDS:
        out[key] = _json_list(row[key])
    out["hours"] = _dumps_hours(row["hours"]) if row["hours"] else "{}"
    out["content_hash"] = hashlib.sha1(
        _dumps_hash(list(_hashed_fields(tuple(out))(out))).encode("utf-8")
    ).hexdigest()
    out["name_fold"] = cached_fold(row["name"])
    # Fields kept apart by " | " (which the full-text tokenizer ignores) so ranking can tell a
    # whole site name matched from words scattered over name and organisation.
    out["match_fold"] = " | ".join(
        f for f in (cached_fold(row[k]) for k in ("name", "site_name", "organization")) if f)
    out["place_fold"] = " | ".join(
        f for f in (cached_fold(row[k]) for k in ("street", "city", "county", "state", "zip")) if f)
    out["city_fold"] = cached_fold(row["city"])
    out["phone_digits"] = " ".join(
        d for d in (cleaning.phone_digits(row[k]) for k in ("phone", "intake_phone", "hotline_phone")) if d
    )
    return out


def decode_row(columns: list[str], values: tuple) -> dict[str, Any]:
    """A stored row (values in `columns` order) back to the cleaned record it was encoded from,
    to merge it with another."""
    row = dict(zip(columns, values, strict=True))
    for key in LIST_FIELDS:
        row[key] = json.loads(row[key])
    row["hours"] = json.loads(row["hours"])
    row["raw"] = json.loads(row.pop("raw_json"))
    for key in _DERIVED:
        row.pop(key, None)
    return row
