"""The search box. The search screen owns the keys that leave it (Down, Enter, Tab): see
`SearchScreen.FOCUS_BINDINGS`."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive

from helpline_tui.ui.widgets.text_input import TextInput


class SearchBox(TextInput):
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
