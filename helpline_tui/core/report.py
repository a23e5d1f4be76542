"""`helpline report`: what the call tally says, for an admin, a funder or a board. Calls by week or
month; needs asked by recovery-capital domain and by need; met and unmet needs by need and county
(or state); the services referred most; calls by interface language.

Every count under `min_cell` (5 unless set, never under 3) is shown as "<5" in every format, so no
small area or rare need identifies a caller. Several seats' files are merged counting a call once
(by its call id). No Textual here; the CLI prints what this module builds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpline_tui.core import html_charts, tally, vocabulary
from helpline_tui.errors import Failure

TOP_SERVICES = 20
UNKNOWN_PLACE = "unknown place"


class ReportError(Failure):
    """One sentence: a bad option, or a tally file that cannot be read."""


@dataclass(frozen=True)
class Options:
    since: str | None = None  # 'YYYY-MM-DD', inclusive
    until: str | None = None  # 'YYYY-MM-DD', inclusive
    by: str = "month"  # or "week"
    min_cell: int = 5


def check_day(text: str, option: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise ReportError(f"{option} '{text[:40]}' is not a date such as 2026-11-01") from None


def check_min_cell(value: int) -> int:
    if value < tally.MIN_CELL_FLOOR:
        raise ReportError(f"--min-cell {value} is refused: counts under {tally.MIN_CELL_FLOOR} could identify a "
                          f"caller, so the smallest allowed is {tally.MIN_CELL_FLOOR}")
    return value


@dataclass
class Report:
    options: Options
    files: list[str]
    calls: int = 0
    by_period: list[tuple[str, int]] = field(default_factory=list)
    by_language: list[tuple[str, int]] = field(default_factory=list)
    # need -> [asked, referred, nothing-suitable, not-referred] (each (call, need) once)
    by_need: dict[str, list[int]] = field(default_factory=dict)
    # (need, state, county) -> [asked, met, unmet, not-referred]
    by_need_area: dict[tuple[str, str | None, str | None], list[int]] = field(default_factory=dict)
    services: list[tuple[str, str | None, int]] = field(default_factory=list)  # (id, name, calls)

    def by_domain(self) -> list[tuple[str, int]]:
        vocab = vocabulary.load()
        counts: Counter[str] = Counter()
        for need, cells in self.by_need.items():
            term = vocab.term(need)
            counts[term.domain if term and term.domain else "other"] += cells[0]
        order = [d.id for d in vocab.domains] + ["other"]
        return [(d, counts[d]) for d in order if counts.get(d)]


# ------------------------------------------------------------------------------------- reading

def open_files(paths: Sequence[Path]) -> sqlite3.Connection:
    """The tally to count, as per-day counts (tally.SCHEMA). One file whose counts hold its calls (the
    writer keeps them so) is read as it is; several such files are added up in memory, less the calls
    a file shares with one before it (a call is counted once, by call_id); a file without such counts
    (another program's) has its calls merged into memory with the others' and counted there."""
    checked = []
    for path in paths:
        conn = _checked(path)
        checked.append(tally.summaries_agree(conn))
        conn.close()
    if len(paths) == 1 and checked[0]:
        return _checked(paths[0])
    merged = sqlite3.connect(":memory:")
    merged.executescript(tally.SCHEMA + "CREATE TABLE seen (call_id TEXT PRIMARY KEY) WITHOUT ROWID;"
                         "CREATE TABLE shared (call_id TEXT PRIMARY KEY) WITHOUT ROWID;")
    add = _add_counts if all(checked) else _add_calls
    for number, path in enumerate(paths):
        merged.execute(f"ATTACH DATABASE ? AS seat{number}", (f"file:{Path(path).expanduser()}?mode=ro",))
        try:
            add(merged, f"seat{number}", first=number == 0)
            merged.commit()
        except sqlite3.DatabaseError as exc:
            raise ReportError(f"{path} is not a readable tally file ({exc})") from None
        merged.execute(f"DETACH DATABASE seat{number}")
    if add is _add_calls:
        merged.executescript(tally.REBUILD_SUMMARIES)
    return merged


def _add_calls(merged: sqlite3.Connection, seat: str, first: bool) -> None:
    for table in ("calls", "call_needs", "call_referrals"):
        columns = ", ".join(c[1] for c in merged.execute(f"PRAGMA main.table_info({table})"))
        merged.execute(f"INSERT OR IGNORE INTO main.{table} SELECT {columns} FROM {seat}.{table}")


_ADD = {"summary_calls": "calls = calls + excluded.calls",
        "summary_needs": "asked = asked + excluded.asked, met = met + excluded.met, unmet = unmet + excluded.unmet",
        "summary_referrals": "calls = calls + excluded.calls"}


def _add_counts(merged: sqlite3.Connection, seat: str, first: bool) -> None:
    """A seat's per-day counts added to the others', less those of the calls counted already."""
    for table, update in _ADD.items():
        merged.execute(f"INSERT INTO main.{table} SELECT * FROM {seat}.{table} WHERE true "
                       f"ON CONFLICT DO UPDATE SET {update}")
    merged.execute("DELETE FROM shared")
    if not first:
        merged.execute(f"INSERT INTO shared SELECT call_id FROM {seat}.calls WHERE call_id IN (SELECT call_id FROM seen)")
    merged.execute(f"INSERT OR IGNORE INTO seen SELECT call_id FROM {seat}.calls")
    if merged.execute("SELECT count(*) FROM shared").fetchone()[0] == 0:
        return
    calls = f"(SELECT * FROM {seat}.calls WHERE call_id IN (SELECT call_id FROM shared))"
    merged.execute(f"INSERT INTO main.summary_calls SELECT day, ui_language, coalesce(state, ''), coalesce(county, ''), "
                   f"-count(*) FROM {calls} WHERE true GROUP BY 1, 2, 3, 4 ON CONFLICT DO UPDATE SET {_ADD['summary_calls']}")
    merged.execute(
        f"INSERT INTO main.summary_needs SELECT c.day, coalesce(c.state, ''), coalesce(c.county, ''), a.need, -count(*), "
        f"-sum(a.met), -sum(a.unmet AND NOT a.met) FROM (SELECT call_id, need, max(outcome = 'referred') AS met, "
        f"max(outcome = 'nothing-suitable') AS unmet FROM {seat}.call_needs WHERE call_id IN (SELECT call_id FROM shared) "
        f"GROUP BY call_id, need) a JOIN {calls} c ON c.call_id = a.call_id WHERE true GROUP BY 1, 2, 3, 4 "
        f"ON CONFLICT DO UPDATE SET {_ADD['summary_needs']}")
    merged.execute(f"INSERT INTO main.summary_referrals SELECT c.day, r.service_id, -count(*) FROM {seat}.call_referrals r "
                   f"JOIN {calls} c ON c.call_id = r.call_id WHERE true GROUP BY 1, 2 "
                   f"ON CONFLICT DO UPDATE SET {_ADD['summary_referrals']}")
    for table, column in (("summary_calls", "calls"), ("summary_needs", "asked"), ("summary_referrals", "calls")):
        merged.execute(f"DELETE FROM main.{table} WHERE {column} = 0")


def _checked(path: Path) -> sqlite3.Connection:
    try:
        return tally.open_for_reading(Path(path))
    except tally.TallyError as exc:
        raise ReportError(str(exc)) from None


def build(conn: sqlite3.Connection, options: Options, files: Sequence[str] = (),
          names: dict[str, str] | None = None) -> Report:
    """Count what the tally holds between options.since and options.until, from its per-day counts."""
    report = Report(options, [str(f) for f in files])
    where, args = _where(options)
    try:
        period = "substr(day, 1, 7)" if options.by == "month" else \
            "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')"
        report.by_period = [(p, n) for p, n in conn.execute(
            f"SELECT {period} AS p, sum(calls) FROM summary_calls {where} GROUP BY p ORDER BY p", args)]
        report.calls = sum(n for _, n in report.by_period)
        report.by_language = [(lang, n) for lang, n in conn.execute(
            f"SELECT ui_language, sum(calls) FROM summary_calls {where} GROUP BY 1 ORDER BY 2 DESC, 1", args)]
        rows = conn.execute(f"SELECT need, state, county, sum(asked), sum(met), sum(unmet) FROM summary_needs {where} "
                            f"GROUP BY 1, 2, 3", args)
        for need, state, county, asked, met, unmet in rows:
            report.by_need_area[(need, state or None, county or None)] = [asked, met, unmet, asked - met - unmet]
            cells = report.by_need.setdefault(need, [0, 0, 0, 0])
            for i, value in enumerate((asked, met, unmet, asked - met - unmet)):
                cells[i] += value
        services = conn.execute(
            f"SELECT service_id, sum(calls) FROM summary_referrals {where} GROUP BY 1 ORDER BY 2 DESC, 1 "
            f"LIMIT {TOP_SERVICES}", args).fetchall()
    except sqlite3.DatabaseError as exc:
        raise ReportError(f"{', '.join(report.files) or 'the tally'}: cannot be read ({exc})") from None
    names = names or {}
    report.services = [(sid, names.get(sid), n) for sid, n in services]
    report.by_need = dict(sorted(report.by_need.items(), key=lambda kv: (-kv[1][0], kv[0])))
    return report


def _where(options: Options) -> tuple[str, list[str]]:
    clauses, args = [], []
    if options.since:
        clauses.append("day >= ?")
        args.append(options.since)
    if options.until:
        clauses.append("day <= ?")
        args.append(options.until)
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", args


def service_names(directory: sqlite3.Connection, ids: Sequence[str]) -> dict[str, str]:
    """Names of the services referred, from a directory file; an id it does not hold stays an id."""
    names: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        names.update(directory.execute(f"SELECT id, name FROM services WHERE id IN ({marks})", chunk).fetchall())
    return names


# ------------------------------------------------------------------------------------- showing

def cell(value: int, min_cell: int) -> int | str:
    """A count as shown: under min_cell, "<5" (never zero: nothing asked is not shown at all)."""
    return f"<{min_cell}" if 0 < value < min_cell else value


def area_label(state: str | None, county: str | None) -> str:
    if state is None:
        return UNKNOWN_PLACE
    return f"{county}, {state}" if county else state


def need_label(need: str, lang: str = "en") -> str:
    term = vocabulary.load().term(need)
    return term.label(lang) if term else need


def domain_label(domain: str, lang: str = "en") -> str:
    found = vocabulary.load().domain(domain)
    return found.label(lang) if found else domain


def as_json(report: Report) -> dict[str, Any]:
    m = report.options.min_cell
    return {
        "files": report.files, "since": report.options.since, "until": report.options.until,
        "by": report.options.by, "min_cell": m, "calls": cell(report.calls, m),
        "calls_by_period": [{"period": p, "calls": cell(n, m)} for p, n in report.by_period],
        "needs_by_domain": [{"domain": d, "asked": cell(n, m)} for d, n in report.by_domain()],
        "needs": [{"need": need, "asked": cell(c[0], m), "referred": cell(c[1], m),
                   "nothing_suitable": cell(c[2], m), "not_referred": cell(c[3], m)}
                  for need, c in report.by_need.items()],
        "needs_by_area": [{"need": need, "state": state, "county": county, "asked": cell(c[0], m),
                           "met": cell(c[1], m), "unmet": cell(c[2], m), "not_referred": cell(c[3], m)}
                          for (need, state, county), c in _area_rows(report)],
        "services_referred": [{"id": sid, "name": name, "calls": cell(n, m)} for sid, name, n in report.services],
        "by_language": [{"language": lang, "calls": cell(n, m)} for lang, n in report.by_language],
    }


def _area_rows(report: Report):
    return sorted(report.by_need_area.items(),
                  key=lambda kv: (kv[0][0], -kv[1][2], -kv[1][0], kv[0][1] or "~", kv[0][2] or ""))


def csv_text(report: Report) -> str:
    """One table: section, key columns, value columns; suppressed cells as "<5"."""
    m = report.options.min_cell
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["section", "key", "need", "state", "county", "asked", "met", "unmet", "not_referred", "calls"])
    w.writerow(["calls", "total", "", "", "", "", "", "", "", cell(report.calls, m)])
    for period, n in report.by_period:
        w.writerow([f"calls_by_{report.options.by}", period, "", "", "", "", "", "", "", cell(n, m)])
    for domain, n in report.by_domain():
        w.writerow(["needs_by_domain", domain, "", "", "", cell(n, m), "", "", "", ""])
    for need, c in report.by_need.items():
        w.writerow(["needs", need, need, "", "", *(cell(v, m) for v in c), ""])
    for (need, state, county), c in _area_rows(report):
        w.writerow(["needs_by_area", area_label(state, county), need, state or "", county or "",
                    *(cell(v, m) for v in c), ""])
    for sid, _name, n in report.services:
        w.writerow(["services_referred", sid, "", "", "", "", "", "", "", cell(n, m)])
    for lang, n in report.by_language:
        w.writerow(["by_language", lang, "", "", "", "", "", "", "", cell(n, m)])
    return out.getvalue()


def text_lines(report: Report) -> list[str]:
    m = report.options.min_cell
    span = f"{report.options.since or 'the first call'} to {report.options.until or 'the last'}"
    lines = [f"Call tally, {span}: {cell(report.calls, m)} calls (counts under {m} shown as <{m})"]
    lines.append(f"Calls by {report.options.by}:")
    lines += [f"  {p}  {cell(n, m)}" for p, n in report.by_period] or ["  none"]
    lines.append("Needs asked, by recovery-capital domain:")
    lines += [f"  {domain_label(d)}  {cell(n, m)}" for d, n in report.by_domain()] or ["  none"]
    lines.append("Needs asked: asked / referred / nothing suitable / not referred")
    lines += [f"  {need_label(need)} ({need})  " + " / ".join(str(cell(v, m)) for v in c)
              for need, c in report.by_need.items()] or ["  none"]
    lines.append("Met and unmet, by need and county (or state): asked / met / unmet / not referred")
    lines += [f"  {need_label(need)}, {area_label(state, county)}  " + " / ".join(str(cell(v, m)) for v in c)
              for (need, state, county), c in _area_rows(report)] or ["  none"]
    lines.append("Services referred most:")
    lines += [f"  {name or sid}{f' ({sid})' if name else ''}  {cell(n, m)}" for sid, name, n in report.services] \
        or ["  none"]
    lines.append("Calls by interface language:")
    lines += [f"  {lang}  {cell(n, m)}" for lang, n in report.by_language] or ["  none"]
    return lines


def html_page(report: Report) -> str:
    m = report.options.min_cell
    span = f"{report.options.since or 'first call'} – {report.options.until or 'last call'}"
    title = f"Helpline calls, {span}"
    unmet = sorted(((need, c) for need, c in report.by_need.items() if c[2]), key=lambda kv: -kv[1][2])
    sections = [
        (f"Calls: {cell(report.calls, m)} (counts under {m} are shown as <{m})",
         html_charts.bar_chart(f"Calls by {report.options.by}", [(p, cell(n, m)) for p, n in report.by_period])),
        ("Needs asked, by recovery-capital domain",
         html_charts.bar_chart("Needs asked by domain", [(domain_label(d), cell(n, m)) for d, n in report.by_domain()])),
        ("Needs asked",
         html_charts.bar_chart("Calls asking for each need", [(need_label(n), cell(c[0], m))
                                                              for n, c in report.by_need.items()])
         + html_charts.table(["need", "asked", "referred", "nothing suitable", "not referred"],
                             [[need_label(n), *(cell(v, m) for v in c)] for n, c in report.by_need.items()])),
        ("Unmet needs: nothing suitable found",
         html_charts.bar_chart("Nothing suitable found, by need", [(need_label(n), cell(c[2], m)) for n, c in unmet])),
        ("Met and unmet, by need and county (or state)",
         html_charts.table(["need", "county or state", "asked", "met", "unmet", "not referred"],
                           [[need_label(need), area_label(state, county), *(cell(v, m) for v in c)]
                            for (need, state, county), c in _area_rows(report)])),
        ("Services referred most",
         html_charts.bar_chart("Calls referred to each service", [(name or sid, cell(n, m))
                                                                  for sid, name, n in report.services])),
        ("Calls by interface language",
         html_charts.bar_chart("Calls by interface language", [({"en": "English", "es": "Spanish"}.get(lang, lang),
                                                                 cell(n, m)) for lang, n in report.by_language])),
    ]
    return html_charts.page(title, sections)


# ------------------------------------------------------------------------------------- the TUI's screen

def week_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())


def summary_for_screen(path: Path, today: dt.date, min_cell: int = 5) -> dict[str, Any]:
    """This week's calls and this month's top unmet needs, for the admin screen (suppressed as in reports)."""
    conn = open_files([path])
    try:
        week = build(conn, Options(since=week_start(today).isoformat(), until=today.isoformat(), min_cell=min_cell))
        month = build(conn, Options(since=today.replace(day=1).isoformat(), until=today.isoformat(),
                                    min_cell=min_cell))
    finally:
        conn.close()
    unmet = sorted(((need, c[2]) for need, c in month.by_need.items() if c[2]), key=lambda kv: (-kv[1], kv[0]))
    by_area: defaultdict[tuple[str, str], int] = defaultdict(int)
    for (need, state, county), c in month.by_need_area.items():
        if c[2]:
            by_area[(need, area_label(state, county))] += c[2]
    return {"week_start": week_start(today).isoformat(), "week_calls": cell(week.calls, min_cell),
            "unmet": [(need, cell(n, min_cell)) for need, n in unmet[:8]],
            "unmet_areas": [(need, area, cell(n, min_cell))
                            for (need, area), n in sorted(by_area.items(), key=lambda kv: -kv[1])[:8]]}
