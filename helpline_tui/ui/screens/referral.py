"""The call's referral list and its slip: remove services, write a note, switch the slip between
English and Spanish, copy it (OSC 52) and save it as .txt or printable .html. The slip text is
always on screen, so it can be read out or selected even where the clipboard does not work.
What the handler just did (copied, saved, removed) is confirmed in the status line under the slip,
never in a notice over it: the handler may be reading the slip out to the caller."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from helpline_tui.core import referral
from helpline_tui.core.display import display_text
from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui.render import best_phone, fit_path
from helpline_tui.ui.screens.base import HelplineScreen
from helpline_tui.ui.widgets.directory_header import DirectoryHeader
from helpline_tui.ui.widgets.text_input import TextInput


class ReferralScreen(HelplineScreen):
    SCOPE = "referral"
    BINDINGS = commands.bindings("referral")

    class Saved(Message):
        def __init__(self, path: Path | None, error: str | None = None, shared: bool = False) -> None:
            super().__init__()
            self.path = path
            self.error = error
            self.shared = shared  # saved in a folder other users can open

    def __init__(self) -> None:
        super().__init__(id="referral-screen")
        # What the status line says, written for a width in the interface language, and whether it
        # reports a failure; None: the help line.
        self._notice: tuple[Callable[[int], str], bool] | None = None
        self._notice_in_one_language = False  # a message given as a string cannot follow F7
        self._typing_note = False  # printable keys go to the note until it is left

    def compose(self) -> ComposeResult:
        yield DirectoryHeader(id="header")
        yield Static(id="referral-title")
        yield OptionList(id="referral-items")
        yield TextInput(value=self.helpline.note, id="note", select_on_focus=False)
        with VerticalScroll(id="slip-scroll"):
            yield Static(id="slip-text")
        yield Static(id="referral-status")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.helpline.withdraw_confirmation()  # "Added: …" is in the list now; nothing covers the slip
        self.watch(self.app, "referrals", lambda _r: self.relabel(), init=False)
        self.watch(self.app, "slip_lang", lambda _l: self.relabel(), init=False)
        items = self.query_one("#referral-items", OptionList)
        if self.focused is None:  # keys typed right after F6 may have put it in the note already
            self.set_focus(items if items.option_count else self.query_one("#slip-scroll"))

    # ---- what is shown -------------------------------------------------------------------------
    def slip_text(self, saved: bool = False) -> str:
        """`saved`: for a file, which holds the note only where the install keeps notes."""
        app = self.helpline
        return referral.slip_text(app.referrals, app.slip_lang, self._note(saved), app.now(),
                                  app.directory.summary.demo, app.referral_matches)

    def slip_html(self) -> str:  # only ever saved (printed from the file)
        app = self.helpline
        return referral.slip_html(app.referrals, app.slip_lang, self._note(True), app.now(),
                                  app.directory.summary.demo, app.referral_matches)

    def _note(self, saved: bool) -> str:
        return self.helpline.note if not saved or self.helpline.config.keep_notes else ""

    def relabel(self) -> None:
        super().relabel()
        app, lang = self.helpline, self.ui_lang
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append(t("referral.title", lang), style="bold")
        title.append(" · " + t("referral.count", lang, n=len(app.referrals)))
        title.append(" · " + t("referral.slip", lang, language=t(f"lang.{app.slip_lang}", lang)), style="bold")
        self.query_one("#referral-title", Static).update(title)

        items = self.query_one("#referral-items", OptionList)
        keep = items.highlighted
        options = []
        for rec in app.referrals:
            row = Text(no_wrap=True, overflow="ellipsis")
            row.append(display_text(rec.get("name") or ""), style="bold")
            phone = best_phone(rec)
            if phone:
                row.append(" · " + display_text(phone))
            options.append(Option(row, id=rec["id"]))
        items.set_options(options)
        if options:
            items.highlighted = min(keep or 0, len(options) - 1)
        items.display = bool(options)

        note = self.query_one("#note", Input)
        note.placeholder = t("referral.note_placeholder" if self.helpline.config.keep_notes
                             else "referral.note_placeholder_unsaved", lang)
        slip = Text(self.slip_text())  # plain Text: the directory's words are shown as written
        if not app.referrals:
            slip = Text(t("referral.empty", lang, key=commands.first_key_display(self.app, "add_referral")) + "\n\n") + slip
        self.query_one("#slip-text", Static).update(slip)
        self._show_status()

    def show_confirmation(self, message: str) -> None:
        """The app's confirmations (a service removed from the list), in the status line."""
        self._say(lambda _width: message)
        self._notice_in_one_language = True

    def _say(self, text_for: Callable[[int], str], error: bool = False) -> None:
        self._notice, self._notice_in_one_language = (text_for, error), False
        self._show_status()

    def _language_changed(self, lang: str) -> None:
        if self._notice_in_one_language:
            self._notice = None
        super()._language_changed(lang)

    def _show_status(self) -> None:
        status = self.query_one("#referral-status", Static)
        if self._notice is None:
            status.set_class(False, "-error")
            status.update(t("referral.help", self.ui_lang))
            return
        text_for, error = self._notice
        width = (status.content_region.width or self.app.size.width - 2) - (2 if error else 0)
        status.set_class(error, "-error")
        status.update(Text(("! " if error else "") + text_for(width), no_wrap=True, overflow="ellipsis"))

    def on_resize(self) -> None:
        self._show_status()  # a saved file's path is fitted to the width

    # ---- editing -------------------------------------------------------------------------------
    @on(Input.Changed, "#note")
    def _note_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.helpline.note = event.value
        self.query_one("#slip-text", Static).update(Text(self.slip_text()))

    @on(Input.Submitted, "#note")
    def _note_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#slip-scroll").focus()

    def on_key(self, event: events.Key) -> None:
        # A volunteer who starts typing the note while the list has the focus means the note:
        # a letter no key of this screen uses goes there, and every printable key after it, bound
        # or not ("n", "d"), until the note is left. Keys typed in one burst right after F6 reach
        # the screen before the focus has moved: a printable key arriving here while the note is
        # focused did not go through it (the note keeps its own keys), so it is the note's too.
        if not event.is_printable or not event.character:
            return
        note = self.query_one("#note", Input)
        typing = self._typing_note or self.focused is note
        if not typing and event.key in self.app.active_bindings:
            return
        event.stop()
        event.prevent_default()
        self._typing_note = True
        if self.focused is not note:
            self.set_focus(note)  # now: a later focus() would let the next keys of the burst go past
            note.cursor_position = len(note.value)
        note.insert_text_at_cursor(event.character)

    @on(Input.Blurred, "#note")
    def _note_left(self, _event: Input.Blurred) -> None:
        self._typing_note = False

    def action_edit_note(self) -> None:
        self.query_one("#note", Input).focus()

    def action_remove_referral(self) -> None:
        items = self.query_one("#referral-items", OptionList)
        option = items.highlighted_option
        if option is not None and option.id:
            self.helpline.remove_referral(option.id)

    def action_toggle_slip_language(self) -> None:
        self.helpline.slip_lang = "en" if self.helpline.slip_lang == "es" else "es"

    def action_back(self) -> None:
        self.app.pop_screen()

    # ---- copy and save -------------------------------------------------------------------------
    def action_copy_slip(self) -> None:
        self.app.copy_to_clipboard(self.slip_text())
        self._say(lambda _width: t("referral.copied", self.ui_lang,
                                   key=commands.first_key_display(self.app, "save_text")))

    def action_save_text(self) -> None:
        self._save(self.slip_text(saved=True), "txt")

    def action_save_html(self) -> None:
        self._save(self.slip_html(), "html")

    @work(thread=True, group="save-slip", exit_on_error=False)
    def _save(self, content: str, suffix: str) -> None:
        app = self.helpline
        try:
            folder = app.referral_folder()
            name = referral.slip_filename(app.slip_lang, app.now(), suffix)
            path = referral.save_slip(folder, content, name)
        except OSError as exc:  # the OS's words ("No space left on device"); nothing was left behind
            self.post_message(self.Saved(None, exc.strerror or str(exc)))
            return
        self.post_message(self.Saved(path, shared=referral.folder_open_to_others(path.parent)))

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        error = message.error or ""
        if message.path is None:
            self._say(lambda _width: t("referral.save_failed", self.ui_lang, error=error), error=True)
            return
        path = message.path
        # The end-call dialog says where they stay and whether they hold the note.
        self.helpline.saved_slips.append((path, bool(self._note(True).strip())))
        key = "referral.saved_shared" if message.shared else "referral.saved"

        def saved(width: int) -> str:
            # The file name must stay in view: the path gets what the words leave of the line.
            words = t(key, self.ui_lang, path="")
            return t(key, self.ui_lang, path=fit_path(path, width - len(words)))

        self._say(saved)
