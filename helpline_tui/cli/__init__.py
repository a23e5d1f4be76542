"""The `helpline` command: the contract in docs/cli-contract.md.

Exit codes: 0 success, 1 failure (nothing changed), 2 usage error. Errors are one sentence on
stderr; a traceback is a bug. Textual is imported only when the TUI opens.

The arguments are in parser.py; each group of commands has its module: search.py (search),
imports.py (import, refresh), reports.py (info, needs, coverage, report), admin.py (demo build,
migrate, doctor, import --rollback), interface.py (no command: the TUI or the plain interface).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from helpline_tui.cli import admin, imports, reports, search
from helpline_tui.cli.interface import run_interface
from helpline_tui.cli.output import say
from helpline_tui.cli.parser import build_parser
from helpline_tui.core import settings, url_secrets
from helpline_tui.core.display import display_text
from helpline_tui.errors import UserError

# What runs each command, given its arguments and the directory file.
COMMANDS = {"search": search.search_command, "import": imports.import_command, "refresh": imports.refresh_command,
            "info": reports.info_command, "needs": reports.needs_command, "coverage": reports.coverage_command,
            "report": reports.report_command, "demo": admin.demo_command, "migrate": admin.migrate_command,
            "doctor": admin.doctor_command}

# The commands that may write the directory (and keep the version they replace).
WRITING_COMMANDS = ("import", "refresh", "demo", "migrate", "doctor")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from helpline_tui.core.directory import default_db_path

    db_path: Path = args.db or default_db_path()
    try:
        if args.command is None:
            return run_interface(db_path, args.lang, args.theme, args.plain, args.tally)
        if args.command in WRITING_COMMANDS:
            settings.check_all()  # every HELPLINE_* setting, before any work, not at the swap after it
        return COMMANDS[args.command](args, db_path)
    except UserError as exc:  # one sentence, credentials in an address hidden; the branch gives the exit code
        sentence = url_secrets.scrub(str(exc))
        if exc.usage:
            parser.exit(2, f"helpline: error: {display_text(sentence)}\n")
        say(f"helpline: {sentence}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        say("helpline: interrupted; nothing was changed", file=sys.stderr)
        return 1
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0

