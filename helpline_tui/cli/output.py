"""What every command shares: a line for a person through the display rule, the directory opened
for reading, a page written whole."""

from __future__ import annotations

import os
from pathlib import Path

from helpline_tui.core.display import display_text
from helpline_tui.errors import Failure


def say(text: str = "", *, file=None) -> None:
    """Print one line for a person. Every such line passes the one display rule (core/display.py):
    names, places, file names and source names from an import cannot drive the terminal."""
    print(display_text(text), file=file)


def open_directory(db_path: Path):
    from helpline_tui.core.directory import open_readonly

    return open_readonly(db_path)


def write_page(path: Path, text: str) -> None:
    """The whole page or nothing: written beside, then renamed over."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise Failure(f"{path}: cannot write the page ({exc.strerror or exc})") from None
