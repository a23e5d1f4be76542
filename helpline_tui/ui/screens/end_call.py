"""Asked only when ending the call would throw away a referral list or a note. It says exactly what
outlives the call: the slips saved during it, in their folder, with the note or without."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from helpline_tui.i18n import t, tn
from helpline_tui.ui import commands
from helpline_tui.ui.render import fit_path
from helpline_tui.ui.screens.base import HelplineModal

FOLDER_WIDTH = 40  # the folder as "~/Documents/helpline-referrals", cut from the left if longer


def kept_text(saved: list[tuple[Path, bool]], notes_kept: bool, lang: str) -> str:
    """What is kept after the call. `saved`: this call's saved slips and whether each holds the note."""
    if not saved:
        words = t("endcall.nothing_kept", lang)
    else:
        folders = list(dict.fromkeys(path.parent for path, _note in saved))
        folder = ", ".join(fit_path(f, FOLDER_WIDTH) for f in folders)
        key = "endcall.kept_note" if any(note for _path, note in saved) else "endcall.kept"
        words = tn(key, len(saved), lang, folder=folder)
    if not notes_kept:
        words += " " + t("endcall.notes_never_saved", lang)
    return words


class ConfirmEndCall(HelplineModal):
    # Enter and Escape act before the next key is routed: "F10, Enter" then the next call's words
    # ends the call first, and the words go into the empty search box.
    BINDINGS = [*commands.bindings("dialog", priority=True)]

    def __init__(self, referrals: int, saved: list[tuple[Path, bool]] | None = None, notes_kept: bool = True) -> None:
        super().__init__(id="end-call")
        self.referrals = referrals
        self.saved = list(saved or [])
        self.notes_kept = notes_kept

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="end-call-dialog"):
            yield Static(Text(t("endcall.title", self.ui_lang), style="bold"), classes="dialog-title")
            yield Static(Text(t("endcall.body", self.ui_lang, n=self.referrals)))
            yield Static(Text(kept_text(self.saved, self.notes_kept, self.ui_lang)), id="end-call-kept")
            yield Static(Text(f"{t('endcall.confirm', self.ui_lang)}    {t('endcall.cancel', self.ui_lang)}",
                              style="bold"), classes="dialog-help")

    def on_mount(self) -> None:
        commands.translate_bindings(self, self.ui_lang)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
