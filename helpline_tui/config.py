"""User settings from a TOML file (see `helpline_tui.paths.config_file`). Every key is optional:

    [ui]
    language = "es"          # interface language: en | es
    slip_language = "es"     # default language of referral slips
    theme = "high-contrast"  # dark | light | high-contrast | any Textual theme name
    plain = true             # `helpline` opens the line-by-line interface (as --plain)

    [referral]
    folder = "~/Referrals"   # where saved slips go
    keep_notes = false       # saved slips never hold the handler's note (default true)

    [tally]                  # the call tally (core/tally.py); off unless enabled
    enabled = true
    seat = "desk-2"          # kept with each call; none unless named
    zone = "America/New_York"  # the helpline's zone for the day and hour (default this machine's)
    path = "~/tally.sqlite"  # default: tally/tally.sqlite in the platform's data folder
    min_cell = 5             # `helpline report` shows smaller counts as "<5" (never below 3)

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
from helpline_tui.i18n import UI_LANGUAGES
from helpline_tui.core.tally import MIN_CELL_FLOOR, check_zone
from helpline_tui.core.tally import Settings as TallySettings


@dataclass(frozen=True)
class Config:
    ui_language: str | None = None  # the interface's, `language` under [ui]
    slip_language: str | None = None
    theme: str | None = None
    plain: bool = False  # open the plain, line-by-line interface for screen readers
    referral_folder: Path | None = None
    keep_notes: bool = True  # whether a saved slip (.txt, .html) holds the note about the caller
    keys: dict[str, str] = field(default_factory=dict)
    tally: TallySettings = field(default_factory=TallySettings)
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


def _tally(table: dict, where: Path) -> TallySettings:
    zone = _text(table, "zone", where)
    if zone is not None:
        try:
            check_zone(zone)
        except ValueError as exc:
            raise ValueError(f"{where}: [tally] zone {exc}") from None
    tally_path = _text(table, "path", where)
    min_cell = table.get("min_cell", 5)
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < MIN_CELL_FLOOR:
        raise ValueError(f"{where}: [tally] min_cell must be a whole number {MIN_CELL_FLOOR} or more "
                         f"(smaller counts could identify a caller)")
    return TallySettings(enabled=_flag(table, "enabled", False, where), seat=_text(table, "seat", where) or None,
                         zone=zone, path=Path(tally_path).expanduser() if tally_path else None, min_cell=min_cell)


def load(path: Path | None = None) -> Config:
    path = path or paths.config_file()
    if not path.exists():
        return Config(path=path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        ui = data.get("ui", {}) or {}
        referral = data.get("referral", {}) or {}
        keys = data.get("keys", {}) or {}
        tally = data.get("tally", {}) or {}
        if not all(isinstance(t, dict) for t in (ui, referral, keys, tally)):
            raise ValueError(f"{path}: [ui], [referral], [tally] and [keys] must be tables")
        bad = [k for k, v in keys.items() if not isinstance(v, str) or not v.strip()]
        if bad:
            raise ValueError(f"{path}: key binding '{bad[0]}' must be a key name such as \"f12\"")
        ui_language = _text(ui, "language", path)
        slip_language = _text(ui, "slip_language", path)
        for name, value in (("language", ui_language), ("slip_language", slip_language)):
            if value is not None and value not in UI_LANGUAGES:
                raise ValueError(f"{path}: '{name}' must be \"en\" or \"es\"")
        folder = _text(referral, "folder", path)
        return Config(
            ui_language=ui_language, slip_language=slip_language, theme=_text(ui, "theme", path),
            plain=_flag(ui, "plain", False, path),
            referral_folder=Path(folder).expanduser() if folder else None,
            keep_notes=_flag(referral, "keep_notes", True, path),
            keys={k: v.strip() for k, v in keys.items()}, tally=_tally(tally, path), path=path,
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        message = str(exc)
        if not message.startswith(str(path)):
            message = f"{path}: {message}"
        return Config(path=path, error=message)
