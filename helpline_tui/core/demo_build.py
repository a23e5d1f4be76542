"""Writes a demo directory (the shipped one, or 10k / 100k / 1M ones for benchmarks) through the
same pipeline as real imports, then swaps it in whole."""

from __future__ import annotations

import contextlib
import itertools
import os
from pathlib import Path

from helpline_tui.core import demo, versions
from helpline_tui.core.pipeline import ImportSummary, import_lock, run_import


def build_demo(db_path: str | Path, size: int = 2000, seed: int = 2026) -> ImportSummary:
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    scratch = db_path.with_name(f".{db_path.name}.demo-build-{os.getpid()}")
    with import_lock(db_path):
        try:
            records = itertools.chain(demo.national_lines(), demo.generate(size, seed))
            summary = run_import(
                scratch, records, source=demo.DEMO_SOURCE, format="demo", origin=f"helpline demo build --size {size} --seed {seed}",
                meta={"demo": "true", "demo_size": str(size), "demo_seed": str(seed)},
            )
            versions.swap_in(scratch, db_path, f"demo build --size {size} --seed {seed}")
        finally:
            for leftover in (scratch, scratch.with_name(scratch.name + ".lock")):
                with contextlib.suppress(OSError):
                    leftover.unlink()
    return summary
