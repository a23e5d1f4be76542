"""Core, importers and the CLI's non-TUI commands never load Textual: they stay fast and testable."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_core_and_importers_do_not_import_textual():
    code = (
        "import sys, pkgutil, importlib, helpline_tui.core, importers\n"
        "for pkg in (helpline_tui.core, importers):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(pkg.__name__ + '.' + m.name)\n"
        "import helpline_tui.cli\n"
        "leaked = sorted(m for m in sys.modules if m.split('.')[0] == 'textual' or m.startswith('helpline_tui.ui'))\n"
        "print(leaked)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "[]"
