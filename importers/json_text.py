"""`json.loads` for source files, whose limits become one-sentence errors.

The standard parser raises more than JSONDecodeError on hostile input: RecursionError for arrays
nested thousands deep, and ValueError for an integer of more than 4,300 digits (Python's guard
against slow int conversion). Both are the file's fault, so both become a SourceError naming it;
JSONDecodeError passes through for each importer's own wording.

Before parsing, the values the document can hold are counted (objects, arrays and commas, at C
speed; a comma inside a string counts too, so the count is an upper bound): Python holds an empty
object in 64 bytes where the file spends 3, so `[{},{},…]` of 190 MB would take 5 GB to parse.
"""

from __future__ import annotations

import json
from typing import Any

from helpline_tui.core import limits
from helpline_tui.core.records import SourceError


def loads(text: str | bytes, origin: str) -> Any:
    refuse_too_many_values(text, origin)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise SourceError(origin, "is JSON nested too deeply to be a directory export") from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise SourceError(origin, f"is JSON with a number too long to read ({str(exc).split(';')[0]})") from None


def value_count(text: str | bytes) -> int:
    """An upper bound on the values of a JSON document: every value but the first of an array or
    object follows a comma, and every object and array opens with a brace or bracket."""
    if isinstance(text, str):
        return text.count("{") + text.count("[") + text.count(",") + 1
    return text.count(b"{") + text.count(b"[") + text.count(b",") + 1


def refuse_too_many_values(text: str | bytes, origin: str) -> None:
    count = value_count(text)
    if count > limits.MAX_JSON_VALUES:
        raise SourceError(origin, f"is JSON of up to {count:,} values, over the limit of "
                                  f"{limits.MAX_JSON_VALUES:,} values for one document (MAX_JSON_VALUES)")
