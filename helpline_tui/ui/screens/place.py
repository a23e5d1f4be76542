"""The place picker: a ZIP code or "City, ST", with an inline suggestion (→ accepts it) and a list
of suggestions from the directory's ZIP-centroid table. The place is checked before it is kept."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from helpline_tui.core import geo
from helpline_tui.core.display import display_text
from helpline_tui.core.live_directory import LiveDirectory
from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui.screens.base import HelplineModal
from helpline_tui.ui.state import place_from_suggestion
from helpline_tui.ui.widgets.text_input import TextInput


@dataclass(frozen=True)
class PlaceChoice:
    place: str | None  # what search accepts ("10701", "Yonkers, NY"); None removes the filter
    label: str | None = None  # how it reads ("10701 (Yonkers, NY)")


def suggestions(directory: LiveDirectory, text: str) -> list[str]:
    with directory.lock:
        return geo.place_suggestions(directory.conn, text)


def _place_or_none(conn, text: str) -> geo.Place | None:
    try:
        return geo.resolve_place(conn, place_from_suggestion(text))
    except geo.PlaceError:
        return None


class PlaceSuggester(Suggester):
    def __init__(self, directory: LiveDirectory) -> None:
        super().__init__(use_cache=False, case_sensitive=False)
        self.directory = directory

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        found = await asyncio.to_thread(suggestions, self.directory, value)
        first = found[0] if found else None
        return first if first and first.casefold().startswith(value.casefold()) else None


class PlacePicker(HelplineModal):
    BINDINGS = [*commands.bindings("dialog"), Binding("down", "to_list", show=False)]

    class Suggested(Message):
        def __init__(self, text: str, found: list[str]) -> None:
            super().__init__()
            self.text = text
            self.found = found

    class Resolved(Message):
        def __init__(self, text: str, place: geo.Place | None) -> None:
            super().__init__()
            self.text = text
            self.place = place

    def __init__(self, current: str | None) -> None:
        super().__init__(id="place-picker")
        self.current = current or ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(t("place_picker.title", self.ui_lang), style="bold"), classes="dialog-title")
            yield TextInput(value=self.current, placeholder=t("place_picker.placeholder", self.ui_lang), id="place",
                            suggester=PlaceSuggester(self.helpline.directory))
            yield Static("", id="place-error")
            yield OptionList(id="place-suggestions")
            yield Static(t("place_picker.help", self.ui_lang), classes="dialog-help")

    def on_mount(self) -> None:
        commands.translate_bindings(self, self.ui_lang)
        self.query_one("#place", Input).focus()
        self._suggest(self.current)

    @on(Input.Changed, "#place")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one("#place-error", Static).update("")
        self._suggest(event.value)

    @work(thread=True, exclusive=True, group="place-suggestions", exit_on_error=False)
    def _suggest(self, text: str) -> None:
        found = suggestions(self.helpline.directory, text) if text.strip() else []
        self.post_message(self.Suggested(text, found))

    @on(Suggested)
    def _show_suggestions(self, message: Suggested) -> None:
        if message.text != self.query_one("#place", Input).value:
            return  # an older keystroke's answer
        listing = self.query_one("#place-suggestions", OptionList)
        listing.set_options([Option(Text(display_text(s)), id=f"s{i}") for i, s in enumerate(message.found)])
        listing.highlighted = None

    def action_to_list(self) -> None:
        listing = self.query_one("#place-suggestions", OptionList)
        if listing.option_count:
            listing.focus()
            listing.highlighted = 0

    @on(OptionList.OptionSelected, "#place-suggestions")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        text = str(event.option.prompt)
        place_input = self.query_one("#place", Input)
        with self.prevent(Input.Changed):
            place_input.value = text
        self._resolve(text)

    @on(Input.Submitted, "#place")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        listing = self.query_one("#place-suggestions", OptionList)
        if listing.has_focus and listing.highlighted_option is not None:
            listing.action_select()
            return
        text = self.query_one("#place", Input).value.strip()
        if not text:
            self.dismiss(PlaceChoice(None))
            return
        self._resolve(text)

    @work(thread=True, exclusive=True, group="place-resolve", exit_on_error=False)
    def _resolve(self, text: str) -> None:
        """Keep what was typed if it is a place; otherwise the first suggestion shown for it
        ("Yonk" -> "Yonkers, NY"), as → would."""
        directory = self.helpline.directory
        with directory.lock:
            place = _place_or_none(directory.conn, text)
            if place is None:
                shown = geo.place_suggestions(directory.conn, text)
                if shown and (suggested := _place_or_none(directory.conn, shown[0])) is not None:
                    text, place = shown[0], suggested
        self.post_message(self.Resolved(text, place))

    @on(Resolved)
    def _resolved(self, message: Resolved) -> None:
        if message.place is None:
            self.query_one("#place-error", Static).update(
                Text("! " + t("place_picker.unknown", self.ui_lang, place=message.text)))
            self.query_one("#place", Input).focus()
            return
        self.dismiss(PlaceChoice(place_from_suggestion(message.text), message.place.label))

    def action_close(self) -> None:
        self.dismiss(None)
