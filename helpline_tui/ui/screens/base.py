"""What every full screen shares: its bindings from the command registry (labels in the interface
language), the directory header, and a `relabel()` hook called when the language changes or the
directory is reopened."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from helpline_tui.i18n import t
from helpline_tui.ui import commands

if TYPE_CHECKING:
    from helpline_tui.ui.app import HelplineApp


def report_worker_error(node, event: Worker.StateChanged) -> None:
    """Workers run with exit_on_error=False: a failure is shown, never fatal during a call."""
    if event.state == WorkerState.ERROR:
        error = event.worker.error
        node.app.log.error(f"worker {event.worker.name!r} failed: {error!r}")
        node.app.notify(t("worker.failed", node.app.ui_lang, error=f"{type(error).__name__}: {error}"),
                        severity="error", markup=False)


class _HelplineParts:
    """What screens and dialogs share: the app, its interface language, worker errors shown."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_error(self, event)

    @property
    def helpline(self) -> HelplineApp:
        return self.app  # type: ignore[attr-defined]

    @property
    def ui_lang(self) -> str:
        return self.helpline.ui_lang


class HelplineScreen(_HelplineParts, Screen):
    SCOPE: ClassVar[str] = ""

    def on_mount(self) -> None:
        self.watch(self.app, "ui_lang", self._language_changed, init=False)
        self.watch(self.app, "directory_generation", self._directory_changed, init=False)
        commands.translate_bindings(self, self.ui_lang)
        self.relabel()

    def _language_changed(self, _lang: str) -> None:
        commands.translate_bindings(self, self.ui_lang)
        self.relabel()

    def _directory_changed(self, _generation: int) -> None:
        self.relabel()

    def relabel(self) -> None:
        """Write every label in the current language (and the header's directory facts)."""
        from helpline_tui.ui.widgets.directory_header import DirectoryHeader

        for header in self.query(DirectoryHeader):
            header.show(self.helpline.directory.summary, self.ui_lang, self.helpline.tally_header())


class HelplineModal(_HelplineParts, ModalScreen):
    """Dialogs: Escape closes them (returns None)."""
