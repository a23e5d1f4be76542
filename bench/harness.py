"""What the speed benchmarks share: the demo directory of a given size, built once in another
process (so a benchmark's peak memory is its own), and the percentile they print."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_directory(path: Path, size: int) -> Path:
    """`path`, a demo directory of `size` fictional services, built with `helpline demo build` if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "helpline_tui", "demo", "build", "--size", str(size), "--db", str(path)],
                       check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s ({path.stat().st_size / 1e6:.0f} MB)",
              flush=True)
    return path


def percentile(values: list[float], fraction: float) -> float:
    """The value at `fraction` (0.95 for p95) of the sorted values, nearest rank; NaN for none."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else float("nan")
