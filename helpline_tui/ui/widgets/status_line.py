"""One line under the filters: "100 of 1,741 · near Yonkers, NY", or a filter problem."""

from __future__ import annotations

from rich.text import Text
from textual._context import NoActiveAppError
from textual.widgets import Static

from helpline_tui.core import days
from helpline_tui.core.search import SearchPage
from helpline_tui.ui import commands
from helpline_tui.i18n import miles, number, t


class StatusLine(Static):
    """Always one line across the screen, so a new text never needs a re-layout of the screen.

    The words no listed service has are what the handler must not miss: when the line is too narrow
    for everything, the place is said shorter ("nearest: Yonkers, NY"), then after the warning, so
    that what is cut (with "…") is the end of the place, never the warning."""

    _page: tuple[SearchPage, str] | None = None  # the page shown, to fit it again on a resize

    def show_page(self, page: SearchPage, lang: str) -> None:
        self._page = (page, lang)
        self.set_class(False, "-error")
        room = self.content_size.width  # 0 before the first layout: on_resize comes back here
        for short_place, warning_first in ((False, False), (True, False), (True, True)):
            text = self._page_text(page, lang, short_place, warning_first, self._other_reading_key())
            if not room or text.cell_len <= room:
                break
        self.update(text, layout=False)

    @staticmethod
    def _page_text(page: SearchPage, lang: str, short_place: bool, warning_first: bool,
                   other_reading_key: str = "") -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if page.total == 0:
            text.append(t("status.no_results", lang))
        else:
            text.append(t("status.count", lang, shown=number(len(page.hits), lang), total=number(page.total, lang)))
        for day in page.days:  # "hoy" is said as the day it was taken for, and where: "lunes en Santa Ana, CA"
            text.append(" · " + days.label_where(day, page.today, lang))

        place = ""
        shown_place = page.place or page.nearest_to
        label = shown_place.label if shown_place else ""
        if page.place_read_from:  # "near Philadelphia, PA (from 'philly')": how the query's place was read
            label = t("status.read_from", lang, place=label, words=page.place_read_from)
        if page.place is not None:
            place = t("status.near", lang, place=label)
        elif page.nearest_to is not None:
            key = "status.nearest_to_short" if short_place else "status.nearest_to"
            if page.nearest_miles is not None:  # read aloud: how far the nearest is
                key = "status.nearest_at_short" if short_place else "status.nearest_at"
            place = t(key, lang, place=label, miles=miles(round(page.nearest_miles or 0, 1), lang))
        warning = ""
        if page.fellowship_missing:  # "no NA groups here: AA shown" before any other word not found
            warning = t("status.fellowship_missing", lang, fellowship=page.fellowship_missing,
                        others=", ".join(page.fellowships_offered) or t("status.other_groups", lang))
        elif page.words_not_found:
            # The handler must see that some words were left out, not read the list as a match.
            warning = t("status.not_found", lang, words=", ".join(page.words_not_found))
        elif not page.every_word:
            warning = t("status.not_every_word", lang)
        parts = [(warning, "bold"), (place, "")] if warning_first else [(place, ""), (warning, "bold")]
        for part, style in parts:
            if part:
                text.append(" · " + part, style=style)
        if page.other_reading and other_reading_key:  # before the advice: it may be the caller's place
            text.append(" · " + t(f"status.other_reading.{page.other_reading}", lang, key=other_reading_key,
                                  words=page.other_reading_words))
        if page.needs_a_place:
            text.append(" · " + t("status.add_place", lang), style="italic")
        # "read as Help paying rent": what the words were taken to ask for, when narrower than a
        # need (a need is plain from the rows); last, so the first said to go when room is short.
        narrower = [c.label(lang) for c in page.concepts_read if not c.is_its_need]
        if narrower:
            text.append(" · " + t("status.concepts_read", lang, concepts=", ".join(narrower)))
        return text

    def _other_reading_key(self) -> str:
        try:
            return commands.first_key_display(self.app, "other_reading")
        except NoActiveAppError:  # a widget measured alone: the key is left unsaid
            return ""

    def on_resize(self) -> None:
        if self._page is not None:
            self.show_page(*self._page)

    def show_error(self, message: str, lang: str, filter_error: bool = True) -> None:
        self._page = None
        self.set_class(True, "-error")
        key = "status.filter_error" if filter_error else "search.failed"
        self.update(Text("! " + t(key, lang, message=message) if filter_error else "! " + t(key, lang, error=message),
                         no_wrap=True, overflow="ellipsis"), layout=False)
