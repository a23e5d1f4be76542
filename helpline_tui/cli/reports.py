"""What the directory and the tally say: `helpline info`, `needs`, `coverage` and `report`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from helpline_tui.cli.output import open_directory, say, write_page
from helpline_tui.core.display import display_text, json_line
from helpline_tui.errors import Failure


def info_command(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.directory import info

    data = info(open_directory(db_path))
    if args.json:
        print(json_line(data))
        return 0
    say(f"{db_path}: {data['total']:,} services ({data['active']:,} active)"
         f"{' — DEMO DATA, fictional services' if data['demo'] else ''}")
    for src in data["sources"]:
        say(f"  source {src['name']} ({src['format']}): {src['records']:,} records, imported {src['imported_at']}")
    for title, key in (("kind", "by_kind"), ("state", "by_state"), ("language", "by_language"), ("need", "by_need")):
        items = ", ".join(f"{k} {v:,}" for k, v in data[key].items())
        say(f"  by {title}: {items}")
    say(f"  no language information: {data['languages_unknown']:,}")
    if data["merged_sites"]:
        say(f"  sites described by several sources, shown once: {data['merged_sites']:,}")
    return 0


def needs_command(args: argparse.Namespace, db_path: Path) -> int:
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
        say(domain.label(lang))
        for row in rows:
            if row["domain"] == domain.id and row["kind"] == "need":
                say(f"  {row['id']:<24} {row['label']}")
    for facet, title in (("population", {"en": "Populations", "es": "Poblaciones"}),
                         ("payment", {"en": "Payment", "es": "Pago"})):
        say(title[lang])
        for row in rows:
            if row["kind"] == facet:
                say(f"  {row['id']:<24} {row['label']}")
    return 0


def coverage_command(args: argparse.Namespace, db_path: Path) -> int:
    import csv

    from helpline_tui.core import coverage, coverage_output

    min_cell = 5
    if args.tally:  # calls are counted: the install's smallest count shown, as `helpline report` uses
        from helpline_tui import config as config_mod

        config = config_mod.load()
        if config.error:
            raise Failure(config.error)
        min_cell = config.tally.min_cell
    conn = open_directory(db_path)
    found = coverage.measure(conn, radius_miles=args.radius, needs=args.need, states=args.state, by=args.by,
                             tally_files=args.tally, min_cell=min_cell)
    if args.html is not None:
        write_page(args.html, coverage_output.html_page(found, args.label_lang))
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
            say("Demo data: fictional services.")
        for line in coverage_output.text_lines(found, args.label_lang):
            say(line)
    if args.html is not None and not args.json and not args.csv:
        say(f"page written: {args.html}")
    return 0


def report_command(args: argparse.Namespace, _db_path: Path) -> int:
    """The call tally, counted (core/report.py); names of services from --db when it is given."""
    from helpline_tui import config as config_mod
    from helpline_tui.core import report, tally

    config = config_mod.load()
    if config.error:  # its [tally] says which file, which seat's path and how small a count may be shown
        raise Failure(config.error)
    settings = config.tally
    files = args.tally_files or [settings.path or tally.default_path()]
    if not args.tally_files and not files[0].exists():
        raise Failure(f"{files[0]}: no calls tallied on this computer yet (the tally is kept with [tally] "
                      f"enabled = true in {config.path}, or helpline --tally PATH); --from names tally files")
    options = report.Options(
        since=report.check_day(args.since, "--since") if args.since else None,
        until=report.check_day(args.until, "--until") if args.until else None,
        by=args.by, min_cell=report.check_min_cell(args.min_cell if args.min_cell is not None else settings.min_cell))
    conn = report.open_files(files)
    built = report.build(conn, options, [str(f) for f in files])
    if getattr(args, "db", None) is not None and built.services:
        built.services = _named(built.services, args.db)
    if args.json:
        print(json_line(report.as_json(built)))
    elif args.csv:
        for line in report.csv_text(built).splitlines():
            say(line)
    elif args.html:
        write_page(args.html, report.html_page(built))
        say(f"{args.html}: report of {report.cell(built.calls, options.min_cell)} calls written")
    else:
        for line in report.text_lines(built):
            say(line)
    return 0


def _named(services: list, db_path: Path) -> list:
    from helpline_tui.core.report import service_names

    conn = open_directory(db_path)
    try:
        names = service_names(conn, [sid for sid, _, _ in services])
    finally:
        conn.close()
    return [(sid, names.get(sid), n) for sid, _, n in services]
