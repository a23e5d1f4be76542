"""The end-call dialog says exactly what outlives the call (the slips saved during it, where, with
the note or without), and an install can be set never to keep the note in a saved slip."""

from __future__ import annotations

from textual.widgets import Static

from helpline_tui import config as config_mod
from helpline_tui.config import Config
from helpline_tui.ui.screens.end_call import ConfirmEndCall
from tests.ui.conftest import settle, type_text

SIZE = (80, 24)
NOTE = "caller Ana relapsed tuesday"


async def end_call_words(app, save: bool) -> tuple[str, str]:
    """Add a service, write the note, save the slip as text (or not), press F10: the dialog's
    words about what is kept, and the slip as it was on screen."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "methadone")
        await settle(pilot)
        await pilot.press("down", "a")
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await type_text(pilot, NOTE)
        await pilot.press("enter")
        if save:
            await pilot.press("f4")
            await settle(pilot)
        on_screen = str(app.screen.query_one("#slip-text", Static).render())
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmEndCall)
        words = " ".join(str(app.screen.query_one("#end-call-kept", Static).render()).split())
        return words, on_screen


async def test_the_dialog_names_the_saved_slip_its_folder_and_the_note(make_app, slip_folder):
    words, on_screen = await end_call_words(make_app(), save=True)
    # The slip says what the search the service was added from asked for, and it has.
    assert "Has what you asked for: Methadone" in on_screen
    assert "Nothing about the caller is kept" not in words
    assert words.startswith("Kept: 1 slip saved during this call, with the note, in ")
    assert words.endswith("/slips (only you can open it).")
    [saved] = slip_folder.glob("referral-*.txt")
    assert NOTE in saved.read_text(encoding="utf-8")


async def test_with_no_slip_saved_the_dialog_says_nothing_is_kept(make_app, slip_folder):
    words, _slip = await end_call_words(make_app(), save=False)
    assert words == "Nothing about the caller is kept: no slip was saved during this call."
    assert not slip_folder.exists() or not any(slip_folder.iterdir())


async def test_an_install_set_never_to_keep_notes_saves_slips_without_the_note(make_app, slip_folder):
    app = make_app(config=Config(referral_folder=slip_folder, keep_notes=False))
    words, on_screen = await end_call_words(app, save=True)
    [saved] = slip_folder.glob("referral-*.txt")
    text = saved.read_text(encoding="utf-8")
    assert NOTE not in text and "Note:" not in text
    assert "methadone" in text.lower() or "1. " in text  # the slip itself is saved
    assert NOTE in on_screen  # the note is still read out and copied during the call
    assert words.startswith("Kept: 1 slip saved during this call, without a note, in ")
    assert words.endswith("Notes are never kept in saved slips on this computer.")


def test_keep_notes_is_read_from_the_referral_table(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[referral]\nkeep_notes = false\n", encoding="utf-8")
    assert config_mod.load(path).keep_notes is False
    path.write_text("[referral]\nfolder = \"~/Referrals\"\n", encoding="utf-8")
    assert config_mod.load(path).keep_notes is True
    path.write_text("[referral]\nkeep_notes = \"no\"\n", encoding="utf-8")
    broken = config_mod.load(path)
    assert broken.error == f"{path}: 'keep_notes' must be true or false" and broken.keep_notes is True
