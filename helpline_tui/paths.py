"""Where helpline keeps its settings and saved slips. Nothing is created at import; folders are
made only when something is written."""

from __future__ import annotations

from pathlib import Path

from helpline_tui.core import settings

APP_NAME = "helpline"


def config_file() -> Path:
    """$HELPLINE_CONFIG, else config.toml in the platform's config folder
    (~/.config/helpline/config.toml on Linux)."""
    configured = settings.CONFIG.read()  # tests and shared machines set it
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def real_directory_file() -> Path:
    """Where a real (imported) directory belongs when the admin has no place of their own for it:
    services.sqlite in the platform's data folder (~/.local/share/helpline on Linux). Suggested
    when an import would go into the shipped demo directory."""
    import platformdirs

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "services.sqlite"


def referral_folders() -> list[Path]:
    """Where saved slips go, best first: Documents/helpline-referrals, the app's data folder,
    then helpline-referrals in the current folder. The first one that can be written is used.
    Each is a folder of slips alone, so it can be made private (0700) without touching others'."""
    import platformdirs

    return [
        platformdirs.user_documents_path() / "helpline-referrals",
        platformdirs.user_data_path(APP_NAME, appauthor=False) / "referrals",
        Path.cwd() / "helpline-referrals",
    ]


def writable_folder(candidates: list[Path]) -> Path:
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".helpline-write-test"
            probe.write_text("", encoding="utf-8")
            probe.unlink()
            return folder
        except OSError:
            continue
    return Path.cwd()
