"""Crash safety: SIGKILL a real `helpline import` at many moments and check the directory each time.

    python bench/crash_import.py [--rows 20000] [--kills 40]

A directory is built from a small CSV, then a larger CSV (synthetic SAMHSA locator export, as in
bench_import.py) is imported into it by `python -m helpline_tui import` in a subprocess that is
killed with SIGKILL after a delay. The delays are spread from process start-up to just past the
end of an uninterrupted run (measured first), so they land in parsing, staging, the derived-table
rebuild and the fsync/swap. After every kill the directory must be byte-for-byte as before, or (a
kill after the swap) the complete new directory; it must open and answer a search. Temporary files
the killed import left are removed by the next import, which must succeed.

tests/test_crash_safety.py runs the same checks with fewer rows and kill points.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_import import write_csv  # noqa: E402
from helpline_tui.core.directory import open_readonly  # noqa: E402
from helpline_tui.core.pipeline import TEMP_MARK  # noqa: E402
from helpline_tui.core.search import search  # noqa: E402


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def temp_files(db: Path) -> list[Path]:
    return sorted(db.parent.glob(f".{db.name}{TEMP_MARK}*"))


def import_argv(source: Path, db: Path) -> list[str]:
    return [sys.executable, "-m", "helpline_tui", "import", "samhsa-csv", str(source), "--db", str(db),
            "--source-name", "big", "--json"]


def run_import_cli(source: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([*import_argv(source, db), *extra], capture_output=True, text=True, cwd=ROOT,
                          timeout=600)


def services_count(db: Path) -> int:
    conn = open_readonly(db)
    try:
        return conn.execute("SELECT count(*) FROM services").fetchone()[0]
    finally:
        conn.close()


@dataclass
class Fixture:
    """A directory to protect, a source big enough to take a while, and what a whole run gives."""

    db: Path
    base_copy: Path  # the directory as it was before the big import, to restore after a complete run
    source: Path
    before_hash: str
    before_total: int
    after_total: int
    run_seconds: float


def prepare(folder: Path, rows: int) -> Fixture:
    """The base directory (a small import) and one uninterrupted reference run of the big import."""
    base_csv, big_csv = folder / "base.csv", folder / "big.csv"
    write_csv(base_csv, 300, seed=2)
    write_csv(big_csv, rows, seed=1)
    db = folder / "services.sqlite"
    done = run_import_cli(base_csv, db)
    if done.returncode:
        raise RuntimeError(f"building the base directory failed: {done.stderr.strip()}")
    reference = folder / "reference.sqlite"
    shutil.copyfile(db, reference)
    started = time.perf_counter()
    done = run_import_cli(big_csv, reference)
    run_seconds = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"the reference import failed: {done.stderr.strip()}")
    base_copy = folder / "base-copy.sqlite"
    shutil.copyfile(db, base_copy)
    fixture = Fixture(db, base_copy, big_csv, sha256(db), services_count(db), services_count(reference), run_seconds)
    reference.unlink()
    return fixture


def restore_base(fixture: Fixture) -> None:
    staged = fixture.db.with_name("restoring.sqlite")
    shutil.copyfile(fixture.base_copy, staged)
    os.replace(staged, fixture.db)


def kill_delays(run_seconds: float, kills: int) -> list[float]:
    """From 0.05 s to 1.4x an uninterrupted run (runs vary on a busy machine); every other point
    lies in the last part of the run, where the derived rebuild, the fsync and the swap happen."""
    delays = []
    for i in range(kills):
        share = i / max(1, kills - 1)
        delays.append(run_seconds * (0.75 + 0.65 * share) if i % 2 else 0.05 + run_seconds * share)
    return sorted(delays)


@dataclass
class KillResult:
    delay: float
    killed: bool  # False when the import had already finished at that moment
    temp_bytes: int  # size of the import's private copy when the kill landed (0: none yet / gone)
    outcome: str  # "unchanged" (byte-for-byte as before) or "replaced" (the complete new directory)


def kill_once(fixture: Fixture, delay: float) -> KillResult:
    proc = subprocess.Popen(import_argv(fixture.source, fixture.db), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    temp_bytes = sum(p.stat().st_size for p in temp_files(fixture.db) if p.exists())
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    outcome = check_directory(fixture)
    if outcome == "replaced":  # start the next kill from the same directory, so it has work to do
        restore_base(fixture)
    return KillResult(delay, killed, temp_bytes, outcome)


def kill_during_staging(source: Path, db: Path, after: float = 0.2) -> None:
    """Start an import and SIGKILL it `after` seconds after its private copy appears: the kill
    that certainly leaves a temporary file behind."""
    proc = subprocess.Popen(import_argv(source, db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not temp_files(db) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(after)
    proc.kill()
    proc.wait()


def check_directory(fixture: Fixture) -> str:
    """'unchanged' or 'replaced'; raises AssertionError for anything else (missing, torn, a mix)."""
    db = fixture.db
    assert db.exists(), f"{db} is missing after the kill"
    unchanged = sha256(db) == fixture.before_hash
    conn = open_readonly(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity check failed"
        total = conn.execute("SELECT count(*) FROM services").fetchone()[0]
        expected = fixture.before_total if unchanged else fixture.after_total
        assert total == expected, f"{total} services: neither the old ({fixture.before_total}) " \
                                  f"nor the new ({fixture.after_total}) directory"
        page = search(conn, "recovery center")
        assert page.total > 0 and page.hits, "a search of the directory found nothing"
    finally:
        conn.close()
    return "unchanged" if unchanged else "replaced"


def finish_cleanly(fixture: Fixture) -> tuple[int, int]:
    """The next import after the kills: (temporary files found before it, found after it)."""
    leftovers = len(temp_files(fixture.db))
    done = run_import_cli(fixture.source, fixture.db)
    assert done.returncode == 0, done.stderr
    return leftovers, len(temp_files(fixture.db))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--kills", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        fixture = prepare(Path(tmp), args.rows)
        print(f"base directory {fixture.before_total:,} services; importing {args.rows:,} rows takes "
              f"{fixture.run_seconds:.2f} s uninterrupted and gives {fixture.after_total:,}")
        results, failures = [], 0
        for delay in kill_delays(fixture.run_seconds, args.kills):
            try:
                result = kill_once(fixture, delay)
            except AssertionError as exc:
                failures += 1
                print(f"  kill at {delay:5.2f} s: FAILED: {exc}")
                continue
            results.append(result)
            what = "SIGKILL" if result.killed else "finished before"
            print(f"  {what:>15} at {delay:5.2f} s · private copy {result.temp_bytes / 1e6:6.1f} MB · "
                  f"directory {result.outcome}")
        kill_during_staging(fixture.source, fixture.db)  # so the next import has a leftover to remove
        leftovers, remaining = finish_cleanly(fixture)
        killed = sum(r.killed for r in results)
        print(f"kill points tried: {len(results) + failures} ({killed} killed mid-import); "
              f"directory unchanged {sum(r.outcome == 'unchanged' for r in results)}, "
              f"replaced whole {sum(r.outcome == 'replaced' for r in results)}, failures {failures}")
        print(f"next import: {leftovers} leftover temporary file(s) before, {remaining} after; succeeded")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
