"""F1 / ?: every key from the command registry (with the user's remapped keys), grouped by where it
works, and how a call flows."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui.screens.base import HelplineModal


def help_text(app, lang: str) -> Text:
    keymap = getattr(app, "keymap", {})
    out = Text()
    out.append(t("help.flow", lang) + "\n\n")
    out.append(t("help.marks", lang) + "\n")
    for scope in commands.SCOPES:
        out.append("\n")
        out.append(t(f"help.scope.{scope}", lang), style="bold underline")
        out.append("\n")
        for command in commands.commands_for(scope):
            keys = commands.key_display(app, commands.effective_keys(command, keymap))
            out.append(f"  {keys:<14}", style="bold")
            out.append(f"{commands.label(command, lang)}: ", style="bold")
            out.append(commands.help_text(command, lang))
            out.append(f"  [{command.id}]\n", style="italic")
    out.append("\n" + t("help.clipboard", lang) + "\n")
    out.append(t("help.keymap", lang, path=str(getattr(app, "config_path", "config.toml"))) + "\n")
    out.append(t("help.mouse", lang) + "\n")
    return out


class HelpScreen(HelplineModal):
    # the help key (F1 / ?, or the user's own) closes the help again
    BINDINGS = [*commands.bindings("dialog"),
                Binding(commands.BY_ID["help"].keys, "show_help", show=False, id="help")]

    def __init__(self) -> None:
        super().__init__(id="help")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help-dialog"):
            yield Static(Text(t("help.title", self.ui_lang), style="bold"), classes="dialog-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(help_text(self.app, self.ui_lang), id="help-text")
            yield Static(t("help.close", self.ui_lang), classes="dialog-help")

    def on_mount(self) -> None:
        commands.translate_bindings(self, self.ui_lang)
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(None)

    def action_show_help(self) -> None:  # F1 again closes
        self.dismiss(None)
