"""The results: at most 100 two-line rows, the highlight kept (by record id) across refreshes.
Up on the first row is the search screen's to handle (it puts the cursor back in the search box).

Drawn through Textual's Line API: a new page of hits only replaces a list and repaints the lines on
screen, and each row is built only when it scrolls into view. Rows are cached by what they show
(record id, language, ✓ mark, distance, what matched) and by width and style, so while a query is being typed the
services that stay on screen are not laid out again.
"""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual

from helpline_tui.core.search import Hit, SearchPage
from helpline_tui.ui.render import distance_text, result_row

MAX_ROWS = 100
ROW_HEIGHT = 2  # name line, details line: `result_row` always gives two lines, never wrapped

RowKey = tuple[str, str, bool, str, tuple]


class ResultsList(ScrollView, can_focus=True):
    ALLOW_SELECT = False  # rows are cached as drawn; a mouse drag selects nothing, as in OptionList
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", show=False),
        Binding("down", "cursor_down", show=False),
        Binding("enter", "select", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
        Binding("pageup", "page_up", show=False),
        Binding("pagedown", "page_down", show=False),
    ]

    # The looks of Textual's OptionList, which this list replaced.
    DEFAULT_CSS = """
    ResultsList {
        height: 1fr;
        color: $foreground;
        overflow-x: hidden;
        background: $surface;
        & > .results-list--row-highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .results-list--row-highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
        & > .results-list--row-hover {
            background: $block-hover-background;
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "results-list--row", "results-list--row-highlighted", "results-list--row-hover"}

    highlighted: reactive[int | None] = reactive(None)
    _hover: reactive[int | None] = reactive(None)

    class Selected(Message):
        """Enter (or a click) on a row."""

        def __init__(self, results: ResultsList, index: int) -> None:
            super().__init__()
            self.results = results
            self.index = index

        @property
        def control(self) -> ResultsList:
            return self.results

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hits: list[Hit] = []
        self._ui_lang = "en"
        self._referral_ids: set[str] = set()
        self._generation = 0
        self._rows: LRUCache[RowKey, Content] = LRUCache(maxsize=1000)
        self._strips: LRUCache[tuple, list[Strip]] = LRUCache(maxsize=2000)

    # ---- what is shown ----------------------------------------------------------------------------
    def show_page(self, page: SearchPage, lang: str, referral_ids: set[str], keep_id: str | None,
                  generation: int) -> None:
        """`generation`: the directory file the page was read from. A new file may hold new text
        under the same record ids, so rows drawn from an older one are forgotten."""
        if generation != self._generation:
            self._generation = generation
            self._rows.clear()
            self._strips.clear()
        self.hits = page.hits[:MAX_ROWS]
        self._show(lang, referral_ids, keep_id)

    def refresh_rows(self, lang: str, referral_ids: set[str]) -> None:
        """Same hits, new labels or ✓ marks (language switch, referral list change)."""
        self._show(lang, referral_ids, self.highlighted_id)

    def show_nothing(self) -> None:
        self.hits = []
        self._show(self._ui_lang, self._referral_ids, None)

    def _show(self, lang: str, referral_ids: set[str], keep_id: str | None) -> None:
        self._ui_lang, self._referral_ids = lang, set(referral_ids)
        index = 0 if self.hits else None
        if keep_id is not None:
            index = next((i for i, hit in enumerate(self.hits) if hit.record["id"] == keep_id), index)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.hits) * ROW_HEIGHT)
        self.set_reactive(ResultsList.highlighted, index)
        self.refresh()
        self._scroll_to_highlight()

    @property
    def option_count(self) -> int:
        return len(self.hits)

    @property
    def highlighted_hit(self) -> Hit | None:
        if self.highlighted is None or self.highlighted >= len(self.hits):
            return None
        return self.hits[self.highlighted]

    @property
    def highlighted_id(self) -> str | None:
        hit = self.highlighted_hit
        return hit.record["id"] if hit is not None else None

    def row_content(self, index: int) -> Content:
        """What row `index` shows (literal text, never markup)."""
        hit = self.hits[index]
        key = self._row_key(hit)
        if (row := self._rows.get(key)) is None:
            row = self._rows[key] = result_row(hit, self._ui_lang, key[2])
        return row

    def _row_key(self, hit: Hit) -> RowKey:
        record_id = hit.record["id"]
        return (record_id, self._ui_lang, record_id in self._referral_ids, distance_text(hit, self._ui_lang), hit.matched)

    # ---- drawing ------------------------------------------------------------------------------------
    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self.hits:
            return None
        return max(0, min(highlighted, len(self.hits) - 1))

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_highlight()

    def watch__hover(self, old: int | None, new: int | None) -> None:
        self._refresh_row(old)
        self._refresh_row(new)

    def _refresh_row(self, index: int | None) -> None:
        if index is not None:
            self.refresh_lines(index * ROW_HEIGHT, ROW_HEIGHT)

    def _scroll_to_highlight(self) -> None:
        if self.highlighted is None:
            self.scroll_to(y=0, animate=False, immediate=True)
            return
        row = Region(0, self.highlighted * ROW_HEIGHT, self.scrollable_content_region.width, ROW_HEIGHT)
        self.scroll_to_region(row, animate=False, force=True, immediate=True)

    def _on_resize(self, _event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.hits) * ROW_HEIGHT)
        self._scroll_to_highlight()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index, line = divmod(self.scroll_offset.y + y, ROW_HEIGHT)
        if index >= len(self.hits):
            return Strip.blank(width, self.get_visual_style("results-list--row").rich_style)
        if index == self.highlighted:
            style = self.get_visual_style("results-list--row", "results-list--row-highlighted")
        elif index == self._hover:
            style = self.get_visual_style("results-list--row", "results-list--row-hover")
        else:
            style = self.get_visual_style("results-list--row")
        row = self.row_content(index)
        key = (self._row_key(self.hits[index]), style, width)
        if (strips := self._strips.get(key)) is None:
            strips = [strip.extend_cell_length(width, style.rich_style)
                      for strip in Visual.to_strips(self, row, width, ROW_HEIGHT, style)]
            self._strips[key] = strips
        return strips[line] if line < len(strips) else Strip.blank(width, style.rich_style)

    def notify_style_update(self) -> None:
        self._strips.clear()  # a theme change: the styles in the keys would change anyway; free them
        super().notify_style_update()

    # ---- keys and mouse -----------------------------------------------------------------------------
    def _index_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None:
            return None
        index = (offset.y + self.scroll_offset.y) // ROW_HEIGHT
        return index if index < len(self.hits) else None

    async def _on_click(self, event: events.Click) -> None:
        index = self._index_at(event)
        if index is not None:
            self.highlighted = index
            self.action_select()

    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._hover = self._index_at(event)

    def _on_leave(self, _event: events.Leave) -> None:
        self._hover = None

    def action_cursor_up(self) -> None:
        if self.highlighted:
            self.highlighted -= 1

    def action_cursor_down(self) -> None:
        if self.hits:
            self.highlighted = 0 if self.highlighted is None else (self.highlighted + 1) % len(self.hits)

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self.hits) - 1

    def _rows_per_page(self) -> int:
        return max(1, self.scrollable_content_region.height // ROW_HEIGHT)

    def action_page_up(self) -> None:
        self.highlighted = (self.highlighted or 0) - self._rows_per_page()

    def action_page_down(self) -> None:
        self.highlighted = (self.highlighted or 0) + self._rows_per_page()

    def action_select(self) -> None:
        if self.highlighted_hit is not None and self.highlighted is not None:
            self.post_message(self.Selected(self, self.highlighted))
