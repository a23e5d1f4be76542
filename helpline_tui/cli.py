"""The `helpline` command: the contract in shared/spec/cli.md.

Exit codes: 0 success, 1 failure (nothing changed), 2 usage error. Errors are one sentence on
stderr; a traceback is a bug. Textual is imported only when the TUI opens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import sys
from pathlib import Path
from typing import Any

from helpline_tui import __version__
from helpline_tui.core import url_secrets
from helpline_tui.core.display import display_text, json_line


class UsageError(Exception):
    pass


def _moment(text: str) -> dt.datetime:
    """--now: an ISO 8601 moment ("2026-12-07T03:18Z"); without an offset, this computer's time."""
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not an ISO 8601 moment such as 2026-12-07T03:18Z") from None


def _parser() -> argparse.ArgumentParser:
    db_help = "directory file (default: $HELPLINE_DB or data/services.sqlite)"
    # `--db` before or after the command: a command's own default must not overwrite the value
    # given before it (`helpline --db X import ...` once imported into the demo file).
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=argparse.SUPPRESS, help=db_help)

    p = argparse.ArgumentParser(
        prog="helpline",
        description="Find the right local service for a helpline caller, offline, in English and Spanish.",
    )
    p.add_argument("--db", type=Path, default=None, help=db_help)
    p.add_argument("--version", action="version", version=f"helpline {__version__}")
    p.add_argument("--lang", choices=("en", "es"), default=None, help="interface language of the TUI")
    p.add_argument("--theme", default=None, help="TUI theme: dark, light or high-contrast")
    p.add_argument("--plain", action="store_true",
                   help="a line-by-line interface for screen readers: no colour, no redraws (config: plain = true)")
    p.add_argument("--tally", type=Path, default=None, metavar="PATH",
                   help="keep the call tally (needs asked and met, no caller data) in this file; turns it on")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("search", parents=[common], help="search the directory (one query, or --batch)")
    s.add_argument("query", nargs="?", default=None, help="what the caller asked for; may be empty")
    s.add_argument("--near", help="a US ZIP code or 'City, ST'")
    s.add_argument("--radius", type=float, help="miles around --near (default 25)")
    s.add_argument("--state", help="two-letter state code")
    s.add_argument("--lang", dest="search_lang", metavar="LANG", help="en, es, asl or another language code")
    s.add_argument("--need", action="append", default=[], metavar="NEED_ID",
                   help="need, population or payment id; repeat: all must match")
    s.add_argument("--kind", help="treatment, support-group or community")
    s.add_argument("--limit", type=int, default=20, help="results to show (default 20)")
    s.add_argument("--sort", choices=("relevance", "distance"), default="relevance",
                   help="relevance (default) or distance (nearest first, with --near)")
    s.add_argument("--include-inactive", action="store_true", help="also show inactive services")
    s.add_argument("--read-as", choices=("name", "place"), default=None,
                   help="words that could be a place or a name ('hope', 'orange'): read them as this "
                        "(the answer's other_reading says when there is one)")
    s.add_argument("--now", type=_moment, metavar="ISO-8601",
                   help="take this moment as now for today/tonight (e.g. 2026-12-07T03:18Z; default the clock)")
    s.add_argument("--batch", type=Path, metavar="FILE.jsonl", help="one JSON query per line")
    s.add_argument("--json", action="store_true", help="JSON output")

    i = sub.add_parser("import", parents=[common], help="import a source into the directory, all-or-nothing")
    i.add_argument("format", metavar="FORMAT", nargs="?", help="samhsa-csv, samhsa-json, samhsa-directory, hsds, "
                                                               "meeting-guide, airs-xml or auto")
    i.add_argument("source", metavar="SOURCE", nargs="?", help="a file, a folder or an http(s) URL")
    i.add_argument("--rollback", action="store_true",
                   help="instead of importing, restore the directory as it was before the last change")
    i.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    i.add_argument("--replace-source", action="store_true",
                   help="remove records of this source that are no longer in the export")
    i.add_argument("--allow-mass-removal", action="store_true",
                   help="with --replace-source: allow removing more than half of the source's records")
    _add_guard_flags(i)
    i.add_argument("--source-name", help="name this source (default: the source this file or URL was imported "
                                        "under before, else the format and which feed it is, e.g. "
                                        "samhsa-directory:sa-2022)")
    i.add_argument("--json", action="store_true", help="JSON summary")

    r = sub.add_parser("refresh", parents=[common],
                       help="re-import every source (or the named ones) from where it was last imported")
    r.add_argument("sources", nargs="*", metavar="SOURCE", help="source names (default: all)")
    r.add_argument("--dry-run", action="store_true", help="report what would change; write nothing")
    r.add_argument("--replace-source", action="store_true",
                   help="remove records no longer in each export")
    r.add_argument("--allow-mass-removal", action="store_true",
                   help="with --replace-source: allow removing more than half of a source's records")
    _add_guard_flags(r)
    r.add_argument("--json", action="store_true", help="one JSON summary per source, one per line")

    n = sub.add_parser("info", parents=[common], help="what is in the directory")
    n.add_argument("--json", action="store_true")

    v = sub.add_parser("needs", parents=[common], help="the need vocabulary")
    v.add_argument("--json", action="store_true")
    v.add_argument("--lang", dest="label_lang", choices=("en", "es"), default="en")

    d = sub.add_parser("demo", parents=[common], help="build a demo directory of fictional services")
    dsub = d.add_subparsers(dest="demo_command", metavar="build", required=True)
    b = dsub.add_parser("build", parents=[common], help="generate and write a demo directory")
    b.add_argument("--size", type=int, default=2000, help="number of services (default 2000)")
    b.add_argument("--seed", type=int, default=2026)
    b.add_argument("--force", action="store_true",
                   help="replace the file even if it holds imported sources or is not a directory")

    sub.add_parser("migrate", parents=[common], help="upgrade the directory's schema, all-or-nothing")

    _add_coverage_parser(sub, common)

    h = sub.add_parser("doctor", parents=[common], help="check the directory file and say what to run to fix it")
    h.add_argument("--json", action="store_true", help="JSON report")
    h.add_argument("--repair", action="store_true",
                   help="remove stale temporary files; rebuild the index and source counts from the records")

    rp = sub.add_parser("report", parents=[common], help="what the call tally says: calls, needs, met and unmet")
    rp.add_argument("--from", dest="tally_files", nargs="+", type=Path, metavar="TALLY.sqlite",
                    help="tally files to report on, merged with each call once (default: this computer's tally)")
    rp.add_argument("--since", help="first day, e.g. 2026-11-01")
    rp.add_argument("--until", help="last day, e.g. 2026-11-30")
    rp.add_argument("--by", choices=("month", "week"), default="month", help="calls by month (default) or week")
    rp.add_argument("--min-cell", type=int, default=None, metavar="N",
                    help="show counts under N as <N (default 5, or [tally] min_cell; never under 3)")
    out = rp.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object")
    out.add_argument("--csv", action="store_true", help="CSV: one row per count")
    out.add_argument("--html", type=Path, metavar="FILE", help="write a self-contained page with charts")
    return p


