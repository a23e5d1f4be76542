"""The one check every fuzzed import goes through, and the count of inputs each format ran.

An input is imported the way `helpline import` does it (detect for `auto`, the format's reader,
the one pipeline) into a copy of a small real directory. Either the import succeeds and the
directory opens, searches and holds only printable text, or it fails with one of the errors the
CLI turns into one sentence, that sentence names the file, and the directory's bytes are unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import importers
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.import_summary import ImportSummary
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import SourceError
from helpline_tui.core.search import Filters, search
from helpline_tui.errors import UserError

# What the CLI catches and prints as one sentence: the one class of errors said to the person
# (helpline_tui/errors.py). Any other exception, a Signal escaping its module included, is a bug.
CLEAN_ERRORS = UserError

INPUTS: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()

# Anything a terminal acts on: C0 controls but tab and newline, DEL, C1 controls (CSI is \x9b).
TERMINAL_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MULTILINE_COLUMNS = {"description", "hours_text"}
SHOWN_COLUMNS = ("name", "organization", "site_name", "description", "phone", "intake_phone", "hotline_phone",
                 "website", "email", "street", "city", "state", "zip", "county", "service_area", "hours_text",
                 "languages", "needs", "populations", "payment", "source_codes", "unmapped_codes",
                 "service_area_list", "hours")


@contextmanager
def workspace(base_db: Path) -> Iterator[tuple[Path, Path]]:
    """A fresh folder per generated input, with its own copy of the base directory file."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz-", dir=base_db.parent))
    try:
        db = folder / "services.sqlite"
        shutil.copyfile(base_db, db)
        yield folder, db
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def import_like_cli(db: Path, fmt: str, source: Path) -> ImportSummary:
    if fmt == "auto":
        fmt = importers.detect(str(source))
    reader = importers.load(fmt)
    return run_import(db, reader(str(source)), source=fmt, format=fmt, origin=str(source.resolve()))


def check_import(label: str, fmt: str, source: Path, db: Path) -> str:
    """Import `source`; assert the guarantees; return "imported" or "refused"."""
    INPUTS[label] += 1
    before = db.read_bytes()
    try:
        summary = import_like_cli(db, fmt, source)
    except CLEAN_ERRORS as exc:
        assert_clean_error(exc, source)
        assert db.read_bytes() == before, f"the directory changed although the import failed: {exc}"
        OUTCOMES[f"{label}: refused"] += 1
        return "refused"
    assert_imported(summary, db)
    OUTCOMES[f"{label}: imported"] += 1
    return "imported"


def assert_clean_error(exc: Exception, source: Path) -> None:
    message = str(exc)
    assert message.strip(), f"{type(exc).__name__} with an empty message"
    assert "\n" not in message and "\r" not in message, f"not one line: {message!r}"
    assert not TERMINAL_CONTROLS.search(message), f"control characters in the message: {message!r}"
    # A datapackage.json stands for the package folder it sits in; errors name that folder or its files.
    named = source.parent.name if source.name.lower() == "datapackage.json" else source.name
    assert named in message, f"the message does not name {named}: {message!r}"
    if isinstance(exc, SourceError):
        if exc.row is not None:
            assert f"row {exc.row}" in message, message
        if exc.field:
            assert exc.field in message, message


def assert_imported(summary: ImportSummary, db: Path) -> None:
    assert summary.read > 0
    for skip in summary.skipped:
        # Skip reasons are printed to the terminal by `helpline import`.
        assert not TERMINAL_CONTROLS.search(str(skip["reason"])), f"control characters in {skip!r}"
        assert isinstance(skip["row"], int) or skip["row"] is None, skip
    conn = open_readonly(db)
    try:
        conn.row_factory = sqlite3.Row
        for row in conn.execute(f"SELECT {', '.join(SHOWN_COLUMNS)} FROM services"):
            for column in SHOWN_COLUMNS:
                value = row[column] or ""
                assert not TERMINAL_CONTROLS.search(value), f"{column} holds control characters: {value!r}"
                if column not in MULTILINE_COLUMNS:
                    assert "\n" not in value and "\r" not in value, f"{column} holds a line break: {value!r}"
            assert row["name"].strip(), "a service without a name was stored"
        page = search(conn, "", Filters(), limit=5)
        assert page.total >= len(page.hits)
        named = [h.record["name"] for h in page.hits if any(ch.isalpha() for ch in h.record["name"])]
        if named:  # (a name of digits alone is read as a phone number, by design)
            assert search(conn, named[0], Filters(), limit=5).total >= 1, f"searching {named[0]!r} finds nothing"
    finally:
        conn.close()


def scale() -> float:
    """HELPLINE_FUZZ_SCALE=0.1 runs a tenth of the examples (a quick local pass)."""
    return float(os.environ.get("HELPLINE_FUZZ_SCALE", "1"))
