"""Writes a demo directory (the shipped one, or 10k / 100k / 1M ones for benchmarks) through the
same pipeline as real imports, then swaps it in whole."""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
from pathlib import Path

from helpline_tui.core import demo, files, versions
from helpline_tui.core.import_summary import ImportSummary
from helpline_tui.core.pipeline import run_import
from helpline_tui.core.safe_write import CannotWrite, import_lock
from helpline_tui.errors import Failure


class DemoBuildRefused(Failure):
    """The file at the demo's path is a real directory (or not a directory at all): one sentence."""


def leftovers(db_path: Path) -> list[Path]:
    """What a killed demo build leaves beside the directory: its scratch directory, the scratch's
    lock and the scratch's own import copy (`..NAME.demo-build-PID.import-...`)."""
    folder = db_path.parent
    if not folder.is_dir():
        return []
    return sorted([*folder.glob(f".{db_path.name}.demo-build-*"), *folder.glob(f"..{db_path.name}.demo-build-*")])


def build_demo(db_path: str | Path, size: int = 2000, seed: int = 2026, force: bool = False) -> ImportSummary:
    """Write a demo directory at `db_path`. Refuses (DemoBuildRefused, nothing changed) to replace
    a file holding imported sources, or one that is not a helpline directory, unless `force`."""
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with import_lock(Path(db_path)) as db_path:
        scratch = db_path.with_name(f".{db_path.name}.demo-build-{os.getpid()}")
        # Checked under the lock: no import can add a source between this look and the swap.
        if db_path.exists() and not force:
            _refuse_unless_demo(db_path)
        for stale in leftovers(db_path):  # we hold the lock, so no build is using them
            with contextlib.suppress(OSError):
                stale.unlink()
        try:
            records = itertools.chain(demo.national_lines(), demo.generate(size, seed))
            try:
                summary = run_import(
                    scratch, records, source=demo.DEMO_SOURCE, format="demo",
                    origin=f"helpline demo build --size {size} --seed {seed}",
                    meta={"demo": "true", "demo_size": str(size), "demo_seed": str(seed)},
                )
            except CannotWrite as exc:  # said of the directory asked for, not of the scratch file
                raise CannotWrite(db_path, exc.why) from None
            versions.swap_in(scratch, db_path, f"demo build --size {size} --seed {seed}")
        finally:
            for leftover in (scratch, scratch.with_name(scratch.name + ".lock")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
    return summary


def _refuse_unless_demo(db_path: Path) -> None:
    try:
        conn = sqlite3.connect(files.readonly_uri(db_path), uri=True)
        try:
            imported = [name for (name,) in conn.execute("SELECT name FROM sources WHERE format != 'demo' ORDER BY name")]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise DemoBuildRefused(f"{db_path} exists and is not a helpline directory; give --force to replace it "
                               f"with a demo directory") from None
    if imported:
        raise DemoBuildRefused(f"{db_path} holds imported sources ({', '.join(imported)}) that a demo build would "
                               f"replace with fictional services; give --force to replace it anyway")
