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

from helpline_tui.core.display import display_text
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

    def show(self, state: FilterState, lang: str, labelled: bool = True, limit: int | None = None) -> None:
        self.set_class(value_label(state, self.facet, lang) is not None, "-active")
        self.update(self.label(state, lang, labelled, limit))

    def label(self, state: FilterState, lang: str, labelled: bool = True, limit: int | None = None) -> Text:
        """"Language: Spanish" when labelled; "Spanish" (cut to `limit`) when the row is tight.
        Unset: just the filter's name, to keep the row short."""
        value = value_label(state, self.facet, lang, limit)
        text = Text(no_wrap=True)
        if value is None:
            text.append(t(f"chip.{self.facet}", lang))
        else:
            if labelled:
                text.append(t(f"chip.{self.facet}", lang) + ": ")
            text.append(display_text(value), style="bold")  # a place name comes from the directory
        return text

    def action_choose(self) -> None:
        self.post_message(self.Chosen(self.facet))

    def action_clear(self) -> None:
        self.post_message(self.Cleared(self.facet))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.action_choose()


# How the chips read, tried in order until the row fits: "Language: Spanish", then the value alone,
# then values cut shorter and shorter. Every filter stays in view at 80 columns.
_FITS = ((True, None), (False, None), *((False, limit) for limit in range(24, 3, -1)))


class FilterChips(HorizontalScroll, can_focus=False):
    _shown: tuple[FilterState, str] | None = None

    def compose(self) -> ComposeResult:
        for facet in FACETS:
            yield Chip(facet)

    def show(self, state: FilterState, lang: str) -> None:
        self._shown = (state, lang)
        chips = list(self.query(Chip))
        for chip in chips:
            if chip.facet == "radius":
                chip.display = bool(state.place)
        shown = [chip for chip in chips if chip.display]
        room = self.content_size.width  # 0 before the first layout: on_resize comes back here
        labelled, limit = _FITS[0]
        for labelled, limit in _FITS:
            gutter = sum(chip.styles.gutter.width for chip in shown)
            if not room or gutter + sum(chip.label(state, lang, labelled, limit).cell_len for chip in shown) <= room:
                break
        for chip in chips:
            chip.show(state, lang, labelled, limit)

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)
