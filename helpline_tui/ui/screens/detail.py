"""A service's page: every field, phones first, today's hours and whether it is open now.
Escape goes back to the results with the same row highlighted."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static

from helpline_tui.core import zones
from helpline_tui.core.directory import get_record
from helpline_tui.core.search import Hit
from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui.messages import ToggleReferral
from helpline_tui.ui.render import detail_text
from helpline_tui.ui.screens.base import HelplineScreen
from helpline_tui.ui.widgets.directory_header import DirectoryHeader


class DetailScreen(HelplineScreen):
    SCOPE = "detail"
    BINDINGS = commands.bindings("detail")

    class Loaded(Message):
        def __init__(self, record: dict[str, Any] | None) -> None:
            super().__init__()
            self.record = record

    def __init__(self, hit: Hit) -> None:
        super().__init__(id="detail-screen")
        self.hit = hit
        self.record_id: str = hit.record["id"]
        self.record: dict[str, Any] | None = None
        self.missing = False

    def compose(self) -> ComposeResult:
        yield DirectoryHeader(id="header")
        with VerticalScroll(id="detail-scroll"):
            yield Static(t("detail.loading", self.ui_lang), id="detail-body")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "referrals", lambda _r: self.relabel(), init=False)
        self.query_one("#detail-scroll").focus()
        self._load()

    def _directory_changed(self, generation: int) -> None:
        self._load()  # the page follows the new directory

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False)
    def _load(self) -> None:
        directory = self.helpline.directory
        with directory.lock:
            record = get_record(directory.conn, self.record_id)
            if record is not None:  # the zone its hours are read in (its ZIP's, state's, or where searched)
                record["time_zone"] = zones.record_zone(directory.conn, record, self.hit.searched_place)
        self.post_message(self.Loaded(record))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.record is None:
            self.missing = True
        else:
            self.record, self.missing = message.record, False
        self.relabel()

    def relabel(self) -> None:
        super().relabel()
        body = self.query_one("#detail-body", Static)
        if self.record is None:
            body.update(t("detail.missing" if self.missing else "detail.loading", self.ui_lang))
            return
        in_list = self.record_id in self.helpline.referral_ids
        body.update(detail_text(self.record, self.ui_lang, self.helpline.now(), in_list,
                                commands.first_key_display(self.app, "add_referral"), self.hit))

    def action_toggle_referral(self) -> None:
        name = (self.record or self.hit.record).get("name") or ""
        self.post_message(ToggleReferral(self.record_id, name))

    def action_back(self) -> None:
        self.app.pop_screen()
