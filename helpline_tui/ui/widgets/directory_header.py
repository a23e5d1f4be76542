"""The top of every screen: which directory is open (a DEMO badge on demo data) and the national
lines, always in view."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from helpline_tui.i18n import t, tn
from helpline_tui.ui.live_directory import DirectorySummary


class DirectoryHeader(Widget):
    def compose(self) -> ComposeResult:
        with Horizontal(id="directory-line"):
            yield Static(id="directory-info")
            yield Static(id="demo-badge")
        yield Static(id="national-lines")

    def show(self, summary: DirectorySummary, lang: str) -> None:
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(t("app.title", lang), style="bold")
        info.append(f" · {summary.path.name} · ")
        info.append(tn("header.services", summary.total, lang))
        if summary.updated and not summary.demo:
            info.append(" · " + t("header.updated", lang, date=summary.updated[:10]))
        self.query_one("#directory-info", Static).update(info)
        badge = self.query_one("#demo-badge", Static)
        badge.display = summary.demo
        badge.update(Text(t("header.demo", lang), no_wrap=True, overflow="ellipsis"))
        self.query_one("#national-lines", Static).update(
            Text(t("header.national", lang), no_wrap=True, overflow="ellipsis"))
