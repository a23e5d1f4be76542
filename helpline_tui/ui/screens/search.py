"""The search screen: the search box, the filter chips, "n of total" and the results, updated on
every keystroke.

Each change (a key, a filter, a reopened directory) makes a numbered request. It runs in a thread
worker (exclusive, group "search"); a request that a newer one has overtaken skips its query, a query
still running in SQLite when a newer request is made is interrupted (so the newest words wait for no
one), and results are painted only when they are newer than what is on screen, so a slow answer for
"meth" never replaces the answer for "methadone".

Keys that move the focus (Down, Up, Enter, Tab, Escape, /) are priority bindings of this screen, so they
act when the App routes them, before it routes the next key: typed fast ("bay cove", Down, a), the "a"
goes to the list, not to the search box. Each first waits until the focused widget has handled the keys
sent to it before this one (and, from the search box, until the results for those words are on screen),
so they act on what the handler saw.

About 600 lines, over the usual 500: the request numbering, the focus keys and the filter actions all
read and write the one screen's state (filters, page, request numbers); the menus' items are built in
ui/filter_menus.py.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from dataclasses import dataclass, field, replace
from functools import partial

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import var
from textual.widgets import Footer, Input
from textual.worker import get_current_worker

from helpline_tui.core import facets, geo, tally
from helpline_tui.core.search import FilterError, SearchPage, search
from helpline_tui.i18n import t
from helpline_tui.ui import commands
from helpline_tui.ui import filter_menus as menus
from helpline_tui.ui.explain_empty import explain
from helpline_tui.ui.messages import ToggleReferral
from helpline_tui.ui.screens.base import HelplineScreen
from helpline_tui.ui.screens.place import PlacePicker, PlaceChoice
from helpline_tui.ui.screens.picker import Choice, OptionPicker, PickerItem
from helpline_tui.ui.state import FilterState
from helpline_tui.ui.widgets.directory_header import DirectoryHeader
from helpline_tui.ui.widgets.empty_state import EmptyState, Explanation, widen_action
from helpline_tui.ui.widgets.filter_chips import Chip, FilterChips
from helpline_tui.ui.widgets.results_list import MAX_ROWS, ResultsList
from helpline_tui.ui.widgets.search_box import SearchBox
from helpline_tui.ui.widgets.status_line import StatusLine

SINGLE_CHOICE = ("language", "kind", "population", "payment")
# If a search never answers, a key waiting for its results goes ahead after this long: the keyboard
# must never freeze.
RESULTS_WAIT_SECONDS = 2.0


async def handled(node) -> None:
    """Wait until `node` has handled every message sent to it so far (its queue is first in, first out)."""
    done = asyncio.get_running_loop().create_future()
    if node.call_later(done.set_result, None):
        await done


@dataclass(frozen=True)
class SearchRequest:
    seq: int
    query: str
    filters: FilterState
    reading: str | None = None  # "name" or "place": the other reading of the words, asked by its key
    requested_at: float = field(default_factory=time.perf_counter)


@dataclass(frozen=True)
class PaintRecord:
    """For the benchmark: when a request was made, answered and painted (perf_counter seconds)."""

    seq: int
    query: str
    requested_at: float
    answered_at: float
    painted_at: float
    search_ms: float
    rows: int


class SearchScreen(HelplineScreen):
    SCOPE = "search"
    FOCUS_BINDINGS: list[BindingType] = [
        Binding("down", "down_from_search", show=False, priority=True),
        Binding("up", "up_from_results", show=False, priority=True),
        Binding("tab", "move_focus(1)", show=False, priority=True),
        Binding("shift+tab", "move_focus(-1)", show=False, priority=True),
    ]
    BINDINGS = commands.bindings("search") + FOCUS_BINDINGS

    filters: var[FilterState] = var(FilterState, init=False)

    class ResultsReady(Message):
        def __init__(self, request: SearchRequest, page: SearchPage, generation: int,
                     tally_reading: tally.SearchReading | None = None) -> None:
            super().__init__()
            self.request = request
            self.page = page
            self.tally_reading = tally_reading  # what the call tally may keep of it (tally on)
            self.generation = generation  # of the directory file the page was read from
            self.answered_at = time.perf_counter()

    class SearchFailed(Message):
        def __init__(self, request: SearchRequest, message: str, filter_error: bool = True) -> None:
            super().__init__()
            self.request = request
            self.message = message
            self.filter_error = filter_error

    class ExplanationReady(Message):
        def __init__(self, request: SearchRequest, explanation: Explanation) -> None:
            super().__init__()
            self.request = request
            self.explanation = explanation

    def __init__(self) -> None:
        super().__init__(id="search-screen")
        self.latest_seq = 0
        self.painted_seq = 0
        # The request made when the words or the filters last changed: its page starts at the top.
        self.restart_seq = 0
        self.page: SearchPage | None = None
        self.page_generation = 0
        self._running_seq: int | None = None  # the request whose query runs in SQLite now
        self._running_guard = threading.Lock()
        self.explanation: Explanation | None = None
        self._paint_waiters: list[asyncio.Future] = []
        self._footer_state: tuple = ()
        self.reading: str | None = None  # the other reading asked for these words (None: the rules')
        self.paint_log: deque[PaintRecord] = deque(maxlen=2000)
        self.paint_listeners: list = []  # callables given each PaintRecord (benchmarks, tests)

    # ---- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield DirectoryHeader(id="header")
        yield SearchBox(id="query")
        yield FilterChips(id="chips")
        yield StatusLine(id="status")
        yield ResultsList(id="results")
        yield EmptyState(id="empty")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.watch(self.app, "referrals", self._referrals_changed, init=False)
        self.query_one("#empty").display = False
        self.query_one("#query", SearchBox).focus()
        self.request_search()

    def on_resize(self) -> None:
        self._refresh_footer()  # what fits the footer depends on the width

    def relabel(self) -> None:
        super().relabel()
        lang = self.ui_lang
        self.query_one("#query", SearchBox).placeholder = t("search.placeholder", lang)
        self.query_one("#chips", FilterChips).show(self.filters, lang)
        if self.page is not None:
            self._show_page(self.page)

    def _directory_changed(self, generation: int) -> None:
        super()._directory_changed(generation)
        self.request_search()

    def _referrals_changed(self, _referrals) -> None:
        self.query_one("#results", ResultsList).refresh_rows(self.ui_lang, self.helpline.referral_ids)

    # ---- searching ----------------------------------------------------------------------------
    @property
    def query_text(self) -> str:
        return self.query_one("#query", SearchBox).value

    def request_search(self) -> None:
        self.latest_seq += 1
        request = SearchRequest(self.latest_seq, self.query_text, self.filters, self.reading)
        self._interrupt_running_search()
        self._search(request)

    def _interrupt_running_search(self) -> None:
        """Stop the query of an older request. The guard makes sure it is that query that SQLite
        interrupts: the flag is set only while the search holds the directory lock."""
        with self._running_guard:
            if self._running_seq is not None:
                self.helpline.directory.conn.interrupt()

    @on(Input.Changed, "#query")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reading = None  # new words are read by the rules again
        self.request_search()
        self.restart_seq = self.latest_seq

    def watch_filters(self, _old: FilterState, new: FilterState) -> None:
        self.query_one("#chips", FilterChips).show(new, self.ui_lang)
        self._refresh_footer()
        self.request_search()
        self.restart_seq = self.latest_seq

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, request: SearchRequest) -> None:
        worker = get_current_worker()
        directory = self.helpline.directory
        with directory.lock:  # one query at a time; requests overtaken while waiting are skipped
            if worker.is_cancelled or request.seq != self.latest_seq:
                return
            generation = directory.generation
            with self._running_guard:
                self._running_seq = request.seq
            now = self.helpline.now()  # one moment for the page and its explanation
            try:
                page = search(directory.conn, request.query, request.filters.to_core(), limit=MAX_ROWS,
                              sort=request.filters.sort, now=now, read_as=request.reading)
            except FilterError as exc:
                self.post_message(self.SearchFailed(request, str(exc)))
                return
            except Exception as exc:  # a damaged file, a bug: say so, keep the app running
                if request.seq != self.latest_seq:
                    return  # overtaken (and perhaps interrupted on purpose): nothing to say
                self.post_message(self.SearchFailed(request, f"{type(exc).__name__}: {exc}", filter_error=False))
                return
            finally:
                with self._running_guard:
                    self._running_seq = None
            reading = tally.read_search(directory.conn, page, request.filters) if self.helpline.tally_on else None
        self.post_message(self.ResultsReady(request, page, generation, reading))
        if page.total == 0 and not request.filters.is_empty:
            explanation = explain(directory, request.query, request.filters,
                                  lambda: request.seq == self.latest_seq, now)
            if explanation is not None:
                self.post_message(self.ExplanationReady(request, explanation))

    @on(ResultsReady)
    def _results_ready(self, message: ResultsReady) -> None:
        if message.request.seq <= self.painted_seq:
            return  # older than what is on screen
        # New words or filters (a new place: F2) start at the top row, scrolled to it, so Down and
        # Enter act on the first service seen; a reloaded directory keeps the highlighted service.
        same_search = self.restart_seq <= self.painted_seq
        self.painted_seq = message.request.seq
        self.page, self.page_generation = message.page, message.generation
        self.explanation = None
        self._show_page(message.page, keep_highlight=same_search)
        if message.request.seq >= self.restart_seq:  # not words from before the last change (or the last F10)
            self.helpline.tally_read(message.tally_reading)
        request, answered_at = message.request, message.answered_at
        self.call_after_refresh(self._painted, request, answered_at, message.page)
        self._wake_paint_waiters()

    def _painted(self, request: SearchRequest, answered_at: float, page: SearchPage) -> None:
        record = PaintRecord(request.seq, request.query, request.requested_at, answered_at,
                             time.perf_counter(), page.elapsed_ms, len(page.hits))
        self.paint_log.append(record)
        for listener in self.paint_listeners:
            listener(record)

    @on(SearchFailed)
    def _search_failed(self, message: SearchFailed) -> None:
        if message.request.seq < self.latest_seq:
            return
        self.painted_seq = message.request.seq
        self.page = None
        self.query_one("#status", StatusLine).show_error(message.message, self.ui_lang, message.filter_error)
        self.query_one("#results", ResultsList).show_nothing()
        self._wake_paint_waiters()

    def _wake_paint_waiters(self) -> None:
        if self.painted_seq >= self.latest_seq:
            for waiter in self._paint_waiters:
                if not waiter.done():
                    waiter.set_result(None)
            self._paint_waiters.clear()

    @on(ExplanationReady)
    def _explanation_ready(self, message: ExplanationReady) -> None:
        if message.request.seq != self.painted_seq:
            return
        self.explanation = message.explanation
        self._show_empty()
        self._refresh_footer()

    def _show_page(self, page: SearchPage, keep_highlight: bool = True) -> None:
        lang = self.ui_lang
        self.query_one("#status", StatusLine).show_page(page, lang)
        results = self.query_one("#results", ResultsList)
        keep = results.highlighted_id if keep_highlight else None
        results.show_page(page, lang, self.helpline.referral_ids, keep, self.page_generation)
        empty = page.total == 0
        results.display = not empty
        self.query_one("#empty").display = empty
        if empty:
            if self.focused is results:
                self.set_focus(self.query_one("#query", SearchBox))
            self._show_empty()
        self._refresh_footer()

    def _refresh_footer(self) -> None:
        """Recompose the footer only when a conditional key (reset, widen, add) appears or goes, or the
        width it must fit changes: doing it on every keystroke would cost a few milliseconds each time."""
        state = (*(self.check_action(a, ()) for a in ("reset_filters", "widen", "toggle_referral", "other_reading")),
                 self.size.width)
        if state != self._footer_state:
            self._footer_state = state
            self.refresh_bindings()

    def _show_empty(self) -> None:
        self.query_one("#empty", EmptyState).show(
            self.query_text, self.filters, self.explanation, self.ui_lang,
            commands.first_key_display(self.app, "widen"), commands.first_key_display(self.app, "reset_filters"))

    # ---- moving between the search box and the results -----------------------------------------
    async def _keys_handled(self) -> None:
        """Wait until the focused widget has handled the keys sent to it before the one being acted
        on; from the search box, also until the results for the words typed are on screen."""
        focused = self.focused
        if focused is None:
            return
        await handled(focused)
        box = self.query_one("#query", SearchBox)
        if focused is not box:
            return
        await handled(box)  # the Changed messages those keys made...
        await handled(self)  # ...which asked this screen for searches
        while self.painted_seq < self.latest_seq:
            waiter = asyncio.get_running_loop().create_future()
            self._paint_waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, RESULTS_WAIT_SECONDS)
            except TimeoutError:
                return

    async def action_down_from_search(self) -> None:
        await self._keys_handled()
        results = self.query_one("#results", ResultsList)
        if results.option_count and results.display:
            self.set_focus(results)
            if results.highlighted is None:
                results.highlighted = 0

    async def action_up_from_results(self) -> None:
        await self._keys_handled()
        results = self.query_one("#results", ResultsList)
        if results.highlighted:
            results.action_cursor_up()
        else:
            self.set_focus(self.query_one("#query", SearchBox))

    async def action_move_focus(self, direction: int) -> None:
        await self._keys_handled()
        if direction > 0:
            self.focus_next()
        else:
            self.focus_previous()

    @on(ResultsList.Selected, "#results")
    def _selected(self, event: ResultsList.Selected) -> None:
        event.stop()
        self._open(self.query_one("#results", ResultsList).highlighted_hit)

    def _open(self, hit) -> None:
        if hit is not None:
            self.helpline.open_service(hit)  # at once: the keys after Enter belong to the detail screen

    def action_open_top(self) -> None:
        results = self.query_one("#results", ResultsList)
        if results.hits:
            results.highlighted = 0
            self._open(results.hits[0])

    async def action_open_highlighted(self) -> None:
        """Enter: the top result from the search box, the highlighted row from the list. In an empty
        box with no filter (a new call) Enter opens nothing: "F10, Enter" is a habit, and the first
        record of the whole directory would take the next call's first letters as keys."""
        await self._keys_handled()
        if self.focused is self.query_one("#query", SearchBox):
            if self.query_text.strip() or not self.filters.is_empty:
                self.action_open_top()
        else:
            self._open(self.query_one("#results", ResultsList).highlighted_hit)

    async def action_focus_search(self) -> None:
        await self._keys_handled()
        self.set_focus(self.query_one("#query", SearchBox))

    async def action_clear_or_back(self) -> None:
        await self._keys_handled()
        box = self.query_one("#query", SearchBox)
        if self.focused is box:
            box.value = ""
        else:
            self.set_focus(box)

    def action_toggle_referral(self) -> None:
        """Add the highlighted service. A row already on the list is never taken off from here: after
        Enter, a, Escape, Down the highlight is on the row just added, and "a" would silently undo
        it. Removing is done where the handler sees what goes: the service's page or the list (F6)."""
        hit = self.query_one("#results", ResultsList).highlighted_hit
        if hit is None:
            return
        name = hit.record.get("name") or ""
        if hit.record["id"] in self.helpline.referral_ids:
            self.helpline.confirm(t("referral.already", self.ui_lang, name=name,
                                    key=commands.first_key_display(self.app, "referral")))
            return
        self.post_message(ToggleReferral(hit.record["id"], name))

    @property
    def active_bindings(self):
        """The footer's keys: reordered while the results list has the focus (see
        commands.LIST_FOOTER_FIRST), then cut down to what fits the screen's width whole (see
        commands.FOOTER_DROP_ORDER)."""
        active = super().active_bindings
        if self.focused is not None and self.focused.id == "results":
            active = self._list_footer(active)
        return self._fit_footer(active)

    @staticmethod
    def _list_footer(active: dict) -> dict:
        shown: dict = {}
        for key, item in active.items():
            binding_id = item.binding.id
            if binding_id in commands.LIST_FOOTER_HIDDEN:
                item = item._replace(binding=replace(item.binding, show=False))
            elif binding_id in commands.LIST_FOOTER_FIRST:
                item = item._replace(binding=replace(item.binding, show=True))
            shown[key] = item
        rank = {binding_id: i for i, binding_id in enumerate(commands.LIST_FOOTER_FIRST)}
        order = sorted(shown, key=lambda key: rank.get(shown[key].binding.id, len(rank)))
        return {key: shown[key] for key in order}

    def _fit_footer(self, active: dict) -> dict:
        room = self.size.width
        if not room:  # not laid out yet
            return active
        entries: list[tuple[str, int]] = []  # as the footer draws them: one key per action, "F1 Help"
        actions: set[str] = set()
        for item in active.values():
            binding = item.binding
            if binding.show and binding.action not in actions:
                actions.add(binding.action)
                width = cell_len(self.app.get_key_display(binding))
                if binding.description:
                    width += 1 + cell_len(binding.description)
                entries.append((binding.id or binding.action, width))
        left_out = commands.footer_keys_left_out(entries, room)
        if not left_out:
            return active
        return {key: item._replace(binding=replace(item.binding, show=False))
                if (item.binding.id or item.binding.action) in left_out else item
                for key, item in active.items()}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The focus keys are priority bindings: where they do not apply, the key goes on to the
        # focused widget (Down or Enter on a chip, "/" typed in the search box).
        if action in ("down_from_search", "focus_search", "open_highlighted", "up_from_results"):
            focused = self.focused
            in_box = focused is not None and focused.id == "query"
            in_results = focused is not None and focused.id == "results"
            return {"down_from_search": in_box, "focus_search": not in_box,
                    "open_highlighted": in_box or in_results, "up_from_results": in_results}[action]
        if action == "widen":
            return bool(self.page is not None and self.page.total == 0 and self.explanation
                        and self.explanation.best)
        if action == "reset_filters":
            return not self.filters.is_empty
        if action == "other_reading":
            return bool(self.page is not None and self.page.other_reading)
        if action == "toggle_referral":
            found = self.query("#results")
            results = found.first(ResultsList) if found else None
            return results is not None and results.has_focus and results.highlighted_hit is not None
        return True

    # ---- filters ------------------------------------------------------------------------------
    @on(Chip.Chosen)
    def _chip_chosen(self, message: Chip.Chosen) -> None:
        getattr(self, f"action_pick_{message.facet}")()  # every facet has its action_pick_<facet>

    @on(Chip.Cleared)
    def _chip_cleared(self, message: Chip.Cleared) -> None:
        self.filters = self.filters.without(message.facet)

    def reset_call(self) -> None:
        """End of call: empty search box, no filters, cursor in the search box."""
        box = self.query_one("#query", SearchBox)
        with self.prevent(Input.Changed):
            box.value = ""
        self.reading = None
        self.set_reactive(SearchScreen.filters, FilterState())
        self.query_one("#chips", FilterChips).show(self.filters, self.ui_lang)
        self.explanation = None
        self.query_one("#results", ResultsList).highlighted = None
        self.set_focus(box)  # now, not after the keys already typed: they belong in the box
        self.request_search()
        self.restart_seq = self.latest_seq

    def action_other_reading(self) -> None:
        """Search the words the other way ("hope" as a place, or as a name); again: back."""
        if self.page is None or not self.page.other_reading:
            return
        self.reading = self.page.other_reading
        self.request_search()
        self.restart_seq = self.latest_seq

    def action_toggle_nearest_first(self) -> None:
        if not self.filters.place:
            self.notify(t("sort.needs_place", self.ui_lang))
            return
        self.filters = replace(self.filters, nearest_first=not self.filters.nearest_first)
        self.notify(t("sort.nearest" if self.filters.nearest_first else "sort.best", self.ui_lang))

    def action_reset_filters(self) -> None:
        if not self.filters.is_empty:
            self.filters = FilterState()
            self.notify(t("filters.reset", self.ui_lang))

    def action_widen(self) -> None:
        best = self.explanation.best if self.explanation else None
        if best is None:
            self.notify(t("widen.nothing", self.ui_lang))
            return
        self.notify(t("widen.done", self.ui_lang, action=widen_action(best, self.filters, self.ui_lang)), markup=False)
        if best.facet == "radius":
            self.filters = self.filters.with_value("radius", best.radius)
        else:
            self.filters = self.filters.without(best.facet)

    def _counts_loader(self, facet: str):
        base = self.filters.without(facet) if facet in SINGLE_CHOICE else self.filters
        directory = self.helpline.directory

        def load() -> dict[str, int]:
            with directory.lock:
                try:
                    return facets.counts(directory.conn, base.to_core(), facet)
                except geo.PlaceError:
                    return {}

        return load

    def _open_picker(self, facet: str, items: list[PickerItem], help_key: str = "picker.help",
                     counts: bool = True, narrow: bool = True) -> None:
        picker = OptionPicker(t(f"chip.{facet}", self.ui_lang), items, t(help_key, self.ui_lang),
                              load_counts=self._counts_loader(facet) if counts else None, narrow=narrow,
                              picker_id=f"picker-{facet}")
        self.app.push_screen(picker, callback=partial(self._picked, facet))

    def _picked(self, facet: str, choice: Choice | None) -> None:
        if choice is None:
            return
        self.filters = self.filters.with_value(facet, choice.value)

    def action_pick_place(self) -> None:
        self.app.push_screen(PlacePicker(self.filters.place),
                             callback=self._place_picked)

    def _place_picked(self, choice: PlaceChoice | None) -> None:
        if choice is not None:
            self.filters = replace(self.filters, place=choice.place, place_label=choice.label)

    def action_pick_language(self) -> None:
        directory = self.helpline.directory
        with directory.lock:  # every code the directory holds, as the picker offers it
            held = [code for (code,) in directory.conn.execute("SELECT DISTINCT lang FROM service_languages")]
        self._open_picker("language", menus.language_items(self.filters, self.ui_lang, held))

    def action_pick_need(self) -> None:
        self._open_picker("need", menus.need_items(self.filters, self.ui_lang), help_key="picker.need_help")

    def action_pick_kind(self) -> None:
        self._open_picker("kind", menus.kind_items(self.filters, self.ui_lang), narrow=False)

    def action_pick_population(self) -> None:
        self._open_picker("population", menus.term_items("population", self.filters, self.ui_lang))

    def action_pick_payment(self) -> None:
        self._open_picker("payment", menus.term_items("payment", self.filters, self.ui_lang))

    def action_pick_radius(self) -> None:
        self._open_picker("radius", menus.radius_items(self.filters, self.ui_lang), counts=False, narrow=False)

    def action_pick_more(self) -> None:
        picker = OptionPicker(t("more.title", self.ui_lang), menus.more_items(self.filters, self.ui_lang),
                              t("picker.help", self.ui_lang), narrow=False, picker_id="picker-more")
        self.app.push_screen(picker, callback=self._more_picked)

    def _more_picked(self, choice: Choice | None) -> None:
        if choice is not None and choice.value:
            getattr(self, f"action_pick_{choice.value}")()

    def palette_filter_entries(self):
        """("Need: Methadone", sets it) for the command palette."""
        for text, facet, value in menus.palette_entries(self.ui_lang):
            yield text, partial(self._picked, facet, Choice(value))
