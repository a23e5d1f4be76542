"""The call-handler app: search as you type over the local directory."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from helpline_tui.core.directory import is_demo, open_readonly
from helpline_tui.core.search import Filters, SearchPage, search

NATIONAL_LINES = "SAMHSA National Helpline 1-800-662-4357 · Suicide & Crisis Lifeline 988"


class HelplineApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "helpline"
    BINDINGS = [Binding("f10", "quit", "Quit", id="quit"), Binding("escape", "focus_search", "Search", show=False)]

    def __init__(self, db_path: Path, lang: str = "en", theme_name: str | None = None):
        super().__init__()
        self.db_path = Path(db_path)
        self.lang = lang
        self.conn = open_readonly(self.db_path)
        self.demo = is_demo(self.conn)
        if theme_name:
            self.theme = theme_name

    def compose(self) -> ComposeResult:
        yield Header()
        banner = ("DEMO DATA — fictional services · " if self.demo else "") + NATIONAL_LINES
        yield Static(banner, id="banner", classes="demo" if self.demo else "")
        yield Input(placeholder="Search: name, need, city, phone…", id="search")
        yield Static("", id="count")
        yield OptionList(id="results")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = str(self.db_path)
        self.query_one("#search", Input).focus()
        self.run_search("")

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        self.run_search(event.value)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def run_search(self, text: str) -> None:
        page = search(self.conn, text, Filters(), limit=100)
        self.call_from_thread(self.show_results, page)

    def show_results(self, page: SearchPage) -> None:
        results = self.query_one("#results", OptionList)
        results.clear_options()
        options = []
        for hit in page.hits:
            r = hit.record
            line = Text(r["name"], style="bold")  # Text(), never markup: data is shown literally
            place = ", ".join(x for x in (r["city"], r["state"]) if x)
            line.append(f"\n  {place} · {r['phone'] or r['intake_phone'] or 'no phone'}")
            options.append(Option(line, id=r["id"]))
        results.add_options(options)
        self.query_one("#count", Static).update(f"{len(page.hits)} of {page.total}")

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()
