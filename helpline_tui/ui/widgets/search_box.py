"""The search box. Down hands the focus to the results (the screen decides what that means)."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message

from helpline_tui.ui.widgets.text_input import TextInput


class SearchBox(TextInput):
    BINDINGS = [Binding("down", "to_results", show=False)]

    class MoveDown(Message):
        """The handler pressed Down in the search box."""

    def action_to_results(self) -> None:
        self.post_message(self.MoveDown())
