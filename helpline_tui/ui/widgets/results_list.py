"""The results: at most 100 two-line rows, the highlight kept (by record id) across refreshes.
Up on the first row posts `EscapeTop` so the screen can put the cursor back in the search box."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from helpline_tui.core.search import Hit, SearchPage
from helpline_tui.ui.render import result_row

MAX_ROWS = 100


class ResultsList(OptionList):
    BINDINGS = [Binding("up", "up_or_escape", show=False)]

    class EscapeTop(Message):
        """Up was pressed on the first row."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hits: list[Hit] = []

    def show_page(self, page: SearchPage, lang: str, referral_ids: set[str], keep_id: str | None) -> None:
        self.hits = page.hits[:MAX_ROWS]
        self._render_rows(lang, referral_ids, keep_id)

    def refresh_rows(self, lang: str, referral_ids: set[str]) -> None:
        """Same hits, new labels or ✓ marks (language switch, referral list change)."""
        self._render_rows(lang, referral_ids, self.highlighted_id)

    def _render_rows(self, lang: str, referral_ids: set[str], keep_id: str | None) -> None:
        options = [Option(result_row(hit, lang, hit.record["id"] in referral_ids), id=hit.record["id"])
                   for hit in self.hits]
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            index = 0 if options else None
            if keep_id is not None:
                for i, hit in enumerate(self.hits):
                    if hit.record["id"] == keep_id:
                        index = i
                        break
            self.highlighted = index

    @property
    def highlighted_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    @property
    def highlighted_hit(self) -> Hit | None:
        if self.highlighted is None or self.highlighted >= len(self.hits):
            return None
        return self.hits[self.highlighted]

    def action_up_or_escape(self) -> None:
        if not self.highlighted:
            self.post_message(self.EscapeTop())
        else:
            self.action_cursor_up()