def _add_coverage_parser(sub, common: argparse.ArgumentParser) -> None:
    c = sub.add_parser("coverage", parents=[common],
                       help="where the directory has no service of a need within N miles of where people live")
    c.add_argument("--need", action="append", default=[], metavar="NEED_ID", help="a need id (default: every need)")
    c.add_argument("--state", action="append", default=[], metavar="XX", help="two-letter state code; repeat for more")
    c.add_argument("--radius", type=float, default=25.0, help="miles from each ZIP centroid (default 25)")
    c.add_argument("--by", choices=("county", "state"), default="county", help="county (default) or state")
    c.add_argument("--tally", nargs="+", type=Path, default=[], metavar="FILE",
                   help="tally files: mark where callers' unmet needs fell")
    form = c.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="one JSON object")
    form.add_argument("--csv", action="store_true", help="CSV, one row per need and county")
    c.add_argument("--html", type=Path, metavar="FILE", help="also write a page with a chart per domain")
    c.add_argument("--lang", dest="label_lang", choices=("en", "es"), default="en", help="labels of needs and the page")


def _add_guard_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument("--allow-lost-needs", action="store_true",
                         help="allow an update that takes needs, languages or populations away from many of a "
                              "source's records (the refusal names the bound)")
    command.add_argument("--into-demo", action="store_true",
                         help="import into the demo directory of fictional services anyway")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    from helpline_tui.core.directory import default_db_path

    db_path: Path = args.db or default_db_path()
    try:
        if args.command is None:
            return _run_interface(db_path, args.lang, args.theme, args.plain, args.tally)
        if args.command in ("import", "refresh", "demo", "migrate", "doctor"):
            _check_settings()  # before any work, not at the swap after it
        handler = {"search": _cmd_search, "import": _cmd_import, "refresh": _cmd_refresh, "info": _cmd_info,
                   "needs": _cmd_needs, "coverage": _cmd_coverage, "report": _cmd_report,
                   "demo": _cmd_demo, "migrate": _cmd_migrate, "doctor": _cmd_doctor}[args.command]
        return handler(args, db_path)
    except UsageError as exc:
        parser.exit(2, f"helpline: error: {display_text(str(exc))}\n")
    except KnownFailure as exc:
        _say(f"helpline: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        _say("helpline: interrupted; nothing was changed", file=sys.stderr)
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


def _say(text: str = "", *, file=None) -> None:
    """Print one line for a person. Every such line passes the one display rule (core/display.py):
    names, places, file names and source names from an import cannot drive the terminal."""
    print(display_text(text), file=file)


class KnownFailure(Exception):
    """A user-facing failure: printed as one sentence, exit code 1."""


def _failure(exc: Exception) -> KnownFailure:
    return KnownFailure(url_secrets.scrub(str(exc)))


def _check_settings() -> None:
    from helpline_tui.core import settings

    try:
        settings.check_all()
    except settings.SettingError as exc:
        raise _failure(exc) from None


def _open(db_path: Path):
    from helpline_tui.core.directory import DirectoryError, open_readonly

    try:
        return open_readonly(db_path)
    except DirectoryError as exc:
        raise _failure(exc) from None


# ------------------------------------------------------------------------------------------- search

def _cmd_search(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.search import Filters, FilterError, search

    conn = _open(db_path)
    if args.batch is not None:
        if args.query:
            raise UsageError("give either a QUERY or --batch FILE, not both")
        return _search_batch(conn, args.batch, args.json)
    if args.query is None:
        args.query = ""
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    filters = Filters(near=args.near, radius=args.radius, state=args.state, lang=args.search_lang,
                      needs=tuple(args.need), kind=args.kind, include_inactive=args.include_inactive)
    try:
        page = search(conn, args.query, filters, limit=args.limit, sort=args.sort, now=args.now, reach_outside=True,
                      read_as=args.read_as)
    except FilterError as exc:
        raise (UsageError(str(exc)) if exc.usage else _failure(exc)) from None
    if args.json:
        print(json_line(page.as_json()))
    else:
        _print_table(page)
    return 0


# What a `search --batch` line may hold (shared/spec/cli.md); any other key is an error on that line.
BATCH_KEYS = ("query", "near", "radius", "state", "lang", "needs", "kind", "limit", "sort")


def _search_batch(conn, path: Path, as_json: bool) -> int:
    from helpline_tui.core.search import Filters, FilterError, search

    try:
        handle = open(path, encoding="utf-8")
    except OSError as exc:
        raise KnownFailure(f"{path}: cannot read the batch file ({exc.strerror})") from None
    failed = 0
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                item = _batch_line(line)
                if not isinstance(item, dict):
                    raise ValueError("the line is not a JSON object")
                unknown = [key for key in item if key not in BATCH_KEYS]
                if unknown:  # a misspelt filter ("need", "nearr") would otherwise search without it
                    raise ValueError(f"unknown key {', '.join(repr(k) for k in unknown)}; "
                                     f"the keys are {', '.join(BATCH_KEYS)}")
                _check_batch_types(item)
                needs = item.get("needs") or []
                if isinstance(needs, str):
                    needs = [needs]
                filters = Filters(near=item.get("near"), radius=item.get("radius"), state=item.get("state"),
                                  lang=item.get("lang"), needs=tuple(needs), kind=item.get("kind"))
                page = search(conn, item.get("query") or "", filters, limit=_batch_limit(item.get("limit", 20)),
                              sort=item.get("sort") or "relevance", reach_outside=True)
                out = page.as_json()
            except (ValueError, TypeError, FilterError) as exc:
                failed += 1
                out = {"error": f"{path}, line {number}: {exc}"}
            if as_json:
                print(json_line(out))
            else:
                _say(f"# line {number}: {out.get('query', '')!r}: {out.get('total', out.get('error'))}")
    if failed:
        _say(f"helpline: {path}: {failed} line(s) could not be searched; see the error objects", file=sys.stderr)
        return 1
    return 0


def _batch_line(line: str) -> Any:
    try:
        return json.loads(line)
    except RecursionError:  # arrays or objects nested thousands deep
        raise ValueError("the line is nested too deeply to be a query") from None


# The JSON type each key of a batch line takes; null means "not given", as an absent key.
_BATCH_TYPES = {"query": str, "near": str, "radius": (int, float), "state": str, "lang": str,
                "needs": (str, list), "kind": str, "sort": str}


def _check_batch_types(item: dict[str, Any]) -> None:
    for key, kind in _BATCH_TYPES.items():
        value = item.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, kind) or \
                (key == "needs" and isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            wanted = {str: "a string", (int, float): "a number", (str, list): "a string or a list of strings"}[kind]
            raise ValueError(f"\"{key}\" must be {wanted}, not {json.dumps(value)[:40]}")
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not _is_utf8(text):  # "\ud800": no character, and unprintable
                raise ValueError(f"\"{key}\" holds an escape that is no character ({json.dumps(text)[:40]})")


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _batch_limit(value: Any) -> int:
    """A count of results: a whole number 0 or more (1e400 reads as infinity, 2.5 is no count)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"\"limit\" must be a whole number 0 or more, not {json.dumps(value)[:40]}")
    return value


def _say_nearest_outside(page) -> None:
    """Nothing within the radius: how far the nearest is and the radius that reaches it, as F9
    widens the radius in the interface."""
    from helpline_tui.core.search import MAX_RADIUS_MILES, area_only

    radius = f"in {page.place.label}" if area_only(page.place, page.filters.radius) else \
        f"within {page.filters.radius:g} mi"
    hit = page.nearest_outside
    if hit is None:
        _say(f"  nothing {radius}, nor anywhere else: try fewer or other words, or fewer filters")
        return
    r = hit.record
    where = ", ".join(x for x in (r["city"], r["state"]) if x) or "no address"
    if hit.distance_miles is None:
        _say(f"  nothing {radius}; the only match has no position: {r['name']} ({where})")
        return
    reach = math.ceil(hit.distance_miles)
    widen = f"--radius {reach} reaches it" if reach <= MAX_RADIUS_MILES else \
        f"beyond the widest radius ({MAX_RADIUS_MILES:,} mi): put the place in the query for the nearest, however far"
    _say(f"  nothing {radius}; the nearest is {'~' if hit.approximate_position else ''}"
         f"{hit.distance_miles:.1f} mi away: {r['name']} ({where}); {widen}")


def _print_table(page) -> None:
    from helpline_tui.core import days, phones, referral

    shown = len(page.hits)
    read_from = f" (from '{page.place_read_from}')" if page.place_read_from else ""
    where = f" near {page.place.label}{read_from}" if page.place else ""
    if page.nearest_to is not None and page.place is None:
        where = f" nearest to {page.nearest_to.label}{read_from}, however far"
        if page.nearest_miles is not None:
            where += f": the closest is {page.nearest_miles:.1f} mi"
    when = "".join(f", {days.label_where(d, page.today)}" for d in page.days)
    _say(f"{shown} of {page.total} services{where}{when} ({page.elapsed_ms:.1f} ms)")
    if page.fellowship_missing:
        _say(f"  no {page.fellowship_missing} groups in this directory: other mutual-help groups shown"
             + (f" ({', '.join(page.fellowships_offered)})" if page.fellowships_offered else ""))
    if page.concepts_read:
        _say(f"  read as: {', '.join(c.en for c in page.concepts_read)}")
    if page.words_not_found:
        _say(f"  not found: {', '.join(page.words_not_found)} (no service has every word)")
    elif not page.every_word:
        _say("  no service has every word")
    if page.other_reading:
        _say(f"  '{page.other_reading_words}' may also be a {page.other_reading}: --read-as {page.other_reading}")
    if page.needs_a_place:
        _say("  in name order, anywhere: add the caller's city or ZIP code to the query, or --near, for the nearest")
    if page.place is not None and page.total == 0:
        _say_nearest_outside(page)
    for n, hit in enumerate(page.hits, start=1):
        r = hit.record
        dist = ""
        if hit.distance_miles is not None:
            dist = f"{'~' if hit.approximate_position else ''}{hit.distance_miles:.1f} mi"
        elif hit.area_wide:
            dist = "serves area"
        place = ", ".join(x for x in (r["city"], r["state"]) if x) or "—"
        phone = phones.first(r)
        phone = referral.phone_text(phone, "en") if phone else "no phone"  # a dial-in: number, then keys
        langs = " ".join(r["languages"]).upper() or "lang ?"
        # Programmes of one organisation at one address differ only by site name ("Region Ten ...").
        site = f" — {r['site_name']}" if r["site_name"] and r["site_name"] != r["name"] else ""
        _say(f"{n:>3}. {r['name']}{site}")
        merged = " · sources " + ", ".join(r["sources"]) if len(r.get("sources") or ()) > 1 else ""
        when = referral.meeting_when(r, "en")
        _say(f"     {place}{' · ' + when if when else ''} · {phone} · {langs}{' · ' + dist if dist else ''}{merged}")


# ------------------------------------------------------------------------------------------- import

def _checksum(source: str) -> str:
    """SHA-256 of the source file, or of the files an import of the folder reads (an HSDS
    package: not a large file beside it), streamed in 1 MiB blocks."""
    from importers.hsds_tables import used_files

    path = Path(source)
    digest = hashlib.sha256()
    if path.is_file():
        files = [path]
    elif path.is_dir():
        files = used_files(path)
    else:
        return ""
    for file in files:
        if file != path:
            digest.update(file.relative_to(path).as_posix().encode())
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _cmd_import(args: argparse.Namespace, db_path: Path) -> int:
    import importers

    if args.rollback:
        if args.format or args.source:
            raise UsageError("--rollback restores the last kept version; give it no FORMAT or SOURCE")
        return _rollback(db_path, args.json)
    fmt = args.format
    if fmt is None or args.source is None:
        raise UsageError("import needs a FORMAT and a SOURCE (or --rollback)")
    if fmt not in importers.FORMATS and fmt != "auto":
        raise UsageError(f"unknown format '{fmt}'; choose one of {', '.join([*importers.FORMATS, 'auto'])}")
    summary = _import_one(db_path, fmt, args.source, args.source_name, args.replace_source, args.dry_run,
                          args.allow_mass_removal, args.allow_lost_needs, args.into_demo)
    _report(summary, db_path, args.json)
    return 0


def _import_one(db_path: Path, fmt: str, source: str, source_name: str | None, replace_source: bool,
                dry_run: bool, allow_mass_removal: bool = False, allow_lost_needs: bool = False,
                into_demo: bool = False):
    """One all-or-nothing import, for `import` and for each source of `refresh`."""
    import importers
    from helpline_tui.core.directory import source_imported_from
    from helpline_tui.core.pipeline import CannotWrite, DemoDirectoryRefused, ImportLocked, run_import
    from helpline_tui.core.records import SourceError
    from helpline_tui.core.schema import SchemaError

    is_url = importers.is_url(source)
    if not is_url and not Path(source).exists():
        raise KnownFailure(f"{source}: no such file or folder")
    # Credentials in the address are used for the download only: the directory stores, and every
    # message shows, the address with placeholders (helpline_tui.core.url_secrets).
    source, typed = url_secrets.hide(source) if is_url else (source, {})
    absent = [name for name in url_secrets.missing(source) if name not in typed]
    if absent:
        raise KnownFailure(f"{source}: needs the secret {absent[0]}, which is not stored in the directory; "
                           "set that environment variable and run again")
    try:
        # `auto` tells the format from the content; a URL is fetched once for that (or for a
        # reader of files only), and the reader gets that download rather than fetching it again.
        with url_secrets.lent(typed), importers.opened(fmt, source) as opened:
            fmt, readable = opened.format, opened.readable
            progress = _progress_printer() if sys.stderr.isatty() else None
            origin = source if is_url else str(Path(source).resolve())
            checksum = "" if is_url else _checksum(source)
            # Without --source-name: the source this file or URL was imported under before, else a
            # name saying which feed it is (two workbooks of one format never share a source).
            name = (source_name or source_imported_from(db_path, fmt, origin, checksum)
                    or importers.default_source_name(fmt, readable, source))
            items = opened.records()
            return run_import(
                db_path, items, source=name, format=fmt, origin=origin, checksum=checksum,
                replace_source=replace_source, dry_run=dry_run, progress=progress,
                allow_mass_removal=allow_mass_removal, allow_lost_needs=allow_lost_needs, into_demo=into_demo,
                same_feed_only=source_name is None,
            )
    except (SourceError, ImportLocked, CannotWrite, SchemaError, importers.FormatNotAvailable,
            DemoDirectoryRefused) as exc:
        raise _failure(exc) from None
    except OSError as exc:
        raise KnownFailure(f"{exc.filename or source}: {exc.strerror or exc}") from None


def _report(summary, db_path: Path, as_json: bool) -> None:
    if as_json:
        data = summary.as_json()
        if url_secrets.names(summary.origin):
            data["secrets_not_stored"] = url_secrets.names(summary.origin)
        print(json_line(data))
    else:
        _print_summary(summary, db_path)


def _cmd_refresh(args: argparse.Namespace, db_path: Path) -> int:
    """Re-import every source (or the named ones) from the origin recorded at its last import."""
    import importers

    conn = _open(db_path)
    known = {name: (fmt, origin) for name, fmt, origin in conn.execute("SELECT name, format, origin FROM sources")}
    conn.close()
    names = args.sources or sorted(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KnownFailure(f"{db_path}: no source named {', '.join(unknown)}; 'helpline info' lists the sources")
    failed = 0
    for name in names:
        fmt, origin = known[name]
        if fmt not in importers.FORMATS:
            _say(f"helpline: source '{name}' ({fmt}) is not read from an export; skipped "
                  f"(the demo directory is rebuilt with 'helpline demo build')", file=sys.stderr)
            continue
        try:
            summary = _import_one(db_path, fmt, origin, name, args.replace_source, args.dry_run,
                                  args.allow_mass_removal, args.allow_lost_needs, args.into_demo)
        except KnownFailure as exc:
            failed += 1  # each source is its own all-or-nothing step: the others still refresh
            _say(f"helpline: refreshing '{name}': {exc}", file=sys.stderr)
            continue
        _report(summary, db_path, args.json)
    return 1 if failed else 0


def _progress_printer():
    def show(read: int) -> None:
        print(f"\r  read {read:,} records…", end="", file=sys.stderr, flush=True)
    return show


def _print_summary(s, db_path: Path) -> None:
    if sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)
    verb = ("would change" if s.changed else "would be left unchanged") if s.dry_run else \
        ("changed" if s.changed else "left unchanged")
    _say(f"{s.format} import from {s.origin}: {db_path} {verb}{' (dry run)' if s.dry_run else ''}")
    secrets = url_secrets.names(s.origin)
    if secrets:
        _say(f"  the secret in the address was not stored; 'helpline refresh' reads it from the "
             f"environment variable{'s' if len(secrets) > 1 else ''} {', '.join(secrets)}")
    _say(f"  read {s.read:,} · added {s.added:,} · updated {s.updated:,} · unchanged {s.unchanged:,} · "
          f"removed {s.removed:,} · skipped {s.skipped_count:,}")
    extras = [(s.merged_duplicates, "duplicate rows merged into one site"),
              (s.placeholder_phones_dropped, "placeholder phone numbers dropped"),
              (s.coordinates_repaired, "swapped coordinates repaired"),
              (s.coordinates_dropped, "impossible coordinates dropped"),
              (s.positions_from_zip, "positions taken from the ZIP centroid (approximate)")]
    for count, text in extras:
        if count:
            _say(f"  {count:,} {text}")
    _print_taken_away(s)
    _print_merges(s)
    for skip in s.skipped[:10]:
        field = f", field '{skip['field']}'" if skip.get("field") else ""
        _say(f"  skipped row {skip['row']}{field}: {skip['reason']}")
    if s.skipped_count > 10:
        _say(f"  … and {s.skipped_count - 10:,} more skipped rows ({_json_lists(s.skipped, s.skipped_count)})")
    for cut in s.cut[:10]:
        _say(f"  row {cut['row']}, field '{cut['field']}': {cut['reason']}")
    if s.cut_count > 10:
        _say(f"  … and {s.cut_count - 10:,} more fields cut to their size limit ({_json_lists(s.cut, s.cut_count)})")
    _say(f"  directory {'would hold' if s.dry_run else 'now holds'} {s.total_after:,} services ({s.elapsed_s:.1f} s)")


def _print_taken_away(s) -> None:
    """Needs, languages and populations the update takes from records the source held: named before
    the import is refused for them, and after it when it went through (under the bound, or allowed)."""
    from helpline_tui.core.pipeline import LOST_NEEDS_SHARE, taken_away_text

    taken = s.taken_away
    if not taken:
        return
    verb = "would take" if s.dry_run else "took"
    _say(f"  {verb} needs, languages or populations away from {taken['records']:,} of the {taken['held']:,} "
          f"records of source '{s.source}': {taken_away_text(taken)}")
    for example in taken["examples"][:5]:
        place = ", ".join(p for p in (example["city"], example["state"]) if p)
        lost = example["lost"]
        _say(f"    {example['name']}{f' ({place})' if place else ''}: {', '.join(lost[:8])}{', …' if len(lost) > 8 else ''}")
    if s.dry_run and taken["over_bound"]:
        _say(f"  the import itself will be refused: more than {taken['bound']:,} records "
              f"({LOST_NEEDS_SHARE:.0%} of the source) lose something; add --allow-lost-needs if the source "
              f"really dropped them, or give another feed its own --source-name")


def _json_lists(listed: list, count: int) -> str:
    return "--json lists them all" if len(listed) == count else f"--json lists the first {len(listed):,}"


def _print_merges(s) -> None:
    """Records shown as one site with another source's record: who with whom, and why."""
    if not s.merged:
        return
    _say(f"  {s.merged:,} records merged with another source's record of the same site:")
    for pair in s.merges[:10]:
        _say(f"    {pair['name']} / {pair['source']} ↔ {pair['other_name']} / {pair['other_source']} "
              f"(same {pair['why'].replace('+', ' and ')}, name {pair['score']:g})")
    if len(s.merges) > 10:
        _say(f"    … and {len(s.merges) - 10:,} more (--json lists them all)")


# -------------------------------------------------------------------------------------- info, needs

def _cmd_info(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.directory import info

    data = info(_open(db_path))
    if args.json:
        print(json_line(data))
        return 0
    _say(f"{db_path}: {data['total']:,} services ({data['active']:,} active)"
          f"{' — DEMO DATA, fictional services' if data['demo'] else ''}")
    for src in data["sources"]:
        _say(f"  source {src['name']} ({src['format']}): {src['records']:,} records, imported {src['imported_at']}")
    for title, key in (("kind", "by_kind"), ("state", "by_state"), ("language", "by_language"), ("need", "by_need")):
        items = ", ".join(f"{k} {v:,}" for k, v in data[key].items())
        _say(f"  by {title}: {items}")
    _say(f"  no language information: {data['languages_unknown']:,}")
    if data["merged_sites"]:
        _say(f"  sites described by several sources, shown once: {data['merged_sites']:,}")
    return 0


def _cmd_needs(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core import vocabulary

    vocab = vocabulary.load()
    lang = args.label_lang
    rows: list[dict[str, Any]] = []
    for term in vocab.filter_terms:
        domain = vocab.domain(term.domain) if term.domain else None
        rows.append({"id": term.id, "kind": term.facet, "domain": term.domain, "en": term.en, "es": term.es,
                     "label": term.label(lang), "domain_label": domain.label(lang) if domain else None})
    if args.json:
        print(json_line({"needs": rows, "domains": [{"id": d.id, "en": d.en, "es": d.es} for d in vocab.domains]}))
        return 0
    for domain in vocab.domains:
        _say(domain.label(lang))
        for row in rows:
            if row["domain"] == domain.id and row["kind"] == "need":
                _say(f"  {row['id']:<24} {row['label']}")
    for facet, title in (("population", {"en": "Populations", "es": "Poblaciones"}),
                         ("payment", {"en": "Payment", "es": "Pago"})):
        _say(title[lang])
        for row in rows:
            if row["kind"] == facet:
                _say(f"  {row['id']:<24} {row['label']}")
    return 0


# ------------------------------------------------------------------------------------------ coverage

def _cmd_coverage(args: argparse.Namespace, db_path: Path) -> int:
    import csv

    from helpline_tui.core import coverage, coverage_output

    min_cell = 5
    if args.tally:  # calls are counted: the install's smallest count shown, as `helpline report` uses
        from helpline_tui import config as config_mod

        config = config_mod.load()
        if config.error:
            raise KnownFailure(config.error)
        min_cell = config.tally.min_cell
    conn = _open(db_path)
    try:
        found = coverage.measure(conn, radius_miles=args.radius, needs=args.need, states=args.state, by=args.by,
                                 tally_files=args.tally, min_cell=min_cell)
    except coverage.CoverageError as exc:
        raise (UsageError(str(exc)) if exc.usage else _failure(exc)) from None
    if args.html is not None:
        _write_page(args.html, coverage_output.html_page(found, args.label_lang))
    from helpline_tui.core.directory import is_demo

    demo = is_demo(conn)
    if args.json:
        print(json_line({**found.as_json(), "demo": demo}))
    elif args.csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for row in coverage_output.csv_rows(found):
            writer.writerow([display_text(v) if isinstance(v, str) else v for v in row])
    else:
        if demo:
            _say("Demo data: fictional services.")
        for line in coverage_output.text_lines(found, args.label_lang):
            _say(line)
    if args.html is not None and not args.json and not args.csv:
        _say(f"page written: {args.html}")
    return 0


def _write_page(path: Path, text: str) -> None:
    """The whole page or nothing: written beside, then renamed over."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise KnownFailure(f"{path}: cannot write the page ({exc.strerror or exc})") from None


# ------------------------------------------------------------------------------------------- report

def _cmd_report(args: argparse.Namespace, _db_path: Path) -> int:
    """The call tally, counted (core/report.py); names of services from --db when it is given."""
    from helpline_tui import config as config_mod
    from helpline_tui.core import report, tally

    config = config_mod.load()
    if config.error:  # its [tally] says which file, which seat's path and how small a count may be shown
        raise KnownFailure(config.error)
    settings = config.tally
    files = args.tally_files or [settings.path or tally.default_path()]
    if not args.tally_files and not files[0].exists():
        raise KnownFailure(f"{files[0]}: no calls tallied on this computer yet (the tally is kept with [tally] "
                           f"enabled = true in {config.path}, or helpline --tally PATH); --from names tally files")
    try:
        options = report.Options(
            since=report.check_day(args.since, "--since") if args.since else None,
            until=report.check_day(args.until, "--until") if args.until else None,
            by=args.by, min_cell=report.check_min_cell(args.min_cell if args.min_cell is not None
                                                       else settings.min_cell))
        conn = report.open_files(files)
        built = report.build(conn, options, [str(f) for f in files])
    except report.ReportError as exc:
        raise KnownFailure(str(exc)) from None
    if getattr(args, "db", None) is not None and built.services:
        built.services = _named(built.services, args.db)
    if args.json:
        print(json_line(report.as_json(built)))
    elif args.csv:
        for line in report.csv_text(built).splitlines():
            _say(line)
    elif args.html:
        _write_page(args.html, report.html_page(built))
        _say(f"{args.html}: report of {report.cell(built.calls, options.min_cell)} calls written")
    else:
        for line in report.text_lines(built):
            _say(line)
    return 0


def _named(services: list, db_path: Path) -> list:
    from helpline_tui.core.report import service_names

    conn = _open(db_path)
    try:
        names = service_names(conn, [sid for sid, _, _ in services])
    finally:
        conn.close()
    return [(sid, names.get(sid), n) for sid, _, n in services]


# -------------------------------------------------------------------------------------- demo, migrate

def _cmd_demo(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.demo_build import DemoBuildRefused, build_demo
    from helpline_tui.core.pipeline import CannotWrite, ImportLocked

    if args.size < 0:
        raise UsageError("--size must be 0 or more")
    try:
        summary = build_demo(db_path, args.size, args.seed, force=args.force)
    except (DemoBuildRefused, ImportLocked, CannotWrite) as exc:
        raise _failure(exc) from None
    except OSError as exc:
        raise KnownFailure(f"{db_path}: cannot write the demo directory ({exc.strerror or exc})") from None
    _say(f"{db_path}: demo directory of {summary.total_after:,} fictional services written "
          f"({summary.elapsed_s:.1f} s)")
    return 0


def _cmd_migrate(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.pipeline import CannotWrite, ImportLocked, migrate_file
    from helpline_tui.core.schema import SchemaError

    if not db_path.exists():
        raise KnownFailure(f"{db_path} does not exist")
    try:
        applied = migrate_file(db_path)
    except (SchemaError, ImportLocked, CannotWrite) as exc:
        raise _failure(exc) from None
    except OSError as exc:
        raise KnownFailure(f"{exc.filename or db_path}: cannot migrate ({exc.strerror or exc}); "
                           f"nothing was changed") from None
    _say(f"{db_path}: " + (f"migrated to schema version {applied[-1]}" if applied else "already current"))
    return 0


# ----------------------------------------------------------------------------------- doctor, rollback

def _rollback(db_path: Path, as_json: bool) -> int:
    from helpline_tui.core import versions
    from helpline_tui.core.pipeline import CannotWrite, ImportLocked, import_lock

    try:
        with import_lock(db_path) as real_path:
            restored = versions.rollback(real_path)
    except (ImportLocked, CannotWrite, versions.NothingToRollBack) as exc:
        raise _failure(exc) from None
    except OSError as exc:
        raise KnownFailure(f"{exc.filename or db_path}: cannot roll back ({exc.strerror or exc})") from None
    if as_json:
        print(json_line({"rolled_back": True, "version": restored.name, **restored.info}))
        return 0
    info = restored.info
    sources = ", ".join(f"{s['name']} {s['records']:,} (imported {s['imported_at']})" for s in info.get("sources", []))
    _say(f"{db_path}: rolled back to the file written {info.get('written_at')} "
          f"(replaced at {info.get('kept_at')} by {info.get('replaced_by')})")
    _say(f"  now holds {info.get('services', 0):,} services{f': {sources}' if sources else ''}")
    if versions.keep_count():
        _say("  the file it replaced is kept: run `helpline import --rollback` again to undo")
    return 0


def _cmd_doctor(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core import doctor
    from helpline_tui.core.pipeline import CannotWrite, ImportLocked

    if args.repair:
        try:
            done = doctor.repair(db_path)
        except (doctor.RepairRefused, ImportLocked, CannotWrite) as exc:
            raise _failure(exc) from None
        except OSError as exc:
            raise KnownFailure(f"{exc.filename or db_path}: cannot repair ({exc.strerror or exc})") from None
        if not args.json:
            for line in done or ["nothing to repair"]:
                _say(f"repair: {line}")
    report = doctor.examine(db_path)
    if args.json:
        print(json_line(report.as_json()))
    else:
        labels = {doctor.OK: "ok", doctor.NOTE: "note", doctor.PROBLEM: "PROBLEM"}
        for f in report.findings:
            _say(f"{labels[f.status]:<8} {f.check:<10} {f.message}{f' -> {f.fix}' if f.fix else ''}")
        if report.healthy:
            _say(f"healthy: {db_path} needs nothing")
        else:
            _say(f"UNHEALTHY: {len(report.problems)} problem(s) in {db_path}; " + "; then ".join(report.fixes()))
    return 0 if report.healthy else 1


# ------------------------------------------------------------------------------------------------ TUI

def _run_interface(db_path: Path, lang: str | None, theme: str | None, plain: bool,
                   tally_path: Path | None = None) -> int:
    """The TUI, or the plain line-by-line interface with --plain or `plain = true` in the settings."""
    from helpline_tui import config as config_mod

    config = config_mod.load()
    if not (plain or config.plain):
        return _run_tui(db_path, lang, theme, tally_path)
    from helpline_tui.core.directory import DirectoryError
    from helpline_tui.plain.session import run

    try:
        return run(db_path, lang, config, tally_path=tally_path)
    except DirectoryError as exc:
        raise _failure(exc) from None


def _run_tui(db_path: Path, lang: str | None, theme: str | None, tally_path: Path | None = None) -> int:
    from helpline_tui.core.directory import DirectoryError, open_readonly

    try:
        open_readonly(db_path).close()  # fail here with one sentence, before the screen takes over
    except DirectoryError as exc:
        raise _failure(exc) from None
    from helpline_tui.ui import themes

    if theme and themes.resolve(theme) is None:
        raise UsageError(f"unknown theme '{theme}'; use dark, light, high-contrast or a Textual theme name")
    from helpline_tui.ui.app import HelplineApp

    # lang None: the settings file's language, else English
    HelplineApp(db_path=db_path, lang=lang, theme_name=theme, tally_path=tally_path).run()
    return 0
