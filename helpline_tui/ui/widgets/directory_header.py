"""The top of every screen: which directory is open (a DEMO badge on demo data), whether the call
tally is on (and the needs marked "nothing suitable" in this call), and the national lines, always
in view."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from helpline_tui.core.display import display_text
from helpline_tui.core.live_directory import DirectorySummary
from helpline_tui.i18n import t, tn

SEP = " · "
MIN_NAME = 8  # a file name shorter than this once cut says nothing: it is left out instead


class DirectoryHeader(Widget):
    _shown: tuple[DirectorySummary, str, str | None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="directory-line"):
            yield Static(id="directory-info")
            yield Static(id="demo-badge")
        yield Static(id="national-lines")

    def show(self, summary: DirectorySummary, lang: str, tally: str | None = None) -> None:
        """The DEMO badge, the number of services, the update date and `tally` (what the header says
        of the call tally, None when it is off) always stay whole; a file name too long for the line
        is what is shortened ("national-directory-202…")."""
        self._shown = (summary, lang, tally)
        badge_text = t("header.demo", lang)
        facts = tn("header.services", summary.total, lang)
        if summary.updated and not summary.demo:
            facts += SEP + t("header.updated", lang, date=summary.updated[:10])
        tally = tally or ""
        title = t("app.title", lang)
        name = display_text(summary.path.name)  # a file name may hold anything, ESC included
        room = self.size.width  # 0 before the first layout: on_resize comes back here
        if room:
            room -= 2  # the info's padding
            if summary.demo:
                room -= cell_len(badge_text) + 2
            name_room = room - cell_len(title + SEP + SEP + facts + (SEP + tally if tally else ""))
            if cell_len(name) > name_room:
                name = name[:name_room - 1] + "…" if name_room > MIN_NAME else ""
            # Then what the tally says, rather than the badge or the count ("nothing suitable: Hous…")
            tally_room = room - cell_len(title + SEP + facts + SEP) - (cell_len(name + SEP) if name else 0)
            if tally and cell_len(tally) > tally_room:
                tally = tally[:tally_room - 1] + "…" if tally_room > MIN_NAME else ""
        if tally:
            facts += SEP + tally
        info = Text(no_wrap=True, overflow="ellipsis")
        info.append(title, style="bold")
        info.append(SEP + (name + SEP if name else ""))
        info.append(facts)
        self.query_one("#directory-info", Static).update(info)
        badge = self.query_one("#demo-badge", Static)
        badge.display = summary.demo
        badge.update(Text(badge_text, no_wrap=True, overflow="ellipsis"))
        self.query_one("#national-lines", Static).update(
            Text(t("header.national", lang), no_wrap=True, overflow="ellipsis"))

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)
