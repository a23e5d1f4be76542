"""One call in the plain interface: what the handler typed, and the lines said in answer.

`Session.handle(line)` takes one typed line and returns the lines to print: a command (help, more,
open 3, add 3, place 10701, language es, need methadone, slip, end call, español, ...) or, for
anything else, a search. It holds the call as the TUI does (search words, filters, referral list,
note, slip language) and uses the same functions: `core.search.search`, `core.referral` for the slip
and its saving, the TUI's catalogue where its words fit. No Textual, no terminal control: `run()`
prints plain lines, each through the one display rule.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable, TextIO

from helpline_tui import config as config_mod
from helpline_tui import paths
from helpline_tui.core import days, referral, tally, vocabulary
from helpline_tui.core.directory import DirectoryError, FileIdentity, get_record, is_demo, open_readonly
from helpline_tui.core.display import display_text
from helpline_tui.core.records import KINDS
from helpline_tui.core.search import DEFAULT_RADIUS_MILES, Filters, FilterError, SearchPage, normalise_filters, search
from helpline_tui.errors import Signal
from helpline_tui.i18n import normalise_ui_language, t
from helpline_tui.plain import speech
from helpline_tui.plain.words import COMMANDS, YES, w

PAGE = 10  # results announced at a time; `more` says the next ones
# Commands said alone: followed by other words, the line is a search ("help for veterans").
ALONE = ("help", "more", "list", "filters", "nearest", "clear_filters", "end_call", "repeat", "spanish", "english", "quit",
         "nothing_suitable")


class Quit(Signal):
    pass


def _fold(text: str) -> str:
    """Lower case without accents: "Español" and "espanol" are one word to type."""
    text = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def _command(line: str) -> tuple[str | None, str]:
    """(action, the rest of the line), or (None, line) for a search. Two-word commands first
    ("end call", "clear filters")."""
    words = line.split()
    for size in (3, 2, 1):
        if len(words) >= size:
            name = " ".join(words[:size]).casefold()
            action = COMMANDS.get(name) or COMMANDS.get(_fold(name))
            if action:
                return action, " ".join(words[size:])
    return None, line


class Session:
    def __init__(self, db_path: str | Path, lang: str | None = None, config: config_mod.Config | None = None,
                 clock: Callable[[], dt.datetime] | None = None, tally_path: str | Path | None = None):
        self.config = config if config is not None else config_mod.load()
        self.ui_lang = normalise_ui_language(lang or self.config.ui_language)
        self.path = Path(db_path)
        self.identity = FileIdentity.of(self.path)
        self.conn: sqlite3.Connection = open_readonly(self.path)
        self.clock = clock or (lambda: dt.datetime.now().astimezone())
        self.last_answer: list[str] = []
        # The call tally (core/tally.py), as in the TUI: on with [tally] enabled or --tally PATH.
        self.tally_writer: tally.TallyWriter | None = None
        self.tally_problem: str | None = None
        if tally_path or self.config.tally.enabled:
            try:
                self.tally_writer = tally.TallyWriter(Path(tally_path) if tally_path else
                                                      (self.config.tally.path or tally.default_path()), self.path)
            except tally.TallyError as exc:
                self.tally_problem = str(exc)
        self._clear_call()

    # ---- the call -------------------------------------------------------------------------------
    def _clear_call(self) -> None:
        self.query = ""
        self.filters = Filters()
        self.sort = "relevance"  # "distance" with `nearest`, when a place is set
        self.place_label: str | None = None
        self.page: SearchPage | None = None
        self.shown = 0  # results announced so far; open/add take 1..shown
        self.opened: int | None = None  # the result last opened: `add` alone adds it
        self.referrals: list[dict[str, Any]] = []
        # By record id, what the search a service was added from asked for that it has: on the slip.
        self.asked_for: dict[str, tuple[tuple[str, str], ...]] = {}
        self.note = ""
        self.slip_lang = self.default_slip_lang
        self.confirming_end = False
        self.call_tally = tally.CallTally() if self.tally_writer is not None else None

    @property
    def default_slip_lang(self) -> str:
        return normalise_ui_language(self.config.slip_language or self.ui_lang)

    def total_services(self) -> int:
        return self.conn.execute("SELECT count(*) FROM services WHERE status = 'active'").fetchone()[0]

    def greeting(self) -> list[str]:
        lines = [w("ready", self.ui_lang, n=self.total_services())]
        if is_demo(self.conn):
            lines.append(w("demo", self.ui_lang))
        if self.config.error:
            lines.append(t("config.error", self.ui_lang, error=self.config.error))
        if self.tally_writer is not None:
            lines.append(w("tally.on", self.ui_lang))
        if self.tally_problem:
            lines.append(t("tally.error", self.ui_lang, error=self.tally_problem))
        return lines

    # ---- one typed line -------------------------------------------------------------------------
    def handle(self, line: str) -> list[str]:
        """The lines that answer `line`. Raises Quit on quit/salir."""
        line = line.strip()
        answer = self._reload()
        if self.confirming_end:
            self.confirming_end = False
            if _fold(line) in YES:
                return answer + self._end_call()
            answer.append(w("endcall.kept", self.ui_lang))
            if not line or _fold(line) in ("no", "n"):
                return answer
        if not line:
            return answer
        action, rest = _command(line)
        number = rest.isascii() and rest.isdigit()  # "²" is a digit to str.isdigit, not to int()
        if (action in ("open", "add", "remove") and rest and not number) or (action in ALONE and rest):
            action, rest = None, line  # "open door recovery", "more than words": names to search for
        if action is None:
            answer += self._search(line)
        elif action == "repeat":
            return answer + (self.last_answer or [w("nothing_to_repeat", self.ui_lang)])
        else:
            answer += getattr(self, f"_do_{action}")(rest)
        self.last_answer = answer
        return answer

    def _reload(self) -> list[str]:
        """An import swapped the directory in: search the new one, keep the call (as the TUI does)."""
        identity = FileIdentity.of(self.path)
        if identity is None or identity == self.identity:
            return []
        self.identity = identity  # a file that cannot be opened is said once, not on every line
        try:
            conn = open_readonly(self.path)
            total = conn.execute("SELECT count(*) FROM services WHERE status = 'active'").fetchone()[0]
        except (DirectoryError, sqlite3.Error) as exc:  # the old connection keeps answering
            return [t("reload.failed", self.ui_lang, error=str(exc))]
        self.conn.close()
        self.conn = conn
        return [w("reloaded", self.ui_lang, n=total)]

    # ---- searching ------------------------------------------------------------------------------
    def _search(self, query: str) -> list[str]:
        self.query = query
        return self._run_search()

    def _searching(self) -> bool:
        return bool(self.query) or self.filters != Filters()

    def _run_search(self) -> list[str]:
        self.shown, self.opened = 0, None
        try:
            page = self.page = search(self.conn, self.query, self.filters, limit=PAGE, sort=self.sort, now=self.clock())
        except FilterError as exc:
            self.page = None
            return [t("status.filter_error", self.ui_lang, message=str(exc))]
        if self.call_tally is not None:  # a typed line is a whole search: each one joins the call
            self.call_tally.read(tally.read_search(self.conn, page))
            self.call_tally.settle()
        return self._count_line(page) + self._next_results(page)

    def _count_line(self, page: SearchPage) -> list[str]:
        lang = self.ui_lang
        where = ""
        if page.nearest_to is not None:
            where = w("results.nearest_to", lang, place=page.nearest_to.label)
        elif page.place is not None:
            where = w("results.near", lang, place=page.place.label)
        if page.total == 0:
            lines = [w("results.none", lang)]
        else:
            lines = [w("results.one" if page.total == 1 else "results.many", lang, n=page.total, where=where)]
        if page.days:  # "aa tonight": which evening, and where it is that evening
            said = ", ".join(days.label_where(day, page.today, lang) for day in page.days)
            lines.append(w("results.days", lang, days=said))
        if page.fellowship_missing:
            others = ", ".join(page.fellowships_offered) or ("otros grupos" if lang == "es" else "other groups")
            lines.append(w("results.fellowship_missing", lang, fellowship=page.fellowship_missing, others=others))
        if page.words_not_found:
            lines.append(w("results.not_found", lang, words=", ".join(page.words_not_found)))
        if page.needs_a_place:
            lines.append(w("results.add_place", lang))
        return lines

    def _next_results(self, page: SearchPage) -> list[str]:
        if self.shown + PAGE > len(page.hits) and len(page.hits) < page.total:
            page = self.page = search(self.conn, self.query, self.filters, limit=self.shown + PAGE, sort=self.sort,
                                      now=self.clock())
        new = page.hits[self.shown:self.shown + PAGE]
        in_list = {rec["id"] for rec in self.referrals}
        lines = [speech.result_line(hit, self.shown + k + 1, page.total, self.ui_lang, hit.record["id"] in in_list)
                 for k, hit in enumerate(new)]
        self.shown += len(new)
        if self.shown < page.total:
            last = min(self.shown + PAGE, page.total)
            lines.append(w("results.more", self.ui_lang, first=self.shown + 1, last=last))
        return lines

    def _do_more(self, _rest: str) -> list[str]:
        if self.page is None:
            return [w("no_search", self.ui_lang)]
        if self.shown >= self.page.total:
            return [w("results.end", self.ui_lang)]
        return self._next_results(self.page)

    # ---- a result -------------------------------------------------------------------------------
    def _result(self, rest: str, action: str) -> tuple[int | None, list[str]]:
        """The result number typed after open/add (or, for add, the one last opened), else what to say."""
        if self.page is None or self.shown == 0:
            return None, [w("no_search", self.ui_lang)]
        if not rest:
            if self.opened is not None and action == "add":
                return self.opened, []
            return None, [w("which", self.ui_lang, command=self._command_word(action))]
        i = int(rest)
        if not 1 <= i <= self.shown:
            return None, [w("no_such", self.ui_lang, i=i, n=self.shown)]
        return i, []

    def _page_shown(self) -> SearchPage:
        """The page results are numbered on (`_result` has checked there is one)."""
        assert self.page is not None
        return self.page

    def _command_word(self, action: str) -> str:
        return {"open": ("open", "abrir"), "add": ("add", "añadir"), "remove": ("remove", "quitar")}[action][self.ui_lang == "es"]

    def _do_open(self, rest: str) -> list[str]:
        i, problem = self._result(rest, "open")
        if i is None:
            return problem
        page = self._page_shown()
        hit = page.hits[i - 1]
        record = get_record(self.conn, hit.record["id"]) or hit.record
        self.opened = i
        in_list = any(rec["id"] == record["id"] for rec in self.referrals)
        return speech.detail_lines(self.conn, record, hit, i, page.total, self.ui_lang, self.clock(), in_list)

    def _do_add(self, rest: str) -> list[str]:
        i, problem = self._result(rest, "add")
        if i is None:
            return problem
        hit = self._page_shown().hits[i - 1]
        name = hit.record.get("name") or ""
        if any(rec["id"] == hit.record["id"] for rec in self.referrals):
            return [w("already", self.ui_lang, name=name)]
        self.referrals.append(get_record(self.conn, hit.record["id"]) or hit.record)
        self.asked_for[hit.record["id"]] = hit.matched
        return [t("referral.added", self.ui_lang, name=name)]

    def _do_remove(self, rest: str) -> list[str]:
        if not self.referrals:
            return [w("list.empty", self.ui_lang)]
        if not rest:
            return [w("which", self.ui_lang, command=self._command_word("remove"))]
        i = int(rest)
        if not 1 <= i <= len(self.referrals):
            return [w("no_such_item", self.ui_lang, i=i, n=len(self.referrals))]
        removed = self.referrals.pop(i - 1)
        return [t("referral.removed", self.ui_lang, name=removed.get("name") or "")]

    def _do_list(self, _rest: str) -> list[str]:
        if not self.referrals:
            return [w("list.empty", self.ui_lang)]
        n = len(self.referrals)
        lines = [w("list.one" if n == 1 else "list.many", self.ui_lang, n=n)]
        for i, rec in enumerate(self.referrals, 1):
            phone = speech.best_phone(rec)
            said = w("row.phone", self.ui_lang, phone=speech.spoken_phone(phone, self.ui_lang)) if phone \
                else w("row.no_phone", self.ui_lang)
            lines.append(w("list.row", self.ui_lang, i=i, name=rec.get("name") or "", phone=said))
        if self.note.strip():
            lines.append(f"{t('slip.note', self.ui_lang)}: {self.note.strip()}")
        return lines

    # ---- filters --------------------------------------------------------------------------------
    def _filtered(self, filters: Filters, said: str) -> list[str]:
        self.filters = filters
        return [said] + (self._run_search() if self._searching() else [])

    def _do_place(self, rest: str) -> list[str]:
        if not rest:
            self.place_label = None
            return self._filtered(replace(self.filters, near=None, radius=None), w("place.cleared", self.ui_lang))
        radius = self.filters.radius or DEFAULT_RADIUS_MILES
        wanted = replace(self.filters, near=rest, radius=radius)
        try:
            _normalised, place = normalise_filters(self.conn, wanted)
        except FilterError as exc:
            return [t("status.filter_error", self.ui_lang, message=str(exc))]
        self.place_label = place.label if place else rest
        said = w("place.set", self.ui_lang, place=self.place_label, radius=speech.miles_said(radius, self.ui_lang))
        return self._filtered(wanted, said)

    def _do_language(self, rest: str) -> list[str]:
        if not rest:
            return self._filtered(replace(self.filters, lang=None), w("language.cleared", self.ui_lang))
        vocab = vocabulary.load()
        code = next((term.id for term in vocab.languages
                     if _fold(rest) in (_fold(term.en), _fold(term.es), term.id)), None)
        code = code or vocab.canonical_language(rest)
        if code is None:
            return [w("language.unknown", self.ui_lang, value=rest)]
        said = w("language.set", self.ui_lang, language=vocab.language_label(code, self.ui_lang))
        return self._filtered(replace(self.filters, lang=code), said)

    def _do_need(self, rest: str) -> list[str]:
        if not rest:
            return self._filtered(replace(self.filters, needs=()), w("need.cleared", self.ui_lang))
        vocab = vocabulary.load()
        wanted = _fold(rest)
        term = next((term for term in vocab.filter_terms
                     if wanted in (term.id, _fold(term.en), _fold(term.es), *map(_fold, term.synonyms))), None)
        if term is None:
            return [w("need.unknown", self.ui_lang, value=rest)]
        needs = self.filters.needs if term.id in self.filters.needs else (*self.filters.needs, term.id)
        said = w("need.set", self.ui_lang, needs=", ".join(need.label(self.ui_lang) for need in map(vocab.term, needs) if need))
        return self._filtered(replace(self.filters, needs=needs), said)

    def _do_kind(self, rest: str) -> list[str]:
        if not rest:
            return self._filtered(replace(self.filters, kind=None), w("kind.cleared", self.ui_lang))
        wanted = _fold(rest).replace(" ", "-")
        kind = next((k for k in KINDS if wanted in (k, *(_fold(t(f"kind.{k}", lang)).replace(" ", "-")
                                                        for lang in ("en", "es")))), None)
        if kind is None:
            kinds = ", ".join(t(f"kind.{k}", self.ui_lang).lower() for k in KINDS)
            return [w("kind.unknown", self.ui_lang, value=rest, kinds=kinds)]
        return self._filtered(replace(self.filters, kind=kind), w("kind.set", self.ui_lang, kind=t(f"kind.{kind}", self.ui_lang)))

    def _do_nearest(self, _rest: str) -> list[str]:
        """Nearest first, or back to best match first (the TUI's `o`): only with a place."""
        if not self.filters.near and (self.page is None or self.page.place is None):
            return [w("sort.needs_place", self.ui_lang)]
        self.sort = "relevance" if self.sort == "distance" else "distance"
        said = w("sort.nearest" if self.sort == "distance" else "sort.best", self.ui_lang)
        return [said] + self._run_search()

    def _do_filters(self, _rest: str) -> list[str]:
        f, lang, vocab = self.filters, self.ui_lang, vocabulary.load()
        said = []
        if f.near:
            said.append(t("filter.value", lang, filter=t("chip.place", lang),
                          value=f"{self.place_label or f.near}, {speech.miles_said(f.radius or DEFAULT_RADIUS_MILES, lang)}"))
        if f.lang:
            said.append(t("filter.value", lang, filter=t("chip.language", lang), value=vocab.language_label(f.lang, lang)))
        if f.needs:
            said.append(t("filter.value", lang, filter=t("chip.need", lang),
                          value=", ".join(term.label(lang) for term in map(vocab.term, f.needs) if term)))
        if f.kind:
            said.append(t("filter.value", lang, filter=t("chip.kind", lang), value=t(f"kind.{f.kind}", lang)))
        return ["; ".join(said) + "." if said else w("filters.none", lang)]

    def _do_clear_filters(self, _rest: str) -> list[str]:
        self.place_label = None
        return self._filtered(Filters(), w("filters.cleared", self.ui_lang))

    # ---- the slip and the end of the call ------------------------------------------------------
    def _do_note(self, rest: str) -> list[str]:
        self.note = rest
        return [w("note.set" if rest else "note.cleared", self.ui_lang)]

    def _do_slip(self, rest: str) -> list[str]:
        choice = _fold(rest)
        if choice in ("es", "espanol", "spanish"):
            self.slip_lang = "es"
        elif choice in ("en", "english", "ingles"):
            self.slip_lang = "en"
        if not self.referrals:
            return [w("list.empty", self.ui_lang)]
        now = self.clock()
        text = referral.slip_text(self.referrals, self.slip_lang, self.note, now, is_demo(self.conn), self.asked_for)
        body = text.rstrip("\n").split("\n")
        lines = [w("slip.language", self.ui_lang, language=t(f"lang.{self.slip_lang}", self.ui_lang)),
                 w("slip.start", self.ui_lang, lines=len(body)), *body, w("slip.end", self.ui_lang)]
        if not self.config.keep_notes and self.note:  # the install keeps no note in saved slips
            text = referral.slip_text(self.referrals, self.slip_lang, "", now, is_demo(self.conn), self.asked_for)
        try:
            folder = self.config.referral_folder or paths.writable_folder(paths.referral_folders())
            path = referral.save_slip(folder, text, referral.slip_filename(self.slip_lang, now, "txt"))
        except OSError as exc:  # the OS's words ("No space left on device"); nothing was left behind
            return lines + [t("referral.save_failed", self.ui_lang, error=exc.strerror or str(exc))]
        key = "referral.saved_shared" if referral.folder_open_to_others(path.parent) else "referral.saved"
        return lines + [t(key, self.ui_lang, path=str(path))]

    def _do_end_call(self, _rest: str) -> list[str]:
        if self.referrals or self.note.strip():
            self.confirming_end = True
            return [w("endcall.ask", self.ui_lang, n=len(self.referrals))]
        return self._end_call()

    def _end_call(self) -> list[str]:
        lines = []
        if self.call_tally is not None and self.tally_writer is not None:
            self.tally_writer.record(self.call_tally.finish(self.referrals, self.ui_lang, self.clock(),
                                                            self.config.tally.zone, self.config.tally.seat))
            if self.tally_writer.error:
                lines.append(t("tally.error", self.ui_lang, error=self.tally_writer.error))
                self.tally_writer.error = None
        self._clear_call()
        return [t("endcall.done", self.ui_lang)] + lines

    def _do_nothing_suitable(self, _rest: str) -> list[str]:
        if self.call_tally is None:
            return [t("tally.off", self.ui_lang)]
        marked = self.call_tally.mark_nothing_suitable()
        if not marked:
            return [t("tally.no_need", self.ui_lang)]
        return [t("tally.marked", self.ui_lang, needs=tally.need_labels(marked, self.ui_lang))]

    def close(self) -> None:
        """Write the tally's queued calls and close the files."""
        if self.tally_writer is not None:
            self.tally_writer.close()
            self.tally_writer = None
        self.conn.close()

    # ---- the interface ---------------------------------------------------------------------------
    def _set_ui_language(self, lang: str) -> list[str]:
        self.ui_lang = lang
        self.slip_lang = self.default_slip_lang  # as the TUI: a Spanish-speaking volunteer wants Spanish slips
        return [t("language.set", lang)]

    def _do_spanish(self, _rest: str) -> list[str]:
        return self._set_ui_language("es")

    def _do_english(self, _rest: str) -> list[str]:
        return self._set_ui_language("en")

    def _do_help(self, _rest: str) -> list[str]:
        return [w("help", self.ui_lang)]

    def _do_quit(self, _rest: str) -> list[str]:
        raise Quit


def run(db_path: str | Path, lang: str | None = None, config: config_mod.Config | None = None,
        stdin: TextIO | None = None, stdout: TextIO | None = None, tally_path: str | Path | None = None) -> int:
    """The line-by-line loop: a prompt, one typed line, the lines that answer it. Ctrl-D (end of
    input), quit or salir ends it; Ctrl-C drops the line being typed, as a shell does."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    for stream in (stdin, stdout):  # a byte the terminal's encoding cannot hold is never a traceback
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    session = Session(db_path, lang, config, tally_path=tally_path)
    try:
        return _loop(session, stdin, stdout)
    finally:
        session.close()


def _loop(session: Session, stdin: TextIO, stdout: TextIO) -> int:
    def say(lines: list[str]) -> None:
        for line in lines:
            stdout.write(display_text(line) + "\n")
        stdout.flush()

    say(session.greeting())
    while True:
        try:  # the prompt too: a Ctrl-C arriving just after the answer is printed drops a line, never the call
            stdout.write(w("prompt", session.ui_lang))
            stdout.flush()
            line = stdin.readline()
            if not line:  # Ctrl-D
                stdout.write("\n")
                say([w("bye", session.ui_lang)])
                return 0
            say(session.handle(line))
        except Quit:
            say([w("bye", session.ui_lang)])
            return 0
        except KeyboardInterrupt:  # Ctrl-C: the line is dropped, the call goes on
            stdout.write("\n")
