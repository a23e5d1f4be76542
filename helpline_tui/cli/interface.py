"""`helpline` with no command: the TUI, or the plain line-by-line interface. Textual is imported
only here, when the TUI opens."""

from __future__ import annotations

from pathlib import Path

from helpline_tui.errors import UsageError


def run_interface(db_path: Path, lang: str | None, theme: str | None, plain: bool,
                  tally_path: Path | None = None) -> int:
    """The TUI, or the plain line-by-line interface with --plain or `plain = true` in the settings."""
    from helpline_tui import config as config_mod

    config = config_mod.load()
    if not (plain or config.plain):
        return _run_tui(db_path, lang, theme, tally_path)
    from helpline_tui.plain.session import run

    return run(db_path, lang, config, tally_path=tally_path)


def _run_tui(db_path: Path, lang: str | None, theme: str | None, tally_path: Path | None = None) -> int:
    from helpline_tui.core.directory import open_readonly

    open_readonly(db_path).close()  # fail here with one sentence, before the screen takes over
    from helpline_tui.ui import themes

    if theme and themes.resolve(theme) is None:
        raise UsageError(f"unknown theme '{theme}'; use dark, light, high-contrast or a Textual theme name")
    from helpline_tui.ui.app import HelplineApp

    # lang None: the settings file's language, else English
    HelplineApp(db_path=db_path, lang=lang, theme_name=theme, tally_path=tally_path).run()
    return 0
