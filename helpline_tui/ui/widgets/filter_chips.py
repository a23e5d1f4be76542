"""The filters as a row of chips. Each chip can take the focus (Tab), opens its picker with Enter,
Space or a click, and clears its filter with Delete or Backspace."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import HorizontalScroll
from textual.message import Message
from textual.widgets import Static

from helpline_tui.i18n import t
from helpline_tui.ui.state import FACETS, FilterState, value_label


class Chip(Static, can_focus=True):
    BINDINGS = [
        Binding("enter,space", "choose", show=False),
        Binding("delete,backspace", "clear", show=False),
    ]

    class Chosen(Message):
        def __init__(self, facet: str) -> None:
            super().__init__()
            self.facet = facet

    class Cleared(Message):
        def __init__(self, facet: str) -> None:
            super().__init__()
            self.facet = facet

    def __init__(self, facet: str) -> None:
        super().__init__(id=f"chip-{facet}", classes="chip")
        self.facet = facet

    def show(self, state: FilterState, lang: str) -> None:
        value = value_label(state, self.facet, lang)
        self.set_class(value is not None, "-active")
        text = Text(no_wrap=True)
        if value is None:  # unset: just the name, to keep the row short
            text.append(t(f"chip.{self.facet}", lang))
        else:
            text.append(t(f"chip.{self.facet}", lang) + ": ")
            text.append(value, style="bold")
        self.update(text)

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.facet))

    def action_clear(self) -> None:
        self.post_message(self.Cleared(self.facet))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_choose()


class FilterChips(HorizontalScroll, can_focus=False):
    def compose(self) -> ComposeResult:
        for facet in FACETS:
            yield Chip(facet)

    def show(self, state: FilterState, lang: str) -> None:
        for chip in self.query(Chip):
            chip.show(state, lang)
            if chip.facet == "radius":
                chip.display = bool(state.place)
