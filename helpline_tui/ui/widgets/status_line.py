"""One line under the filters: "100 of 1,741 · near Yonkers, NY", "Searching…", or a filter problem."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from helpline_tui.core import days
from helpline_tui.core.search import SearchPage
from helpline_tui.i18n import number, t


class StatusLine(Static):
    """Always one line across the screen, so a new text never needs a re-layout of the screen."""

    def show_page(self, page: SearchPage, lang: str) -> None:
        self.set_class(False, "-error")
        text = Text(no_wrap=True, overflow="ellipsis")
        if page.total == 0:
            text.append(t("status.no_results", lang))
        else:
            text.append(t("status.count", lang, shown=number(len(page.hits), lang), total=number(page.total, lang)))
        for day in page.days:  # "hoy" is said as the day it was taken for: "lunes"
            text.append(" · " + days.label(day, lang))
        if page.place is not None:
            text.append(" · " + t("status.near", lang, place=page.place.label))
        elif page.nearest_to is not None:
            text.append(" · " + t("status.nearest_to", lang, place=page.nearest_to.label))
        if page.words_not_found:
            # The handler must see that some words were left out, not read the list as a match.
            text.append(" · " + t("status.not_found", lang, words=", ".join(page.words_not_found)), style="bold")
        elif not page.every_word:
            text.append(" · " + t("status.not_every_word", lang), style="bold")
        self.update(text, layout=False)

    def show_searching(self, lang: str) -> None:
        self.set_class(False, "-error")
        self.update(t("status.searching", lang), layout=False)

    def show_error(self, message: str, lang: str, filter_error: bool = True) -> None:
        self.set_class(True, "-error")
        key = "status.filter_error" if filter_error else "search.failed"
        self.update(Text("! " + t(key, lang, message=message) if filter_error else "! " + t(key, lang, error=message),
                         no_wrap=True, overflow="ellipsis"), layout=False)
