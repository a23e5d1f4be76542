"""The one command registry. Each `Command` becomes a Binding (with an id, so the settings file can
remap it through `App.set_keymap`), a footer entry, a command-palette hit and a line of the help
screen. Labels and help texts come from the i18n catalogue (`cmd.<id>.label` / `cmd.<id>.help`) and
are swapped in place when the interface language changes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import FuzzySearch

from helpline_tui.core.textnorm import tokens
from helpline_tui.i18n import t

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from helpline_tui.ui.app import HelplineApp

# Scopes: where a binding lives. "app" bindings work on every screen.
SCOPES = ("app", "search", "detail", "referral", "dialog")
SCREEN_SCOPES = ("search", "detail", "referral")


@dataclass(frozen=True)
class Command:
    id: str  # binding id, keymap id, i18n key cmd.<id>.*
    action: str  # action run in the scope's namespace (the App or the screen)
    keys: str  # default keys, Textual names, comma separated
    scopes: tuple[str, ...]
    show: bool = True  # in the footer
    palette: bool = True  # in the command palette
    priority: bool = False
    hide_in: tuple[str, ...] = ()  # scopes whose footer leaves it out (80 columns are few)
    # In the palette of every screen, named in full (cmd.<id>.palette): run there, it opens the
    # screen of its scope first. For the slip: "print", "copy", "guardar" find it from the search.
    palette_anywhere: bool = False
    # The palette also finds it by its name in the other interface language ("print" in Spanish).
    # Not the language toggle: its name there names the opposite switch ("English" in an English
    # interface would hide the language filter "Language: English").
    found_by_other_language: bool = True


REGISTRY: tuple[Command, ...] = (
    # In footer order. "app" commands work on every screen (dialogs excepted).
    Command("help", "app.show_help", "f1,question_mark", ("app",), hide_in=("referral",)),
    Command("location", "pick_place", "f2", ("search",)),
    Command("copy_slip", "copy_slip", "f2", ("referral",), palette_anywhere=True),
    Command("language", "pick_language", "f3", ("search",)),
    Command("slip_language", "toggle_slip_language", "f3", ("referral",)),
    Command("need", "pick_need", "f4", ("search",)),
    Command("save_text", "save_text", "f4", ("referral",), palette_anywhere=True),
    Command("more_filters", "pick_more", "f5", ("search",)),
    Command("save_html", "save_html", "f5", ("referral",), palette_anywhere=True),
    # priority (F6, F10): the screen they open or close is there before the next key is routed, so a
    # note typed right after F6 goes into the note, and the next call's words after F10 into the box
    Command("referral", "app.show_referral", "f6", ("app",), hide_in=("referral",), priority=True),
    Command("toggle_language", "app.toggle_language", "f7", ("app",), hide_in=("referral",),
            found_by_other_language=False),
    Command("end_call", "app.end_call", "f10,ctrl+n", ("app",), priority=True),  # F10: a menu in some terminals
    # the call tally, when the install turns it on (app.check_action hides it otherwise)
    Command("mark_unmet", "app.mark_nothing_suitable", "ctrl+g", ("app",), hide_in=("referral",)),
    Command("reset_filters", "reset_filters", "f8", ("search",)),
    Command("widen", "widen", "f9", ("search",)),
    # Words that could be a place or a name ("hope", "orange"): the other reading. A control key, as
    # it is pressed while typing; in the footer only when there is one.
    Command("other_reading", "other_reading", "ctrl+r", ("search",)),
    # letters work when a list (not a text box) has the focus
    Command("add_referral", "toggle_referral", "a", ("search", "detail")),
    Command("remove_referral", "remove_referral", "delete", ("referral",)),  # never a letter: a note may start with it
    Command("edit_note", "edit_note", "n", ("referral",), show=False),
    Command("radius", "pick_radius", "r", ("search",), show=False),
    Command("nearest_first", "toggle_nearest_first", "o", ("search",), show=False),
    Command("kind", "pick_kind", "k", ("search",), show=False),
    Command("population", "pick_population", "w", ("search",), show=False),
    Command("payment", "pick_payment", "dollar_sign", ("search",), show=False),
    # priority: they move the focus before the next key is routed (see screens/search.py)
    Command("focus_search", "focus_search", "slash", ("search",), show=False, priority=True),
    Command("open", "open_highlighted", "enter", ("search",), show=False, priority=True),
    Command("clear_query", "clear_or_back", "escape", ("search",), show=False, palette=False, priority=True),
    Command("back", "back", "escape", ("detail", "referral")),
    Command("reports", "app.show_reports", "f12", ("app",), show=False),
    Command("theme", "app.cycle_theme", "ctrl+t", ("app",), show=False),
    Command("palette", "app.command_palette", "ctrl+p", ("app",), show=False, palette=False),
    Command("quit", "app.quit", "ctrl+q", ("app",), show=False),
    # dialogs (pickers, help, end of call)
    Command("confirm", "confirm", "enter", ("dialog",)),
    Command("close", "close", "escape", ("dialog",)),
)

BY_ID = {c.id: c for c in REGISTRY}

# Keys whose footer and help name comes from the catalogue (key.<name>), as the keyboards of each
# language label them.
KEYS_NAMED_PER_LANGUAGE = ("delete",)

# While the results list has the focus, its footer leads with what a call needs next (add, open, the
# slip, end the call); help and the menus least used from the list are left out so nothing is cut at 80
# columns. Every key still works, and the help screen and the palette list them all.
LIST_FOOTER_FIRST = ("add_referral", "open", "referral", "end_call")
LIST_FOOTER_HIDDEN = ("help", "more_filters", "toggle_language")

# When the keys of the moment do not fit the footer (filters set bring F8 Reset, an empty result F9
# Widen; Spanish labels are longer), keys are left out in this order until the others fit whole: first
# the interface language (set once, at the start of a shift), the menu of rarer filters and help, then
# the filter menus, whose values stay in view and reachable as chips. The call keys (add, open, slip,
# end call) and the keys that appear because they apply now (reset, widen) are never in this list:
# only a terminal narrower than 80 columns also loses keys from the right. Every key still works, and
# the help screen and the palette list them all.
FOOTER_DROP_ORDER = ("toggle_language", "more_filters", "help", "mark_unmet", "language", "location", "need")


def label(command: Command, lang: str) -> str:
    return t(f"cmd.{command.id}.label", lang)


def palette_label(command: Command, lang: str) -> str:
    return t(f"cmd.{command.id}.palette", lang) if command.palette_anywhere else label(command, lang)


def help_text(command: Command, lang: str) -> str:
    return t(f"cmd.{command.id}.help", lang)


def commands_for(scope: str) -> list[Command]:
    return [c for c in REGISTRY if scope in c.scopes]


def bindings(scope: str, lang: str = "en", priority: bool = False) -> list[BindingType]:
    """The BINDINGS for `scope`. A screen's list includes the "app" commands (their actions are
    `app.…`), so the footer shows every key in registry order: F1, F2, … F10, then letters.
    `priority`: every key acts before the next one is routed (a dialog with no text to type)."""
    chosen = [c for c in REGISTRY if scope in c.scopes or (scope in SCREEN_SCOPES and "app" in c.scopes)]
    return [
        Binding(c.keys, c.action, label(c, lang), show=c.show and scope not in c.hide_in,
                priority=priority or c.priority, id=c.id, tooltip=help_text(c, lang))
        for c in chosen
    ]


def translate_bindings(node: DOMNode, lang: str) -> None:
    """Swap the labels of a node's registry bindings to `lang` (keys, including keymap overrides,
    are untouched). Footer and help read them from there."""
    key_to_bindings = node._bindings.key_to_bindings
    for key, items in key_to_bindings.items():
        new_items = []
        for binding in items:
            command = BY_ID.get(binding.id or "")
            if command is not None:
                binding = replace(binding, description=label(command, lang), tooltip=help_text(command, lang))
            new_items.append(binding)
        key_to_bindings[key] = new_items
    node.refresh_bindings()


def footer_keys_left_out(entries: list[tuple[str, int]], room: int) -> set[str]:
    """The binding ids to leave out of a footer of `room` columns so that every key shown is whole.
    `entries`: (binding id, width in cells) of the keys the footer would show, left to right; the
    compact footer puts one column between keys. See FOOTER_DROP_ORDER."""
    kept = list(entries)

    def fits() -> bool:
        return sum(width for _, width in kept) + max(len(kept) - 1, 0) <= room

    left_out: set[str] = set()
    for binding_id in FOOTER_DROP_ORDER:
        if fits():
            return left_out
        if any(kept_id == binding_id for kept_id, _ in kept):
            kept = [entry for entry in kept if entry[0] != binding_id]
            left_out.add(binding_id)
    while kept and not fits():  # a very narrow terminal: the rightmost keys go
        left_out.add(kept.pop()[0])
    return left_out


def effective_keys(command: Command, keymap: dict[str, str]) -> str:
    return keymap.get(command.id, command.keys)


def key_display(app, keys: str) -> str:
    """"f1,question_mark" -> "F1 / ?"."""
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key:
            shown.append(app.get_key_display(Binding(key, "")))
    return " / ".join(shown)


def first_key_display(app, command_id: str) -> str:
    command = BY_ID[command_id]
    keys = effective_keys(command, getattr(app, "keymap", {}))
    return key_display(app, keys.split(",")[0])


def fold_chars(text: str) -> str:
    """Accents off, one character for one ("Imprimir la hoja de derivación" -> "... derivacion"), so
    the offsets of a match in the folded text are those in the text shown."""
    return "".join(unicodedata.normalize("NFD", ch)[0] if not ch.isascii() else ch for ch in text)


def names_match_well(query: str, name: str) -> bool:
    """Every word typed begins a word of the name: "print" and "save html" name their commands,
    where "print" scattered over "Para: Indígenas de EE. UU." does not."""
    typed = tokens(query)
    words = tokens(name)
    return bool(typed) and all(any(word.startswith(part) for word in words) for part in typed)


@dataclass(frozen=True)
class PaletteEntry:
    text: str  # shown, in the interface language
    help: str
    callback: Callable[[], object]
    # also matched: the command's names in the other interface language ("print" in a Spanish
    # interface, "imprimir" in an English one) and its short footer label; shown under the text when
    # one of them is what matched
    aliases: tuple[str, ...] = ()
    command: bool = True  # a command or a theme; False for a filter value


class HelplineCommands(Provider):
    """Palette hits: the registry commands of the current screen and the App, the filter values
    (Peplum-style "Need: Methadone") and the themes, in the interface language. Commands and themes
    are also found by their names in the other language (a handler working in Spanish may still type
    "print"). Ranking: a command whose name has every word typed ("print", "save html") comes before
    everything else, filter values included; then the fuzzy score of the best name decides."""

    def _entries(self) -> Iterable[PaletteEntry]:
        app = cast("HelplineApp", self.app)
        lang = app.ui_lang
        other = "en" if lang == "es" else "es"
        screen = self.screen
        scope = getattr(screen, "SCOPE", None)
        keymap = getattr(app, "keymap", {})
        for command in REGISTRY:
            if not command.palette or ("app" in command.scopes and app.check_action(command.action.removeprefix("app."), ()) is False):
                continue  # an app command that does not apply here (the tally's key with the tally off)
            aliases = _other_names(command, lang, other)
            if "app" in command.scopes or scope in command.scopes:
                keys = key_display(app, effective_keys(command, keymap))
                text = f"{palette_label(command, lang)}  ({keys})"
                yield PaletteEntry(text, help_text(command, lang), partial(app.run_action, command.action, screen),
                                   aliases)
            elif command.palette_anywhere:  # its keys work only on its own screen: none shown
                yield PaletteEntry(palette_label(command, lang), help_text(command, lang),
                                   partial(app.run_on_screen_of, command.scopes[0], command.action), aliases)
        if scope == "search" and hasattr(screen, "palette_filter_entries"):
            for text, callback in screen.palette_filter_entries():
                yield PaletteEntry(text, t("palette.filter_help", lang), callback, command=False)
        for name in app.theme_choices():
            yield PaletteEntry(t("palette.theme", lang, name=name), t("palette.theme_help", lang),
                               partial(app.apply_theme, name), (t("palette.theme", other, name=name),))

    async def discover(self) -> Hits:
        for entry in self._entries():
            yield DiscoveryHit(entry.text, entry.callback, help=entry.help)

    async def search(self, query: str) -> Hits:
        style = self.matcher(query).match_style
        folded = fold_chars(query)
        # above any fuzzy score for this query (at most 8 per character typed: textual.fuzzy)
        well_matched_bonus = 8 * len(folded.lower()) + 1
        for entry in self._entries():
            score, name = 0.0, entry.text
            offsets: Sequence[int] = ()
            for candidate in (entry.text, *entry.aliases):
                candidate_score, candidate_offsets = _FUZZY.match(folded, fold_chars(candidate))
                if candidate_score > score:
                    score, offsets, name = candidate_score, candidate_offsets, candidate
            if not score:
                continue
            if entry.command and any(names_match_well(query, n) for n in (entry.text, *entry.aliases)):
                score += well_matched_bonus
            shown = _highlighted(name, offsets, style)
            if name != entry.text:  # matched by another of its names: show that name too
                shown = Content.assemble(entry.text, "\n", shown)
            yield Hit(score, shown, entry.callback, text=entry.text, help=entry.help)


_FUZZY = FuzzySearch()


def _other_names(command: Command, lang: str, other: str) -> tuple[str, ...]:
    """The names the palette also matches, besides the text it shows: the footer label when the
    palette names the command in full ("Save txt"), and both in the other language."""
    names = [label(command, lang)]
    if command.found_by_other_language:
        names += [palette_label(command, other), label(command, other)]
    return tuple(n for n in dict.fromkeys(names) if n != palette_label(command, lang))


def _highlighted(text: str, offsets, style) -> Content:
    """`text` as literal text (never markup), with the matched characters in the palette's match style."""
    content = Content(text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(style, offset, offset + 1)
    return content
