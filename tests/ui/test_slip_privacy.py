"""Saved slips hold the handler's note about the caller: through the real TUI (F6, a note, F4), the
slip is 0600 in a 0700 folder, a folder that was open to others is tightened, and a save that fails
on a full disk leaves no file behind and says so in one line under the slip."""

from __future__ import annotations

import errno
import os
import stat

from textual.widgets import Static

from helpline_tui.config import Config
from tests.mounts import fill, small_tmpfs
from tests.ui.conftest import settle, type_text

SIZE = (80, 24)
NOTE = "caller Ana relapsed tuesday"


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def save_slip_with_a_note(app) -> str:
    """F6, type the note, F4 (save as text); returns the line under the slip."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await type_text(pilot, NOTE)
        await pilot.press("enter")  # the note is done: the focus goes to the slip
        await pilot.press("f4")
        await settle(pilot)
        return str(app.screen.query_one("#referral-status", Static).render())


async def test_a_saved_slip_and_its_new_folder_are_private(make_app, tmp_path):
    folder = tmp_path / "Documents" / "helpline-referrals"
    status = await save_slip_with_a_note(make_app(config=Config(referral_folder=folder)))
    [saved] = folder.glob("referral-*-en.txt")
    assert NOTE in saved.read_text(encoding="utf-8")
    assert status.startswith("Saved: ")
    assert mode(saved) == 0o600
    assert mode(folder) == 0o700


async def test_a_slip_folder_open_to_others_is_tightened(make_app, tmp_path):
    folder = tmp_path / "slips"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)  # whatever the umask
    old_umask = os.umask(0)  # the widest umask: the slip must still be private
    try:
        status = await save_slip_with_a_note(make_app(config=Config(referral_folder=folder)))
    finally:
        os.umask(old_umask)
    [saved] = folder.glob("referral-*-en.txt")
    assert status.startswith("Saved: ")
    assert mode(saved) == 0o600 and mode(folder) == 0o700


def _nothing_of_the_note_left(folder) -> None:
    left = [p.name for p in folder.iterdir() if not p.name.startswith("filler")]
    assert left == [], left


async def test_a_save_on_a_full_disk_leaves_nothing_and_says_so(make_app, tmp_path):
    with small_tmpfs(tmp_path / "disk") as disk:
        folder = disk / "slips"
        folder.mkdir(mode=0o700)
        fill(disk)
        status = await save_slip_with_a_note(make_app(config=Config(referral_folder=folder)))
        _nothing_of_the_note_left(folder)
    assert status == "! Could not save the slip: No space left on device"


async def test_a_save_that_fails_at_the_sync_leaves_nothing_and_says_so(make_app, tmp_path, monkeypatch):
    """The same without mounting: the disk says it is full when the written slip is synced (as a
    delayed-allocation file system does), at the OS call."""
    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("helpline_tui.core.files.os.fsync", disk_full)
    folder = tmp_path / "slips"
    status = await save_slip_with_a_note(make_app(config=Config(referral_folder=folder)))
    _nothing_of_the_note_left(folder)
    assert status == "! Could not save the slip: No space left on device"


async def test_a_folder_that_cannot_be_tightened_is_said(make_app, tmp_path, monkeypatch):
    """Another user's folder (configured as the slips folder) cannot be made private: the slip is
    still 0600, and the line under it says the folder is open to others."""
    def not_the_owner(path, mode):
        raise PermissionError(1, "Operation not permitted", str(path))

    folder = tmp_path / "shared-slips"
    folder.mkdir()
    os.chmod(folder, 0o755)
    monkeypatch.setattr("helpline_tui.core.files.os.chmod", not_the_owner)
    status = await save_slip_with_a_note(make_app(config=Config(referral_folder=folder)))
    [saved] = folder.glob("referral-*-en.txt")
    assert mode(saved) == 0o600
    assert status.startswith("Saved, in a folder other users can open: "), status
