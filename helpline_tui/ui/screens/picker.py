"""A list to choose one filter value from: type to narrow it, ↑↓ to move, Enter to choose. Values
can be grouped under headings (needs under their recovery-capital domain) and show how many services
each would leave, counted in a thread once the dialog is open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from helpline_tui.core.display import display_text
from helpline_tui.core.textnorm import fold
from helpline_tui.i18n import number, t
from helpline_tui.ui import commands
from helpline_tui.ui.screens.base import HelplineModal
from helpline_tui.ui.widgets.text_input import TextInput


@dataclass(frozen=True)
class PickerItem:
    value: str | None  # None: "any", i.e. remove the filter
    label: str
    group: str | None = None  # heading shown above the item
    selected: bool = False


@dataclass(frozen=True)
class Choice:
    """What a picker returns (None when it was closed without choosing)."""

    value: str | None


class OptionPicker(HelplineModal):
    BINDINGS = [
        *commands.bindings("dialog"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("pagedown", "move(8)", show=False),
        Binding("pageup", "move(-8)", show=False),
    ]

    class CountsReady(Message):
        def __init__(self, counts: dict[str, int]) -> None:
            super().__init__()
            self.counts = counts

    def __init__(self, title: str, items: list[PickerItem], help_text: str,
                 load_counts: Callable[[], dict[str, int]] | None = None, narrow: bool = True,
                 picker_id: str = "picker") -> None:
        super().__init__(id=picker_id)
        self.title_text = title
        self.items = items
        self.help_text = help_text
        self.load_counts = load_counts
        self.narrow = narrow
        self.counts: dict[str, int] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog -tall" if len(self.items) > 10 else "dialog"):
            yield Static(Text(self.title_text, style="bold"), classes="dialog-title")
            yield TextInput(placeholder=t("picker.narrow", self.ui_lang), id="narrow")
            yield OptionList(id="choices")
            yield Static(self.help_text, id="picker-help", classes="dialog-help")

    def on_mount(self) -> None:
        commands.translate_bindings(self, self.ui_lang)
        narrow = self.query_one("#narrow", Input)
        narrow.display = self.narrow
        self._fill()
        if self.narrow:
            narrow.focus()
        else:
            self.query_one("#choices", OptionList).focus()
        if self.load_counts is not None:
            self._count()

    @work(thread=True, exclusive=True, group="picker-counts", exit_on_error=False)
    def _count(self) -> None:
        try:
            counts = self.load_counts() if self.load_counts else {}
        except Exception:  # counts are a help, never a reason to fail
            counts = {}
        self.post_message(self.CountsReady(counts))

    @on(CountsReady)
    def _counts_ready(self, message: CountsReady) -> None:
        self.counts = message.counts
        self.query_one("#picker-help", Static).update(f"{self.help_text}\n{t('picker.counts', self.ui_lang)}")
        self._fill()

    def _prompt(self, item: PickerItem) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append("✓ " if item.selected else "  ", style="bold")
        text.append(display_text(item.label), style="bold" if item.selected else "")
        if self.counts is not None and item.value is not None:
            text.append(f"  ({number(self.counts.get(item.value, 0), self.ui_lang)})")
        return text

    def _fill(self) -> None:
        choices = self.query_one("#choices", OptionList)
        keep = choices.highlighted_option.id if choices.highlighted_option else None
        query = fold(self.query_one("#narrow", Input).value).strip()
        options: list[Option] = []
        group = None
        for index, item in enumerate(self.items):
            if query and query not in fold(item.label):
                continue
            if item.group and item.group != group:
                group = item.group
                options.append(Option(Text(display_text(item.group), style="bold underline"), disabled=True))
            options.append(Option(self._prompt(item), id=f"item-{index}"))
        choices.set_options(options)
        if keep is None and not query:  # first fill: start on the value already chosen
            keep = next((f"item-{i}" for i, item in enumerate(self.items) if item.selected), None)
        first = target = None
        for position, option in enumerate(options):
            if option.disabled:
                continue
            if first is None:
                first = position
            if keep is not None and option.id == keep:
                target = position
                break
        choices.highlighted = target if target is not None else first

    @on(Input.Changed, "#narrow")
    def _narrowed(self, event: Input.Changed) -> None:
        event.stop()
        choices = self.query_one("#choices", OptionList)
        choices.highlighted = None
        self._fill()

    @on(Input.Submitted, "#narrow")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(OptionList.OptionSelected, "#choices")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id)

    def action_move(self, step: int) -> None:
        choices = self.query_one("#choices", OptionList)
        action = choices.action_cursor_down if step > 0 else choices.action_cursor_up
        for _ in range(abs(step)):
            action()

    def action_confirm(self) -> None:
        option = self.query_one("#choices", OptionList).highlighted_option
        if option is not None and not option.disabled:
            self._choose(option.id)

    def _choose(self, option_id: str | None) -> None:
        if not option_id or not option_id.startswith("item-"):
            return
        self.dismiss(Choice(self.items[int(option_id[5:])].value))

    def action_close(self) -> None:
        self.dismiss(None)
