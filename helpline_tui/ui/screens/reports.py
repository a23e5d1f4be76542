"""Ctrl+R, palette "Reports"/"Informes": the admin's view of the call tally, in the interface language.
This week's calls and this month's top unmet needs (with the county or state where they fall), read
from the tally file on a thread (a year of calls takes a moment), suppressed as `helpline report`
suppresses them. "Largest coverage gaps" (#coverage-gaps) comes from the directory itself
(core/coverage.largest_gaps, the same count as `helpline coverage`), also on a thread: the whole
country takes seconds the first time, and it is there whether or not the tally is on."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Static

from helpline_tui.core import coverage, report, tally
from helpline_tui.core.directory import open_readonly
from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui.screens.base import HelplineModal


GAP_RADIUS_MILES = 25  # `helpline coverage`'s default radius, so the screen and the command agree


class ReportsScreen(HelplineModal):
    BINDINGS = commands.bindings("dialog")

    class Loaded(Message):
        def __init__(self, summary: dict | None, error: str | None) -> None:
            super().__init__()
            self.summary = summary
            self.error = error

    class GapsLoaded(Message):
        def __init__(self, gaps: list[coverage.Gap]) -> None:
            super().__init__()
            self.gaps = gaps

    def __init__(self) -> None:
        super().__init__(id="reports")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="reports-dialog"):
            yield Static(Text(t("reports.title", self.ui_lang), style="bold"), classes="dialog-title")
            with VerticalScroll(id="reports-scroll"):
                yield Static(t("status.searching", self.ui_lang), id="reports-week")
                yield Static("", id="reports-unmet")
                yield Static(Text(t("reports.gaps", self.ui_lang), style="bold underline"), classes="reports-heading")
                yield Static(t("reports.gaps_empty", self.ui_lang), id="coverage-gaps")
            yield Static(t("reports.close", self.ui_lang), classes="dialog-help")

    def on_mount(self) -> None:
        commands.translate_bindings(self, self.ui_lang)
        self.query_one("#reports-scroll").focus()
        app = self.helpline
        self._load_gaps(app.directory.path)
        writer = app.tally_writer
        if not app.tally_on or writer is None:
            self.query_one("#reports-week", Static).update(t("reports.off", self.ui_lang))
            return
        writer.flush()  # the calls just ended count too
        self._load(app.tally_path, app.now().date(), app.tally_settings.min_cell)

    @work(thread=True, exclusive=True, group="reports", exit_on_error=False)
    def _load(self, path, today, min_cell: int) -> None:
        try:
            self.post_message(self.Loaded(report.summary_for_screen(path, today, min_cell), None))
        except report.ReportError as exc:
            self.post_message(self.Loaded(None, str(exc)))

    @work(thread=True, exclusive=True, group="coverage-gaps", exit_on_error=False)
    def _load_gaps(self, path) -> None:
        conn = open_readonly(path)  # its own connection: this thread is not the interface's
        try:
            self.post_message(self.GapsLoaded(coverage.largest_gaps(conn, radius_miles=GAP_RADIUS_MILES, limit=8)))
        finally:
            conn.close()

    def on_reports_screen_gaps_loaded(self, message: GapsLoaded) -> None:
        lang = self.ui_lang
        if not message.gaps:
            self.query_one("#coverage-gaps", Static).update(t("reports.gaps_none", lang, miles=GAP_RADIUS_MILES))
            return
        lines = [t("reports.gap_line", lang, need=tally.need_labels([gap.need], lang),
                   area=f"{gap.county}, {gap.state}" if gap.county else gap.state,
                   uncovered=gap.zips_uncovered, total=gap.people_zips, miles=GAP_RADIUS_MILES)
                 for gap in message.gaps]
        self.query_one("#coverage-gaps", Static).update("\n".join(lines))

    def on_reports_screen_loaded(self, message: Loaded) -> None:
        lang = self.ui_lang
        week = self.query_one("#reports-week", Static)
        if message.error or message.summary is None:
            week.update(t("tally.error", lang, error=message.error or ""))
            return
        summary = message.summary
        text = Text()
        text.append(t("reports.week", lang, day=summary["week_start"]), style="bold underline")
        text.append("\n  " + t("reports.calls", lang, n=summary["week_calls"]) + "\n")
        week.update(text)
        unmet = Text()
        unmet.append(t("reports.unmet", lang), style="bold underline")
        if not summary["unmet"]:
            unmet.append("\n  " + t("reports.no_unmet", lang))
        for need, n in summary["unmet"]:
            unmet.append(f"\n  {tally.need_labels([need], lang)}: {n}")
        for need, area, n in summary["unmet_areas"]:
            unmet.append(f"\n    {tally.need_labels([need], lang)}, {area}: {n}")
        unmet.append("\n\n" + t("reports.small", lang, n=self.helpline.tally_settings.min_cell) + "\n")
        self.query_one("#reports-unmet", Static).update(unmet)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(None)
