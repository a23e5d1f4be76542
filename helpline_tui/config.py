"""User settings from a TOML file (see `helpline_tui.paths.config_file`). Every key is optional:

    [ui]
    language = "es"          # interface language: en | es
    slip_language = "es"     # default language of referral slips
    theme = "high-contrast"  # dark | light | high-contrast | any Textual theme name
    plain = true             # `helpline` opens the line-by-line interface (as --plain)

    [referral]
    folder = "~/Referrals"   # where saved slips go
    keep_notes = false       # saved slips never hold the handler's note (default true)

    [keys]                   # binding id = key(s); ids are listed in the help screen (F1)
    end_call = "f12"
    help = "f1,question_mark"

A broken file never stops the app: `load()` returns the defaults plus the error sentence, which the
TUI shows as a notification. No Textual here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from helpline_tui import paths


@dataclass(frozen=True)
class Config:
    language: str | None = None
    slip_language: str | None = None
    theme: str | None = None
    plain: bool = False  # open the plain, line-by-line interface for screen readers
    referral_folder: Path | None = None
    keep_notes: bool = True  # whether a saved slip (.txt, .html) holds the note about the caller
    keys: dict[str, str] = field(default_factory=dict)
    path: Path | None = None
    error: str | None = None  # one sentence when the file could not be used


def _text(table: dict, key: str, where: Path) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: '{key}' must be a string")
    return value


def _flag(table: dict, key: str, default: bool, where: Path) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{where}: '{key}' must be true or false")
    return value


def load(path: Path | None = None) -> Config:
    path = path or paths.config_file()
    if not path.exists():
        return Config(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ui = data.get("ui", {}) or {}
        referral = data.get("referral", {}) or {}
        keys = data.get("keys", {}) or {}
        if not all(isinstance(t, dict) for t in (ui, referral, keys)):
            raise ValueError(f"{path}: [ui], [referral] and [keys] must be tables")
        bad = [k for k, v in keys.items() if not isinstance(v, str) or not v.strip()]
        if bad:
            raise ValueError(f"{path}: key binding '{bad[0]}' must be a key name such as \"f12\"")
        language = _text(ui, "language", path)
        slip_language = _text(ui, "slip_language", path)
        for name, value in (("language", language), ("slip_language", slip_language)):
            if value is not None and value not in ("en", "es"):
                raise ValueError(f"{path}: '{name}' must be \"en\" or \"es\"")
        folder = _text(referral, "folder", path)
        return Config(
            language=language, slip_language=slip_language, theme=_text(ui, "theme", path),
            plain=_flag(ui, "plain", False, path),
            referral_folder=Path(folder).expanduser() if folder else None,
            keep_notes=_flag(referral, "keep_notes", True, path),
            keys={k: v.strip() for k, v in keys.items()}, path=path,
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        message = str(exc)
        if not message.startswith(str(path)):
            message = f"{path}: {message}"
        return Config(path=path, error=message)
