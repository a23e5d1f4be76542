"""Looking after the directory file: `helpline demo build`, `migrate`, `doctor` and `import --rollback`."""

from __future__ import annotations

import argparse
from pathlib import Path

from helpline_tui.cli.output import say
from helpline_tui.core.display import json_line
from helpline_tui.errors import Failure, UsageError


def demo_command(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.demo_build import build_demo

    if args.size < 0:
        raise UsageError("--size must be 0 or more")
    try:
        summary = build_demo(db_path, args.size, args.seed, force=args.force)
    except OSError as exc:
        raise Failure(f"{db_path}: cannot write the demo directory ({exc.strerror or exc})") from None
    say(f"{db_path}: demo directory of {summary.total_after:,} fictional services written "
         f"({summary.elapsed_s:.1f} s)")
    return 0


def migrate_command(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core.pipeline import migrate_file

    if not db_path.exists():
        raise Failure(f"{db_path} does not exist")
    try:
        applied = migrate_file(db_path)
    except OSError as exc:
        raise Failure(f"{exc.filename or db_path}: cannot migrate ({exc.strerror or exc}); "
                      f"nothing was changed") from None
    say(f"{db_path}: " + (f"migrated to schema version {applied[-1]}" if applied else "already current"))
    return 0


def rollback(db_path: Path, as_json: bool) -> int:
    from helpline_tui.core import versions
    from helpline_tui.core.safe_write import import_lock

    try:
        with import_lock(db_path) as real_path:
            restored = versions.rollback(real_path)
    except OSError as exc:
        raise Failure(f"{exc.filename or db_path}: cannot roll back ({exc.strerror or exc})") from None
    if as_json:
        print(json_line({"rolled_back": True, "version": restored.name, **restored.info}))
        return 0
    info = restored.info
    sources = ", ".join(f"{s['name']} {s['records']:,} (imported {s['imported_at']})" for s in info.get("sources", []))
    say(f"{db_path}: rolled back to the file written {info.get('written_at')} "
         f"(replaced at {info.get('kept_at')} by {info.get('replaced_by')})")
    say(f"  now holds {info.get('services', 0):,} services{f': {sources}' if sources else ''}")
    if versions.keep_count():
        say("  the file it replaced is kept: run `helpline import --rollback` again to undo")
    return 0


def doctor_command(args: argparse.Namespace, db_path: Path) -> int:
    from helpline_tui.core import doctor

    if args.repair:
        try:
            done = doctor.repair(db_path)
        except OSError as exc:
            raise Failure(f"{exc.filename or db_path}: cannot repair ({exc.strerror or exc})") from None
        if not args.json:
            for line in done or ["nothing to repair"]:
                say(f"repair: {line}")
    report = doctor.examine(db_path)
    if args.json:
        print(json_line(report.as_json()))
    else:
        labels = {doctor.OK: "ok", doctor.NOTE: "note", doctor.PROBLEM: "PROBLEM"}
        for f in report.findings:
            say(f"{labels[f.status]:<8} {f.check:<10} {f.message}{f' -> {f.fix}' if f.fix else ''}")
        if report.healthy:
            say(f"healthy: {db_path} needs nothing")
        else:
            say(f"UNHEALTHY: {len(report.problems)} problem(s) in {db_path}; " + "; then ".join(report.fixes()))
    return 0 if report.healthy else 1
