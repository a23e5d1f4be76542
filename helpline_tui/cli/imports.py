"""`helpline import` and `helpline refresh`: an all-or-nothing import of one source, and what it changed."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from helpline_tui.cli.admin import rollback
from helpline_tui.cli.output import open_directory, say
from helpline_tui.core import url_secrets
from helpline_tui.core.display import json_line
from helpline_tui.errors import Failure, UsageError


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


def import_command(args: argparse.Namespace, db_path: Path) -> int:
    import importers

    if args.rollback:
        if args.format or args.source:
            raise UsageError("--rollback restores the last kept version; give it no FORMAT or SOURCE")
        return rollback(db_path, args.json)
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
    from helpline_tui.core.pipeline import run_import

    is_url = importers.is_url(source)
    if not is_url and not Path(source).exists():
        raise Failure(f"{source}: no such file or folder")
    # Credentials in the address are used for the download only: the directory stores, and every
    # message shows, the address with placeholders (helpline_tui.core.url_secrets).
    source, typed = url_secrets.hide(source) if is_url else (source, {})
    absent = [name for name in url_secrets.missing(source) if name not in typed]
    if absent:
        raise Failure(f"{source}: needs the secret {absent[0]}, which is not stored in the directory; "
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
    except OSError as exc:
        raise Failure(f"{exc.filename or source}: {exc.strerror or exc}") from None


def _report(summary, db_path: Path, as_json: bool) -> None:
    if as_json:
        data = summary.as_json()
        if url_secrets.names(summary.origin):
            data["secrets_not_stored"] = url_secrets.names(summary.origin)
        print(json_line(data))
    else:
        _print_summary(summary, db_path)


def refresh_command(args: argparse.Namespace, db_path: Path) -> int:
    """Re-import every source (or the named ones) from the origin recorded at its last import."""
    import importers

    conn = open_directory(db_path)
    known = {name: (fmt, origin) for name, fmt, origin in conn.execute("SELECT name, format, origin FROM sources")}
    conn.close()
    names = args.sources or sorted(known)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise Failure(f"{db_path}: no source named {', '.join(unknown)}; 'helpline info' lists the sources")
    failed = 0
    for name in names:
        fmt, origin = known[name]
        if fmt not in importers.FORMATS:
            say(f"helpline: source '{name}' ({fmt}) is not read from an export; skipped "
                 f"(the demo directory is rebuilt with 'helpline demo build')", file=sys.stderr)
            continue
        try:
            summary = _import_one(db_path, fmt, origin, name, args.replace_source, args.dry_run,
                                  args.allow_mass_removal, args.allow_lost_needs, args.into_demo)
        except Failure as exc:
            failed += 1  # each source is its own all-or-nothing step: the others still refresh
            say(f"helpline: refreshing '{name}': {url_secrets.scrub(str(exc))}", file=sys.stderr)
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
    say(f"{s.format} import from {s.origin}: {db_path} {verb}{' (dry run)' if s.dry_run else ''}")
    secrets = url_secrets.names(s.origin)
    if secrets:
        say(f"  the secret in the address was not stored; 'helpline refresh' reads it from the "
            f"environment variable{'s' if len(secrets) > 1 else ''} {', '.join(secrets)}")
    say(f"  read {s.read:,} · added {s.added:,} · updated {s.updated:,} · unchanged {s.unchanged:,} · "
         f"removed {s.removed:,} · skipped {s.skipped_count:,}")
    extras = [(s.merged_duplicates, "duplicate rows merged into one site"),
              (s.placeholder_phones_dropped, "placeholder phone numbers dropped"),
              (s.coordinates_repaired, "swapped coordinates repaired"),
              (s.coordinates_dropped, "impossible coordinates dropped"),
              (s.positions_from_zip, "positions taken from the ZIP centroid (approximate)")]
    for count, text in extras:
        if count:
            say(f"  {count:,} {text}")
    _print_taken_away(s)
    _print_merges(s)
    for skip in s.skipped[:10]:
        field = f", field '{skip['field']}'" if skip.get("field") else ""
        say(f"  skipped row {skip['row']}{field}: {skip['reason']}")
    if s.skipped_count > 10:
        say(f"  … and {s.skipped_count - 10:,} more skipped rows ({_json_lists(s.skipped, s.skipped_count)})")
    for cut in s.cut[:10]:
        say(f"  row {cut['row']}, field '{cut['field']}': {cut['reason']}")
    if s.cut_count > 10:
        say(f"  … and {s.cut_count - 10:,} more fields cut to their size limit ({_json_lists(s.cut, s.cut_count)})")
    say(f"  directory {'would hold' if s.dry_run else 'now holds'} {s.total_after:,} services ({s.elapsed_s:.1f} s)")


def _print_taken_away(s) -> None:
    """Needs, languages and populations the update takes from records the source held: named before
    the import is refused for them, and after it when it went through (under the bound, or allowed)."""
    from helpline_tui.core.import_refusals import LOST_NEEDS_SHARE, taken_away_text

    taken = s.taken_away
    if not taken:
        return
    verb = "would take" if s.dry_run else "took"
    say(f"  {verb} needs, languages or populations away from {taken['records']:,} of the {taken['held']:,} "
         f"records of source '{s.source}': {taken_away_text(taken)}")
    for example in taken["examples"][:5]:
        place = ", ".join(p for p in (example["city"], example["state"]) if p)
        lost = example["lost"]
        say(f"    {example['name']}{f' ({place})' if place else ''}: {', '.join(lost[:8])}{', …' if len(lost) > 8 else ''}")
    if s.dry_run and taken["over_bound"]:
        say(f"  the import itself will be refused: more than {taken['bound']:,} records "
             f"({LOST_NEEDS_SHARE:.0%} of the source) lose something; add --allow-lost-needs if the source "
             f"really dropped them, or give another feed its own --source-name")


def _json_lists(listed: list, count: int) -> str:
    return "--json lists them all" if len(listed) == count else f"--json lists the first {len(listed):,}"


def _print_merges(s) -> None:
    """Records shown as one site with another source's record: who with whom, and why."""
    if not s.merged:
        return
    say(f"  {s.merged:,} records merged with another source's record of the same site:")
    for pair in s.merges[:10]:
        say(f"    {pair['name']} / {pair['source']} ↔ {pair['other_name']} / {pair['other_source']} "
             f"(same {pair['why'].replace('+', ' and ')}, name {pair['score']:g})")
    if len(s.merges) > 10:
        say(f"    … and {len(s.merges) - 10:,} more (--json lists them all)")
