"""Screenshots at 80x24 and 120x40, English and Spanish, default and high-contrast themes.

Deterministic: a fixed directory (fixed import time), a fixed clock (open-now), no cursor blink and
no notifications on screen. Update the baselines with `pytest tests/ui/test_snapshots.py
--snapshot-update` after checking the new pictures in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpline_tui.config import Config
from helpline_tui.ui.state import FilterState
from tests.ui.conftest import FIXED_NOW, build_directory, settle, type_text


@pytest.fixture(scope="module")
def snapshot_db(tmp_path_factory) -> Path:
    return build_directory(tmp_path_factory.mktemp("snapshots") / "services.sqlite", demo=True)


def make(db: Path, lang: str = "en", theme: str | None = None):
    from helpline_tui.ui.app import HelplineApp

    return HelplineApp(db, lang=lang, theme_name=theme, config=Config(referral_folder=Path("/nonexistent")),
                       clock=lambda: FIXED_NOW, blink_cursor=False, poll_seconds=3600)


async def quiet(pilot) -> None:
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.pause()


def test_search_typing_en_80x24(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        await type_text(pilot, "yonkers")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db), terminal_size=(80, 24), run_before=run_before)


def test_search_filtered_es_high_contrast_80x24(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es")
        await settle(pilot)
        await pilot.press("down")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db, "es", "high-contrast"), terminal_size=(80, 24), run_before=run_before)


def test_search_every_filter_set_en_80x24(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es",
                                               needs=("methadone", "housing"), kind="treatment",
                                               population="veterans", payment="medicaid")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db), terminal_size=(80, 24), run_before=run_before)


def test_detail_open_now_es_80x24(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        await type_text(pilot, "centro de salud")
        await settle(pilot)
        await pilot.press("enter")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db, "es"), terminal_size=(80, 24), run_before=run_before)


def test_need_picker_with_counts_en_high_contrast_120x40(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.filters = FilterState(language="es")
        await settle(pilot)
        await pilot.press("f4")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db, "en", "high-contrast"), terminal_size=(120, 40), run_before=run_before)


def test_referral_spanish_slip_from_english_ui_120x40(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        await type_text(pilot, "centro de salud")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("escape", "escape")
        await type_text(pilot, "grupo esperanza")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("f3", "n")
        await type_text(pilot, "Pregunte por Ana")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db), terminal_size=(120, 40), run_before=run_before)


def test_empty_result_explained_es_120x40(snap_compare, snapshot_db):
    async def run_before(pilot):
        await settle(pilot)
        pilot.app.screen.filters = FilterState(place="Yonkers, NY", place_label="Yonkers, NY", language="es")
        await type_text(pilot, "casa")
        await quiet(pilot)

    assert snap_compare(make(snapshot_db, "es"), terminal_size=(120, 40), run_before=run_before)
