"""Confirmations (added, removed, copied, saved) never pile up over what the handler reads out, and a
saved slip's file name is always in view. Notices are on in these tests (Textual's run_test turns
them off by default), in an 80x24 terminal."""

from __future__ import annotations


from textual.widgets import Static

from helpline_tui.config import Config
from helpline_tui.ui.render import fit_path
from helpline_tui.ui.screens.referral import ReferralScreen
from tests.ui.conftest import settle, type_text

SIZE = (80, 24)


def screen_lines(app) -> list[str]:
    """The characters on screen, row by row, notices included, as the terminal shows them."""
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def notices_on_screen(app) -> list[str]:
    return [str(toast.render()) for toast in app.screen.query("Toast")]


async def add_two_services(pilot) -> None:
    await type_text(pilot, "yonkers comp")
    await settle(pilot)
    await pilot.press("down", "a")  # from the results
    await settle(pilot)
    await pilot.press("up", "escape")
    await type_text(pilot, "centro de salud")
    await settle(pilot)
    await pilot.press("enter", "a")  # from the service page
    await settle(pilot)


async def test_adding_copying_and_saving_leave_the_slip_uncovered(make_app, slip_folder):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await add_two_services(pilot)
        assert len(app.referrals) == 2
        # One notice at a time: the second addition replaces the first.
        assert len(notices_on_screen(app)) <= 1

        await pilot.press("f6", "f2", "f4")  # the list, copy, save
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        assert notices_on_screen(app) == []
        lines = screen_lines(app)
        assert any("Address: 1200 Main Street, Yonkers, NY 10701" in line for line in lines), "\n".join(lines)
        [saved] = slip_folder.glob("referral-*-en.txt")
        assert any(line.strip().startswith("Saved: ") and line.rstrip().endswith(saved.name) for line in lines), \
            "\n".join(lines)


async def test_removing_from_the_list_is_said_under_the_slip(make_app):
    app = make_app(lang="es")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await type_text(pilot, "yonkers comp")
        await settle(pilot)
        await pilot.press("down", "a", "f6")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert app.referrals == ()
        assert notices_on_screen(app) == []
        status = str(app.screen.query_one("#referral-status", Static).render())
        assert status.startswith("Quitado de la lista de derivación: Yonkers Comprehensive")


async def test_a_saved_slip_is_shown_from_the_home_folder(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    app = make_app(lang="es", config=Config(referral_folder=tmp_path / "Documents" / "helpline-referrals"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6", "f4")
        await settle(pilot)
        [saved] = (tmp_path / "Documents" / "helpline-referrals").glob("referral-*-es.txt")
        status = str(app.screen.query_one("#referral-status", Static).render())
        assert status == f"Guardado: ~/Documents/helpline-referrals/{saved.name}"


async def test_a_long_path_keeps_the_file_name_in_view(make_app, tmp_path):
    folder = tmp_path / ("carpeta-de-hojas-de-derivacion-del-turno-de-noche-" * 2) / "helpline-referrals"
    app = make_app(config=Config(referral_folder=folder))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6", "f5")  # a printable page
        await settle(pilot)
        [saved] = folder.glob("referral-*-en.html")
        assert len(str(saved)) > 80
        lines = screen_lines(app)
        assert f" Saved: …/helpline-referrals/{saved.name}" in lines[-2], "\n".join(lines)


async def test_a_slip_that_cannot_be_saved_is_said_under_the_slip(make_app, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("", encoding="utf-8")
    app = make_app(config=Config(referral_folder=blocked))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f6", "f4")
        await settle(pilot)
        status = app.screen.query_one("#referral-status", Static)
        assert str(status.render()).startswith("! Could not save the slip:")
        assert status.has_class("-error")
        assert notices_on_screen(app) == []


def test_fit_path_keeps_the_end_of_the_file_name_when_nothing_else_fits():
    path = "/home/ana/Documents/helpline-referrals/referral-20261124-193000-es.txt"
    assert fit_path(path, 80, home="/home/ana") == "~/Documents/helpline-referrals/referral-20261124-193000-es.txt"
    assert fit_path(path, 40, home="/home/ana") == "…/referral-20261124-193000-es.txt"
    assert fit_path(path, 12, home="/home/ana").endswith("-es.txt") and len(fit_path(path, 12, home="/home/ana")) == 12
    assert fit_path("/home/anabel/x.txt", 80, home="/home/ana") == "/home/anabel/x.txt"  # not ana's home
