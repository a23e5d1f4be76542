"""Fixtures for the TUI tests: a tiny directory built through the real pipeline (accents, Spanish,
hours, an approximate position, an area-wide line and a record full of markup), a fixed clock, no
cursor blink, an isolated settings file and a temporary folder for saved slips."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import pytest

from helpline_tui.config import Config
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.records import ServiceRecord
from tests.conftest import sample_records
from tests.support.textual_waits import wait_on_the_app

# Tuesday 24 November 2026, 19:30 on the US east coast (a fixed offset: no tz database needed).
FIXED_NOW = dt.datetime(2026, 11, 24, 19, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
IMPORTED_AT = "2026-11-20T12:00:00Z"

EVIL_NAME = "[bold red]Evil[/] [link=x]"


def tui_records() -> list[ServiceRecord]:
    return [
        *sample_records(),
        ServiceRecord(name=EVIL_NAME, source="test", source_key="8", row=8, city="Yonkers", state="NY",
                      zip="10701", latitude=40.93, longitude=-73.90, phone="914-555-0199",
                      description="[i]not italic[/i] and [@click=app.quit]not a link[/]", languages=["en"],
                      needs=["peer-support"]),
        ServiceRecord(name="Centro de Salud Mental Latino", source="test", source_key="9", row=9,
                      organization="Servicios Comunitarios", street="77 Warburton Ave", city="Yonkers",
                      state="NY", zip="10701", latitude=40.9340, longitude=-73.9000, phone="914-555-0110",
                      intake_phone="914-555-0111", languages=["es", "en", "asl"],
                      needs=["mental-health", "co-occurring", "family-support"], payment=["sliding-fee"],
                      hours={d: [["09:00", "21:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
                      last_verified="2026-10-01", website="https://example.org/centro"),
    ]


def build_directory(path: Path, records: list[ServiceRecord] | None = None, demo: bool = False) -> Path:
    """A directory file with fixed import times (so pages and snapshots do not change)."""
    with mock.patch("helpline_tui.core.pipeline.now_iso", return_value=IMPORTED_AT):
        run_import(path, records if records is not None else tui_records(), source="test", format="test",
                   origin="tests", meta={"demo": "true"} if demo else None)
    return path


@pytest.fixture(autouse=True)
def pilot_waits_on_the_app(monkeypatch):
    """Keys and pauses wait until the app's work is done, not for a quiet CPU (tests/support/textual_waits.py)."""
    wait_on_the_app(monkeypatch)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPLINE_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def tui_db(tmp_path, built_directories) -> Path:
    """A copy of the directory of tui_records(), built once per session."""
    return built_directories.copy("tui", build_directory, tmp_path / "services.sqlite")


@pytest.fixture
def slip_folder(tmp_path) -> Path:
    return tmp_path / "slips"


@pytest.fixture
def make_app(tui_db, slip_folder) -> Callable:
    from helpline_tui.ui.app import HelplineApp

    def make(db: Path | None = None, lang: str | None = None, theme: str | None = None, **kwargs):
        config = kwargs.pop("config", None) or Config(referral_folder=slip_folder)
        kwargs.setdefault("clock", lambda: FIXED_NOW)
        return HelplineApp(db or tui_db, lang=lang, theme_name=theme, config=config, blink_cursor=False, **kwargs)

    return make


def _busy(app) -> bool:
    from textual.worker import WorkerState

    if any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers):
        return True
    for screen in app.screen_stack:  # a search asked for but not yet on screen
        if getattr(screen, "painted_seq", 0) < getattr(screen, "latest_seq", 0):
            return True
    return False


async def settle(pilot, timeout: float = 15.0) -> None:
    """Wait until no worker runs and the latest search is on screen, twice in a row (a dismissed
    dialog's callback may start new work one message later). Robust on a loaded machine."""
    app = pilot.app
    deadline = time.monotonic() + timeout
    quiet = 0
    while time.monotonic() < deadline and quiet < 3:
        await pilot.pause()
        if _busy(app):
            quiet = 0
            await asyncio.sleep(0.01)
        else:
            quiet += 1


async def reloaded(pilot, app, generation: int) -> bool:
    """Wait (up to 5 s) until the open app has picked up a new directory file, then settle."""
    for _ in range(50):
        await pilot.pause(0.1)
        if app.directory.generation > generation:
            break
    await settle(pilot)
    return app.directory.generation > generation


async def type_text(pilot, text: str) -> None:
    for ch in text:
        key = {" ": "space", ",": "comma", "?": "question_mark"}.get(ch, ch)
        await pilot.press(key)


def screen_lines(app) -> list[str]:
    """The screen as the handler sees it: one string per terminal row (cut text is cut here too)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


async def open_service(pilot, query: str):
    """Type a query, open the first result, and return its service page."""
    from helpline_tui.ui.screens.detail import DetailScreen

    await type_text(pilot, query)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DetailScreen)
    return pilot.app.screen
