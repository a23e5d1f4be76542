"""The header at 80 columns: whatever the directory file is called, the DEMO badge, the number of
services and the national lines stay whole in view; a long file name is what gets shortened."""

from __future__ import annotations

import pytest

from tests.ui.conftest import build_directory, screen_lines, settle

SIZE = (80, 24)
LONG_NAME = "national-directory-2026-11-20-full-export-with-meetings.sqlite"


@pytest.mark.parametrize("lang, demo, count, badge, national", [
    ("en", True, "8 services", "DEMO DATA: fictional services", "988 Suicide & Crisis Lifeline"),
    ("es", True, "8 servicios", "DEMO: servicios ficticios", "988 Línea de Crisis y Suicidio"),
    ("en", False, "8 services", "updated 2026-11-20", "988 Suicide & Crisis Lifeline"),
    ("es", False, "8 servicios", "actualizado 2026-11-20", "988 Línea de Crisis y Suicidio"),
])
async def test_a_long_directory_file_name_is_shortened_not_the_facts(make_app, tmp_path, lang, demo, count, badge,
                                                                     national):
    app = make_app(db=build_directory(tmp_path / LONG_NAME, demo=demo), lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first, second = screen_lines(app)[:2]
        assert count in first and badge in first, first
        assert "national-directory-" in first and "…" in first, first  # the name, shortened
        assert national in second, second
