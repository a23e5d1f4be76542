"""The call-handler app. It owns what belongs to the call (the referral list and the note, cleared by
End call), the interface language, the theme and the open directory, which it reopens when an import
replaces the file. Screens post messages up to it; it pushes state down through reactives the screens
watch."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App
from textual.command import CommandPalette
from textual.widgets.option_list import Option
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.reactive import var

from helpline_tui import config as config_mod
from helpline_tui import paths
from helpline_tui.core import matched, tally
from helpline_tui.core.directory import DirectoryError, get_record
from helpline_tui.core.live_directory import LiveDirectory
from helpline_tui.i18n import normalise_ui_language, number, t
from helpline_tui.ui import commands, themes
from helpline_tui.ui.messages import OpenService, ToggleReferral

POLL_SECONDS = 1.5
CONFIRMATION_SECONDS = 3  # "Added to the referral list: …": long enough to read, short enough not to sit on a row


class HelplineApp(App):
    CSS_PATH = "app.tcss"
    TITLE = "helpline"
    BINDINGS = commands.bindings("app")
    COMMANDS = {commands.HelplineCommands}
    NOTIFICATION_TIMEOUT = 6

    ui_lang: var[str] = var("en", init=False)
    slip_lang: var[str] = var("en", init=False)
    referrals: var[tuple[dict[str, Any], ...]] = var((), init=False)
    directory_generation: var[int] = var(1, init=False)

    class ReferralLoaded(Message):
        def __init__(self, record: dict[str, Any] | None, record_id: str, name: str) -> None:
            super().__init__()
            self.record = record
            self.record_id = record_id
            self.name = name

    class DirectoryReopened(Message):
        def __init__(self, error: str | None, referrals: tuple[dict[str, Any], ...] | None = None) -> None:
            super().__init__()
            self.error = error
            self.referrals = referrals

    def __init__(self, db_path: str | Path, lang: str | None = None, theme_name: str | None = None, *,
                 config: config_mod.Config | None = None, clock: Callable[[], dt.datetime] | None = None,
                 blink_cursor: bool = True, poll_seconds: float = POLL_SECONDS,
                 tally_path: str | Path | None = None) -> None:
        super().__init__()
        self.config = config if config is not None else config_mod.load()
        self.config_path = self.config.path or paths.config_file()
        self.keymap: dict[str, str] = dict(self.config.keys)
        self.clock = clock
        self.blink_cursor = blink_cursor
        self.poll_seconds = poll_seconds
        self.directory = LiveDirectory(db_path)
        self.note = ""
        self.referral_matches: dict[str, tuple[tuple[str, str], ...]] = {}  # by record id: see _asked_now
        self.saved_slips: list[tuple[Path, bool]] = []  # this call's, which outlive it; holding the note
        self._reopening = False
        # The call tally (core/tally.py): on when the settings turn it on or --tally names a file.
        settings = self.config.tally
        self.tally_settings = settings
        self.tally_path = Path(tally_path) if tally_path else (settings.path or tally.default_path())
        self._tally_wanted = bool(tally_path) or settings.enabled
        self.tally_writer: tally.TallyWriter | None = None
        self.call_tally: tally.CallTally | None = None
        self._confirmation: Notification | None = None
        self.set_reactive(HelplineApp.ui_lang, normalise_ui_language(lang or self.config.ui_language))
        self.set_reactive(HelplineApp.slip_lang, self.default_slip_lang)
        self.register_theme(themes.HIGH_CONTRAST)
        requested = theme_name or self.config.theme
        resolved = themes.resolve(requested)
        self._theme_warning = None if resolved else requested
        self.theme = resolved or themes.DEFAULT

    # ---- start-up -----------------------------------------------------------------------------
    def get_default_screen(self):
        from helpline_tui.ui.screens.search import SearchScreen

        return SearchScreen()

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        commands.translate_bindings(self, self.ui_lang)
        if self.config.error:
            self.notify(t("config.error", self.ui_lang, error=self.config.error), severity="warning", markup=False)
        if self._theme_warning:
            self.notify(t("theme.unknown", self.ui_lang, name=self._theme_warning, fallback=self.theme),
                        severity="warning", markup=False)
        self.set_interval(self.poll_seconds, self._poll_directory, name="directory-poll")
        if self._tally_wanted:
            self._open_tally()

    # ---- the call tally ---------------------------------------------------------------------------
    def _open_tally(self) -> None:
        try:
            self.tally_writer = tally.TallyWriter(self.tally_path, self.directory.path)
        except tally.TallyError as exc:
            self.notify(t("tally.error", self.ui_lang, error=str(exc)), severity="warning", markup=False)
            return
        self.call_tally = tally.CallTally()
        self.refresh_tally_header()

    @property
    def tally_on(self) -> bool:
        return self.call_tally is not None

    def tally_read(self, reading: tally.SearchReading | None) -> None:
        """A search painted on screen: what it read joins the call (see CallTally.read)."""
        if self.call_tally is not None and reading is not None:
            self.call_tally.read(reading)

    def tally_header(self) -> str | None:
        """What the header says of the tally: None when it is off."""
        if self.call_tally is None:
            return None
        marked = dict.fromkeys(need for need, _ in self.call_tally.nothing_suitable)
        if not marked:
            return t("header.tally", self.ui_lang)
        return t("header.tally_unmet", self.ui_lang, needs=tally.need_labels(marked, self.ui_lang))

    def refresh_tally_header(self) -> None:
        from helpline_tui.ui.widgets.directory_header import DirectoryHeader

        for screen in self.screen_stack:
            for header in screen.query(DirectoryHeader):
                header.show(self.directory.summary, self.ui_lang, self.tally_header())

    def action_mark_nothing_suitable(self) -> None:
        if self.call_tally is None:
            self.notify(t("tally.off", self.ui_lang), markup=False)
            return
        marked = self.call_tally.mark_nothing_suitable()
        if not marked:
            self.notify(t("tally.no_need", self.ui_lang), markup=False)
            return
        self.confirm(t("tally.marked", self.ui_lang, needs=tally.need_labels(marked, self.ui_lang)))
        self.refresh_tally_header()

    def _record_call(self) -> None:
        """The ended call into the tally: queued for the writer's thread, so the next call waits for nothing."""
        if self.call_tally is None or self.tally_writer is None:
            return
        row = self.call_tally.finish(self.referrals, self.ui_lang, self.now(), self.tally_settings.zone,
                                     self.tally_settings.seat)
        self.tally_writer.record(row)
        self.call_tally = tally.CallTally()
        if self.tally_writer.error:
            error, self.tally_writer.error = self.tally_writer.error, None
            self.notify(t("tally.error", self.ui_lang, error=error), severity="warning", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark_nothing_suitable":
            return self.call_tally is not None  # no key, footer entry or palette entry with the tally off
        return True

    def action_show_reports(self) -> None:
        from helpline_tui.ui.screens.reports import ReportsScreen

        if not isinstance(self.screen, ReportsScreen):
            self.push_screen(ReportsScreen())

    def now(self) -> dt.datetime:
        """The clock used for open-now and slip dates (tests inject a fixed one)."""
        return self.clock() if self.clock else dt.datetime.now().astimezone()

    def referral_folder(self) -> Path:
        if self.config.referral_folder is not None:
            return self.config.referral_folder
        return paths.writable_folder(paths.referral_folders())

    @property
    def search_screen(self):
        from helpline_tui.ui.screens.search import SearchScreen

        return next(s for s in self.screen_stack if isinstance(s, SearchScreen))

    # ---- language, theme, palette, help ---------------------------------------------------------
    @property
    def default_slip_lang(self) -> str:
        """The settings file's slip language, else the interface's (a Spanish-speaking volunteer
        who switches to Spanish wants Spanish slips)."""
        return normalise_ui_language(self.config.slip_language or self.ui_lang)

    def watch_ui_lang(self, lang: str) -> None:
        commands.translate_bindings(self, lang)
        self.slip_lang = self.default_slip_lang

    def action_toggle_language(self) -> None:
        self.ui_lang = "es" if self.ui_lang == "en" else "en"
        self.notify(t("language.set", self.ui_lang))

    def theme_choices(self) -> list[str]:
        return list(themes.CYCLE) + sorted(n for n in self.available_themes if n not in themes.CYCLE)

    def apply_theme(self, name: str) -> None:
        self.theme = name

    def action_cycle_theme(self) -> None:
        self.theme = themes.next_theme(self.theme)
        self.notify(t("theme.set", self.ui_lang, name=self.theme), markup=False)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(HelplinePalette(t("palette.no_matches", self.ui_lang),
                                             placeholder=t("palette.placeholder", self.ui_lang),
                                             id="--command-palette"))

    async def run_on_screen_of(self, scope: str, action: str) -> None:
        """Run a screen's action from the palette of another screen: open that screen, then run it."""
        from helpline_tui.ui.screens.referral import ReferralScreen

        screens = {"referral": ReferralScreen}
        if not isinstance(self.screen, screens[scope]):
            await self.push_screen(screens[scope]())
        await self.run_action(action, self.screen)

    def get_key_display(self, binding) -> str:
        if binding.key in commands.KEYS_NAMED_PER_LANGUAGE:
            return t(f"key.{binding.key}", self.ui_lang)
        display = super().get_key_display(binding)
        return display.upper() if len(display) <= 3 and display[:1] == "f" and display[1:].isdigit() else display

    def action_help_quit(self) -> None:
        """Ctrl+C (a reflex) does not quit: say which key does, in the interface language."""
        self.notify(t("quit.hint", self.ui_lang, key=commands.first_key_display(self, "quit")), markup=False)

    def get_system_commands(self, screen):
        return iter(())  # the registry provider offers quit, help and themes, translated

    def action_show_help(self) -> None:
        from helpline_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    # ---- confirmations ----------------------------------------------------------------------------
    def confirm(self, message: str) -> None:
        """Confirm what the handler just did (a service added or removed) without covering what
        they are reading out. A screen with its own status line (the referral list and slip) shows it
        there; elsewhere one short notice replaces the previous one, so confirmations never pile up."""
        self.withdraw_confirmation()
        show = getattr(self.screen, "show_confirmation", None)
        if show is not None:
            show(message)
            return
        notification = Notification(message, timeout=CONFIRMATION_SECONDS, markup=False)
        self._confirmation = notification
        self.post_message(Notify(notification))

    def _on_notify(self, event: Notify) -> None:
        # At most one notice at a time: a new one replaces whatever is showing, so notices never
        # pile up over the screen (five "Call ended" over a picker). Screens that must stay
        # uncovered (pickers, dialogs, help, the slip) hide their notices in app.tcss; a notice
        # still fresh when such a screen closes shows then.
        self._notifications.clear()
        super()._on_notify(event)

    def withdraw_confirmation(self) -> None:
        """Take the last confirmation notice off the screen (or stop it before it shows)."""
        notification, self._confirmation = self._confirmation, None
        if notification is not None:
            notification.timeout = 0  # a notice still on its way is dropped as expired
            self._unnotify(notification)  # Textual has no public call to remove one notice

    # ---- services and the referral list ---------------------------------------------------------
    @on(OpenService)
    def _open_service(self, message: OpenService) -> None:
        self.open_service(message.hit)

    def open_service(self, hit) -> None:
        from helpline_tui.ui.screens.detail import DetailScreen

        self.push_screen(DetailScreen(hit))

    @property
    def referral_ids(self) -> set[str]:
        return {rec["id"] for rec in self.referrals}

    @on(ToggleReferral)
    def _toggle_referral(self, message: ToggleReferral) -> None:
        if message.record_id in self.referral_ids:
            self.remove_referral(message.record_id)
        else:
            self._load_referral(message.record_id, message.name)

    @work(thread=True, group="referral", exit_on_error=False)
    def _load_referral(self, record_id: str, name: str) -> None:
        with self.directory.lock:
            record = get_record(self.directory.conn, record_id)
        self.post_message(self.ReferralLoaded(record, record_id, name))

    @on(ReferralLoaded)
    def _referral_loaded(self, message: ReferralLoaded) -> None:
        if message.record is None or message.record_id in self.referral_ids:
            return
        self.referrals = (*self.referrals, message.record)
        if self.call_tally is not None:
            self.call_tally.settle()  # the search a service was added from is part of the call
        self.referral_matches[message.record_id] = self._asked_now(message.record)
        self.confirm(t("referral.added", self.ui_lang, name=message.name))

    def _asked_now(self, record: dict[str, Any]) -> tuple[tuple[str, str], ...]:
        """What the search the service was added from asked for that it has: said on the slip."""
        page = self.search_screen.page
        if page is None or page.plan is None:
            return ()
        shown = next((h.matched for h in page.hits if h.record["id"] == record["id"]), None)
        if shown is not None:
            return shown  # as its row said it (a fellowship is known from the search's index tags)
        return matched.held(record, matched.asked(page.plan.groups, page.filters.needs, page.filters.lang))

    def remove_referral(self, record_id: str) -> None:
        removed = [rec for rec in self.referrals if rec["id"] == record_id]
        self.referrals = tuple(rec for rec in self.referrals if rec["id"] != record_id)
        if removed:
            self.confirm(t("referral.removed", self.ui_lang, name=removed[0].get("name") or ""))

    def action_show_referral(self) -> None:
        from helpline_tui.ui.screens.referral import ReferralScreen

        if not isinstance(self.screen, ReferralScreen):
            self.push_screen(ReferralScreen())

    # ---- end of call ----------------------------------------------------------------------------
    def action_end_call(self) -> None:
        from helpline_tui.ui.screens.end_call import ConfirmEndCall

        if isinstance(self.screen, ConfirmEndCall):
            return
        if self.referrals or self.note.strip():
            self.push_screen(ConfirmEndCall(len(self.referrals), self.saved_slips, self.config.keep_notes),
                             callback=self._end_call_confirmed)
        else:
            self.end_call_now()

    def _end_call_confirmed(self, confirmed: bool | None) -> None:
        if confirmed:
            self.end_call_now()

    def end_call_now(self) -> None:
        """Forget everything about the call: search words, filters, referral list, note. The search
        screen is reset at once, not after a refresh: the next call's first letters, typed right
        after F10 (or F10, Enter), land in the empty box instead of being wiped with the old words.
        With the tally on, the call's needs and outcomes are queued for it first (core/tally.py)."""
        self._record_call()
        self.referrals = ()
        self.referral_matches = {}
        self.saved_slips = []
        self.note = ""
        self.slip_lang = self.default_slip_lang
        search_screen = self.search_screen
        while len(self.screen_stack) > 1:
            self.pop_screen()
        search_screen.reset_call()
        self.notify(t("endcall.done", self.ui_lang))
        self.refresh_tally_header()

    # ---- live directory -------------------------------------------------------------------------
    def _poll_directory(self) -> None:
        if not self._reopening and self.directory.changed():
            self._reopening = True
            self._reopen_directory()

    @work(thread=True, exclusive=True, group="directory", exit_on_error=False)
    def _reopen_directory(self) -> None:
        try:
            self.directory.reopen()
        except (DirectoryError, sqlite3.Error) as exc:
            self.post_message(self.DirectoryReopened(str(exc)))
            return
        refreshed = []
        with self.directory.lock:
            for rec in self.referrals:
                refreshed.append(get_record(self.directory.conn, rec["id"]) or rec)
        self.post_message(self.DirectoryReopened(None, tuple(refreshed)))

    @on(DirectoryReopened)
    def _directory_reopened(self, message: DirectoryReopened) -> None:
        self._reopening = False
        if message.error:
            self.notify(t("reload.failed", self.ui_lang, error=message.error), severity="warning", markup=False)
            return
        if message.referrals is not None:
            current = self.referral_ids
            self.referrals = tuple(rec for rec in message.referrals if rec["id"] in current)
        self.directory_generation = self.directory.generation
        self.notify(t("reload.done", self.ui_lang, n=number(self.directory.summary.total, self.ui_lang)))

    def on_worker_state_changed(self, event) -> None:
        from helpline_tui.ui.screens.base import report_worker_error

        report_worker_error(self, event)

    def on_unmount(self) -> None:
        self.directory.close()
        if self.tally_writer is not None:
            self.tally_writer.close()  # the calls queued are written before the app exits


class HelplinePalette(CommandPalette):
    """Textual's palette, saying "No matches found" in the interface language. Textual has no setting
    for that text: it is written in `_start_no_matches_countdown`, replaced here with the same steps."""

    def __init__(self, no_matches: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.no_matches = no_matches

    def _start_no_matches_countdown(self, search_value: str) -> None:
        from rich.align import Align
        from rich.text import Text
        from textual.command import CommandList

        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:  # an empty search is discovery: nothing to say
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(self.no_matches, style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
