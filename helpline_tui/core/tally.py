"""The call tally: what callers needed and whether a service was given, kept without anything about
the caller. One row per call, written when the call ends (F10, the plain mode's "end call"), only
when the install turns it on (`[tally] enabled = true`).

A call keeps: a random id, the seat when the install names one, the day and the hour in the
helpline's zone, the interface language, the place at county level (the state where no county is
known), the needs (and service concepts) its searches read, each need's outcome, and the ids of the
services on the referral list. Never the words typed, the note, a phone, a ZIP code or the minute:
`CallTally` is given only what a search *read* (need ids, a county), never the text it read them from.

A tally file is its own SQLite file (never a directory file: directories are copied between seats,
tallies are not), private to the user (0600 in a 0700 folder), append-only. `TallyWriter` writes each
ended call in one short transaction on its own thread, so ending a call waits for no disk; a crash
loses at most the call being ended. No Textual here.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import sqlite3
import threading
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from helpline_tui.errors import Failure

if TYPE_CHECKING:
    from helpline_tui.core.search_types import SearchPage

FORMAT = "helpline-tally 1"
OUTCOMES = ("referred", "nothing-suitable", "not-referred")
SCHEMA = """
CREATE TABLE IF NOT EXISTS tally_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
  call_id     TEXT PRIMARY KEY,
  seat        TEXT,
  day         TEXT NOT NULL,
  hour        INTEGER NOT NULL,
  ui_language TEXT NOT NULL,
  state       TEXT,
  county      TEXT
);
CREATE TABLE IF NOT EXISTS call_needs (
  call_id TEXT NOT NULL REFERENCES calls(call_id),
  need    TEXT NOT NULL,
  concept TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL CHECK (outcome IN ('referred', 'nothing-suitable', 'not-referred')),
  PRIMARY KEY (call_id, need, concept)
);
CREATE TABLE IF NOT EXISTS call_referrals (
  call_id    TEXT NOT NULL REFERENCES calls(call_id),
  service_id TEXT NOT NULL,
  PRIMARY KEY (call_id, service_id)
);
""" + """
-- Counts per day derived from the rows above, kept in the same transaction as each call, so that
-- `helpline report` over a year of calls reads thousands of rows, not millions. Nothing in them is
-- not already in the call rows; '' stands for an unknown state or county. Rebuilt from the call
-- rows whenever they disagree (a file written by another program).
CREATE TABLE IF NOT EXISTS summary_calls (
  day TEXT NOT NULL, ui_language TEXT NOT NULL, state TEXT NOT NULL, county TEXT NOT NULL,
  calls INTEGER NOT NULL, PRIMARY KEY (day, ui_language, state, county)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS summary_needs (
  day TEXT NOT NULL, state TEXT NOT NULL, county TEXT NOT NULL, need TEXT NOT NULL,
  asked INTEGER NOT NULL, met INTEGER NOT NULL, unmet INTEGER NOT NULL,
  PRIMARY KEY (day, state, county, need)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS summary_referrals (
  day TEXT NOT NULL, service_id TEXT NOT NULL, calls INTEGER NOT NULL,
  PRIMARY KEY (day, service_id)) WITHOUT ROWID;
"""
SUMMARY_TABLES = ("summary_calls", "summary_needs", "summary_referrals")
# The summaries from the call rows: each (call, need) once, met when any service given carries it.
REBUILD_SUMMARIES = """
DELETE FROM summary_calls; DELETE FROM summary_needs; DELETE FROM summary_referrals;
INSERT INTO summary_calls SELECT day, ui_language, coalesce(state, ''), coalesce(county, ''), count(*)
  FROM calls GROUP BY 1, 2, 3, 4;
INSERT INTO summary_needs
  SELECT c.day, coalesce(c.state, ''), coalesce(c.county, ''), a.need, count(*), sum(a.met), sum(a.unmet AND NOT a.met)
  FROM (SELECT call_id, need, max(outcome = 'referred') AS met, max(outcome = 'nothing-suitable') AS unmet
        FROM call_needs GROUP BY call_id, need) a JOIN calls c ON c.call_id = a.call_id GROUP BY 1, 2, 3, 4;
INSERT INTO summary_referrals SELECT c.day, r.service_id, count(*)
  FROM call_referrals r JOIN calls c ON c.call_id = r.call_id GROUP BY 1, 2;
"""


class TallyError(Failure):
    """One sentence naming the tally file and what is wrong with it."""


def default_path() -> Path:
    """tally.sqlite in a folder of its own in the platform's data folder
    (~/.local/share/helpline/tally/ on Linux), so the folder can be private without touching others'."""
    import platformdirs

    return platformdirs.user_data_path("helpline", appauthor=False) / "tally" / "tally.sqlite"


# ------------------------------------------------------------------------------------- one call

NeedKey = tuple[str, str]  # (need id, concept id or '')


@dataclass(frozen=True)
class SearchReading:
    """What one search read that the tally may keep: need ids (with concepts) and the place's area.
    `signature` tells a search that goes on from this one (more letters) from one that leaves it."""

    needs: tuple[NeedKey, ...] = ()
    state: str | None = None
    county: str | None = None
    signature: tuple[str, Any] = ("", None)

    @property
    def has_place(self) -> bool:
        return self.state is not None


@dataclass(frozen=True)
class CallRow:
    call_id: str
    seat: str | None
    day: str
    hour: int
    ui_language: str
    state: str | None
    county: str | None
    needs: tuple[tuple[str, str, str], ...]  # (need, concept, outcome)
    referrals: tuple[str, ...]


@dataclass
class CallTally:
    """What one call's searches read, kept while the call lasts. A search is taken into the call when
    the handler leaves it for other words or another filter, acts on it (adds a service, marks a
    need) or ends the call. Words on their way are not: a word still being typed ("hou…") is read
    again with its next letter, and the words left while deleting ("housing mia…", "housing m") are
    not searches asked, only what was there before the first deletion (the `peak`)."""

    needs: dict[NeedKey, None] = field(default_factory=dict)  # in the order asked
    nothing_suitable: set[NeedKey] = field(default_factory=set)
    state: str | None = None
    county: str | None = None
    pending: SearchReading | None = None  # the search on screen
    peak: SearchReading | None = None  # the search before the words on screen were deleted down to

    def read(self, reading: SearchReading) -> None:
        pending, peak = self.pending, self.peak
        if pending is None:
            self.pending = reading
            return
        if _goes_on_from(reading.signature, pending.signature):  # typed on
            if peak is not None and not _goes_on_from(peak.signature, reading.signature):
                self._take(peak)  # typed away from what was deleted: it was a search of its own
                self.peak = None
        elif _goes_on_from(pending.signature, reading.signature):  # deleted back
            if peak is None:
                self.peak = pending
        else:  # other words or another filter
            for left in (peak, pending):
                if left is not None:
                    self._take(left)
            self.peak = None
        self.pending = reading

    def settle(self) -> SearchReading | None:
        """Take the search on screen (and the one deleted back from) into the call; return it."""
        if self.peak is not None:
            self._take(self.peak)
            self.peak = None
        if self.pending is not None:
            self._take(self.pending)  # still on screen: read again if it goes on
        return self.pending

    def mark_nothing_suitable(self) -> tuple[str, ...]:
        """Mark the needs of the search on screen "nothing suitable found"; the need ids marked."""
        reading = self.settle()
        if reading is None:
            return ()
        self.nothing_suitable.update(reading.needs)
        return tuple(dict.fromkeys(need for need, _ in reading.needs))

    def _take(self, reading: SearchReading) -> None:
        for key in reading.needs:
            self.needs.setdefault(key, None)
        if reading.has_place:  # the last place searched is the caller's
            self.state, self.county = reading.state, reading.county

    def finish(self, referrals: Iterable[dict[str, Any]], ui_language: str, moment: dt.datetime,
               zone: str | None = None, seat: str | None = None) -> CallRow:
        self.settle()
        referred = list(referrals)
        referred_needs = {n for rec in referred for n in (rec.get("needs") or ())}
        local = moment.astimezone(ZoneInfo(zone)) if zone else moment.astimezone()
        rows = []
        for need, concept in self.needs:
            if need in referred_needs:
                outcome = "referred"
            elif (need, concept) in self.nothing_suitable:
                outcome = "nothing-suitable"
            else:
                outcome = "not-referred"
            rows.append((need, concept, outcome))
        ids = tuple(dict.fromkeys(str(rec["id"]) for rec in referred if rec.get("id")))
        return CallRow(uuid.uuid4().hex, seat or None, local.strftime("%Y-%m-%d"), local.hour,
                       "es" if ui_language == "es" else "en", self.state, self.county, tuple(rows), ids)


def _goes_on_from(new: tuple[str, Any], old: tuple[str, Any]) -> bool:
    """The same filters and the words only lengthened ("hous" -> "housing", "housing" -> "housing mia")."""
    return new[1] == old[1] and new[0].startswith(old[0])


def read_search(conn: sqlite3.Connection, page: SearchPage, filters_signature: Any = None) -> SearchReading:
    """The needs a search page read (the query's need words and the filters' needs, each with the
    service concept read beneath it) and its place's county, from the directory's ZIP table. Nothing typed is kept:
    the signature is used to compare searches while the call lasts and is never written."""
    from helpline_tui.core import matched, vocabulary

    vocab = vocabulary.load()
    plan = getattr(page, "plan", None)
    filters = page.filters
    asked = matched.asked(plan.groups if plan is not None else (), filters.needs, None)
    # A service concept read ("help paying rent") is kept with its need, in place of the bare need; a
    # concept named as its need ("housing", "detox") is the whole need, kept as the need alone.
    concepts: list[NeedKey] = [(c.need, "" if c.id == c.need else c.id) for c in page.concepts_read
                               if _is_need(vocab, c.need)]
    with_concept = {need for need, _ in concepts}
    needs: list[NeedKey] = [(term, "") for facet, term in asked
                            if facet == "need" and _is_need(vocab, term) and term not in with_concept]
    needs += concepts
    place = page.place or page.nearest_to
    state, county = place_area(conn, place) if place is not None else (None, None)
    signature = (" ".join(str(page.query).split()).casefold(), filters_signature if filters_signature is not None
                 else (filters.near, filters.radius, filters.lang, tuple(filters.needs), filters.kind, filters.state))
    return SearchReading(tuple(dict.fromkeys(needs)), state, county, signature)


def need_labels(needs: Iterable[str], lang: str) -> str:
    """"Housing, Legal help": how the needs marked are said back to the handler."""
    from helpline_tui.core import vocabulary

    vocab = vocabulary.load()
    return ", ".join(term.label(lang) if (term := vocab.term(n)) else n for n in needs)


def _is_need(vocab, term_id: str) -> bool:
    term = vocab.term(term_id)
    return term is not None and term.facet == "need"


def place_area(conn: sqlite3.Connection, place: Any) -> tuple[str | None, str | None]:
    """(state, county) of a place: its ZIP code's county; a town's county (the one holding most of its
    ZIP codes); a county's own name. The county is None where the ZIP table knows none."""
    from helpline_tui.core.textnorm import fold

    state = (getattr(place, "state", None) or "").upper() or None
    if state is None:
        return None, None
    rows: list[tuple[str]] = []
    zip5 = getattr(place, "zip", None)
    try:
        if zip5:
            rows = conn.execute("SELECT county FROM zip_centroids WHERE zip = ?", (zip5,)).fetchall()
        if not rows:
            city = getattr(place, "city", "") or ""
            rows = conn.execute("SELECT county FROM zip_centroids WHERE county = ? AND state = ? LIMIT 1",
                                (city, state)).fetchall()
            if not rows:
                rows = conn.execute("SELECT county FROM zip_centroids WHERE city_fold = ? AND state = ? "
                                    "AND county != '' GROUP BY county ORDER BY count(*) DESC, county LIMIT 1",
                                    (fold(city), state)).fetchall()
    except sqlite3.Error:
        rows = []
    county = rows[0][0] if rows and rows[0][0] else None
    return state, county


# ------------------------------------------------------------------------------------- the file

def _private_parent(path: Path) -> None:
    """Make the file's folder if missing, private (0700). An existing folder is left as it is."""
    parent = path.parent
    if not parent.exists():
        parent.mkdir(parents=True, mode=0o700)
        os.chmod(parent, 0o700)


def open_for_writing(path: Path, directory_path: Path | None = None) -> sqlite3.Connection:
    """The tally file, made (0600) if missing. Refused: a directory file, or a file that is not a tally."""
    path = Path(path).expanduser()
    if directory_path is not None and _same_file(path, Path(directory_path)):
        raise TallyError(f"{path}: the tally cannot be kept in the directory file; give it a file of its own")
    try:
        _private_parent(path)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(path, 0o600)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise TallyError(f"{path}: cannot open the tally file ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "tally_meta" not in tables:
            raise TallyError(f"{path} is not a tally file (it holds other tables); give the tally a file of its own")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if not tables:  # one transaction: a file is a tally whole, or nothing
            conn.executescript(f"BEGIN IMMEDIATE; {SCHEMA} INSERT OR IGNORE INTO tally_meta "
                               f"VALUES ('format', '{FORMAT}'); COMMIT;")
        _check_format(conn, path)
        if not summaries_agree(conn):  # a file written by another program: its counts from its calls
            conn.executescript(f"BEGIN IMMEDIATE; {SCHEMA} {REBUILD_SUMMARIES} COMMIT;")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise TallyError(f"{path} is not a readable tally file ({exc})") from None
    except TallyError:
        conn.close()
        raise
    return conn


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _check_format(conn: sqlite3.Connection, path: Path) -> None:
    try:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise TallyError(f"{path} is not a readable tally file ({exc})") from None
    if "tally_meta" not in tables:
        what = "a helpline directory file" if "services" in tables else "another kind of SQLite file"
        raise TallyError(f"{path} is not a tally file (it is {what})")
    try:
        row = conn.execute("SELECT value FROM tally_meta WHERE key = 'format'").fetchone()
        columns = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")]
                   for t in ("calls", "call_needs", "call_referrals")}
    except sqlite3.DatabaseError as exc:
        raise TallyError(f"{path} is not a readable tally file ({exc})") from None
    if row is None or row[0] != FORMAT:
        found = f"'{row[0]}'" if row else "none"
        raise TallyError(f"{path} is not a tally file this version reads (format {found}, expected '{FORMAT}')")
    if "call_id" not in columns["calls"] or "need" not in columns["call_needs"] or \
            "service_id" not in columns["call_referrals"]:
        raise TallyError(f"{path} is damaged: its tables are not those of a tally file")


def summaries_agree(conn: sqlite3.Connection, schema: str = "main") -> bool:
    """Whether the file's per-day counts hold exactly its calls (the writer keeps them so)."""
    tables = {name for (name,) in conn.execute(f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}
    if not set(SUMMARY_TABLES) <= tables:
        return False
    counted, calls = conn.execute(f"SELECT (SELECT coalesce(sum(calls), 0) FROM {schema}.summary_calls), "
                                  f"(SELECT count(*) FROM {schema}.calls)").fetchone()
    return counted == calls


def open_for_reading(path: Path) -> sqlite3.Connection:
    """A tally file to report on, read-only; one sentence naming the file when it is missing,
    damaged or not a tally."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise TallyError(f"{path}: no such tally file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise TallyError(f"{path} is not a readable tally file ({exc})") from None
    try:
        _check_format(conn, path)
    except TallyError:
        conn.close()
        raise
    return conn


def write_call(conn: sqlite3.Connection, row: CallRow) -> None:
    """One call, in one transaction: all of it or none."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO calls VALUES (?,?,?,?,?,?,?)",
                     (row.call_id, row.seat, row.day, row.hour, row.ui_language, row.state, row.county))
        conn.executemany("INSERT INTO call_needs VALUES (?,?,?,?)", [(row.call_id, *n) for n in row.needs])
        conn.executemany("INSERT INTO call_referrals VALUES (?,?)", [(row.call_id, s) for s in row.referrals])
        _count(conn, row)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def _count(conn: sqlite3.Connection, row: CallRow) -> None:
    """The call into the per-day counts (see SCHEMA), in the transaction that writes it."""
    state, county = row.state or "", row.county or ""
    conn.execute("INSERT INTO summary_calls VALUES (?,?,?,?,1) ON CONFLICT DO UPDATE SET calls = calls + 1",
                 (row.day, row.ui_language, state, county))
    outcomes: dict[str, set[str]] = {}
    for need, _, outcome in row.needs:
        outcomes.setdefault(need, set()).add(outcome)
    conn.executemany(
        "INSERT INTO summary_needs VALUES (?,?,?,?,1,?,?) ON CONFLICT DO UPDATE SET asked = asked + 1, "
        "met = met + excluded.met, unmet = unmet + excluded.unmet",
        [(row.day, state, county, need, int("referred" in seen),
          int("nothing-suitable" in seen and "referred" not in seen)) for need, seen in outcomes.items()])
    conn.executemany("INSERT INTO summary_referrals VALUES (?,?,1) ON CONFLICT DO UPDATE SET calls = calls + 1",
                     [(row.day, service_id) for service_id in dict.fromkeys(row.referrals)])


class TallyWriter:
    """Writes ended calls on a thread of its own: `record()` returns at once. `close()` writes what
    is queued and closes the file. An error writing is kept in `error` (one sentence) for the
    interface to say; the calls after it are still tried."""

    def __init__(self, path: Path, directory_path: Path | None = None) -> None:
        self.path = Path(path).expanduser()
        self.conn = open_for_writing(self.path, directory_path)
        self.error: str | None = None
        self.written = 0
        self._queue: queue.Queue[CallRow | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="tally-writer", daemon=True)
        self._thread.start()

    def record(self, row: CallRow) -> None:
        self._queue.put(row)

    def _run(self) -> None:
        while True:
            row = self._queue.get()
            try:
                if row is None:
                    return
                write_call(self.conn, row)
                self.written += 1
            except (sqlite3.Error, OSError) as exc:
                self.error = f"{self.path}: a call could not be tallied ({exc})"
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        self._queue.join()

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        self.conn.close()


@dataclass(frozen=True)
class Settings:
    """The [tally] table of the settings file (config.py)."""

    enabled: bool = False
    seat: str | None = None
    zone: str | None = None  # IANA name; None: this machine's
    path: Path | None = None
    min_cell: int = 5


MIN_CELL_FLOOR = 3  # smaller cells could identify a caller in a small county


def check_zone(zone: str) -> str:
    from zoneinfo import ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"'{zone}' is not a time zone name such as \"America/New_York\"") from None
    return zone
