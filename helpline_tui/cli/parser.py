"""The `helpline` command's arguments: every command and flag, in the order `helpline --help` lists them."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from helpline_tui import __version__
from helpline_tui.i18n import UI_LANGUAGES


def _moment(text: str) -> dt.datetime:
    """--now: an ISO 8601 moment ("2026-12-07T03:18Z"); without an offset, this computer's time."""
    try:
        return dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text[:40]}' is not an ISO 8601 moment such as 2026-12-07T03:18Z") from None


def build_parser() -> argparse.ArgumentParser:
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
    p.add_argument("--lang", choices=UI_LANGUAGES, default=None, help="interface language of the TUI")
    p.add_argument("--theme", default=None, help="TUI theme: dark, light or high-contrast")
    p.add_argument("--plain", action="store_true",
                   help="a line-by-line interface for screen readers: no colour, no redraws (config: plain = true)")
    p.add_argument("--tally", type=Path, default=None, metavar="PATH",
                   help="keep the call tally (needs asked and met, no caller data) in this file; turns it on")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    _add_search(sub, common)
    _add_import(sub, common)
    _add_refresh(sub, common)
    _add_info_and_needs(sub, common)
    _add_demo_and_migrate(sub, common)
    _add_coverage(sub, common)
    _add_doctor(sub, common)
    _add_report(sub, common)
    return p


def _add_search(sub, common: argparse.ArgumentParser) -> None:
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


def _add_import(sub, common: argparse.ArgumentParser) -> None:
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


def _add_refresh(sub, common: argparse.ArgumentParser) -> None:
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


def _add_info_and_needs(sub, common: argparse.ArgumentParser) -> None:
    n = sub.add_parser("info", parents=[common], help="what is in the directory")
    n.add_argument("--json", action="store_true")

    v = sub.add_parser("needs", parents=[common], help="the need vocabulary")
    v.add_argument("--json", action="store_true")
    v.add_argument("--lang", dest="label_lang", choices=UI_LANGUAGES, default="en")


def _add_demo_and_migrate(sub, common: argparse.ArgumentParser) -> None:
    d = sub.add_parser("demo", parents=[common], help="build a demo directory of fictional services")
    dsub = d.add_subparsers(dest="demo_command", metavar="build", required=True)
    b = dsub.add_parser("build", parents=[common], help="generate and write a demo directory")
    b.add_argument("--size", type=int, default=2000, help="number of services (default 2000)")
    b.add_argument("--seed", type=int, default=2026)
    b.add_argument("--force", action="store_true",
                   help="replace the file even if it holds imported sources or is not a directory")

    sub.add_parser("migrate", parents=[common], help="upgrade the directory's schema, all-or-nothing")


def _add_coverage(sub, common: argparse.ArgumentParser) -> None:
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
    c.add_argument("--lang", dest="label_lang", choices=UI_LANGUAGES, default="en", help="labels of needs and the page")


def _add_doctor(sub, common: argparse.ArgumentParser) -> None:
    h = sub.add_parser("doctor", parents=[common], help="check the directory file and say what to run to fix it")
    h.add_argument("--json", action="store_true", help="JSON report")
    h.add_argument("--repair", action="store_true",
                   help="remove stale temporary files; rebuild the index and source counts from the records")


def _add_report(sub, common: argparse.ArgumentParser) -> None:
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


def _add_guard_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument("--allow-lost-needs", action="store_true",
                         help="allow an update that takes needs, languages or populations away from many of a "
                              "source's records (the refusal names the bound)")
    command.add_argument("--into-demo", action="store_true",
                         help="import into the demo directory of fictional services anyway")
