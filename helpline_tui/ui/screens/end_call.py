"""Asked only when ending the call would throw away a referral list or a note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui.screens.base import HelplineModal


class ConfirmEndCall(HelplineModal):
    # Enter and Escape act before the next key is routed: "F10, Enter" then the next call's words
    # ends the call first, and the words go into the empty search box.
    BINDINGS = [*commands.bindings("dialog", priority=True)]

    def __init__(self, referrals: int) -> None:
        super().__init__(id="end-call")
        self.referrals = referrals

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="end-call-dialog"):
            yield Static(Text(t("endcall.title", self.lang), style="bold"), classes="dialog-title")
            yield Static(t("endcall.body", self.lang, n=self.referrals))
            yield Static(Text(f"{t('endcall.confirm', self.lang)}    {t('endcall.cancel', self.lang)}",
                              style="bold"), classes="dialog-help")

    def on_mount(self) -> None:
        commands.translate_bindings(self, self.lang)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_close(self) -> None:
        self.dismiss(False)
