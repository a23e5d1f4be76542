"""`json.loads` for source files, whose limits become one-sentence errors.

The standard parser raises more than JSONDecodeError on hostile input: RecursionError for arrays
nested thousands deep, and ValueError for an integer of more than 4,300 digits (Python's guard
against slow int conversion). Both are the file's fault, so both become a SourceError naming it;
JSONDecodeError passes through for each importer's own wording.
"""

from __future__ import annotations

import json
from typing import Any

from helpline_tui.core.records import SourceError


def loads(text: str | bytes, origin: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise SourceError(origin, "is JSON nested too deeply to be a directory export") from None
    except ValueError as exc:  # "Exceeds the limit (4300 digits) for integer string conversion"
        raise SourceError(origin, f"is JSON with a number too long to read ({str(exc).split(';')[0]})") from None
