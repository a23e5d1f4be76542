"""The search box. Down hands the focus to the results (the screen decides what that means)."""

from __future__ import annotations

from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive

from helpline_tui.ui.widgets.text_input import TextInput


class SearchBox(TextInput):
    BINDINGS = [Binding("down", "to_results", show=False)]

    # Input sets its virtual size to the text's width on every keystroke, and Widget's reactive asks
    # for a layout of the whole screen each time. The box's size is fixed by the stylesheet (it has
    # no scrollbars), so a repaint of the box is all a keystroke needs.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, **kwargs) -> None:
        # Coming back from the list (Up) the handler goes on typing: selecting the whole query on
        # focus would make the next letter replace it.
        super().__init__(select_on_focus=False, **kwargs)

    def _on_focus(self, event) -> None:
        super()._on_focus(event)
        self.cursor_position = len(self.value)

    class MoveDown(Message):
        """The handler pressed Down in the search box."""

    def action_to_results(self) -> None:
        self.post_message(self.MoveDown())
