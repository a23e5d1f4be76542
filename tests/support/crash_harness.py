"""Kill a real `helpline import` process at chosen moments and check the directory after each kill:
the harness of tests/test_crash_safety.py and bench/crash_import.py."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

from tests.support.synthetic_export import write_csv
from helpline_tui.core.directory import open_readonly
from helpline_tui.core.safe_write import TEMP_MARK
from helpline_tui.core.search import search


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def temp_files(db: Path, pid: int | None = None) -> list[Path]:
    """Private copies beside the directory: all of them, or those of the import with this pid
    (safe_write.writable_copy names them .NAME.import-PID-...)."""
    return sorted(db.parent.glob(f".{db.name}{TEMP_MARK}{'' if pid is None else f'{pid}-'}*"))


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


@dataclass(frozen=True)
class KillPoint:
    """When to kill: `delay` seconds after the process starts ("start"), or after its private copy
    first grows past the directory's size ("write": the staged rows are being written into the
    copy, then the derived tables rebuilt, fsynced and swapped in, all within a second or so)."""

    after: str
    delay: float


def kill_points(run_seconds: float, kills: int) -> list[KillPoint]:
    """Half spread evenly over the run from start-up on (parsing and staging take most of it);
    half packed after the copy starts to grow (densest at first), up to 45 % of a run: the write,
    rebuild and swap take about a third of it, so the last few land after the swap."""
    from_start = kills - kills // 2
    points = [KillPoint("start", 0.05 + 0.9 * run_seconds * i / max(1, from_start - 1)) for i in range(from_start)]
    span = 0.45 * run_seconds
    points += [KillPoint("write", span * (i / max(1, kills // 2 - 1)) ** 1.5) for i in range(kills // 2)]
    return points


@dataclass
class KillResult:
    point: KillPoint
    killed: bool  # False when the import had already finished at that moment
    temp_bytes: int  # size of the import's private copy when the kill landed (0: none yet / gone)
    outcome: str  # "unchanged" (byte-for-byte as before) or "replaced" (the complete new directory)


def kill_once(fixture: Fixture, point: KillPoint) -> KillResult:
    base_size = fixture.base_copy.stat().st_size
    proc = subprocess.Popen(import_argv(fixture.source, fixture.db), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if point.after == "write":
        # Its own copy only: copies left by earlier kills are there until it takes the lock.
        while proc.poll() is None and temp_bytes_now(fixture.db, proc.pid) <= base_size:
            time.sleep(0.002)
    time.sleep(point.delay)
    temp_bytes = temp_bytes_now(fixture.db, proc.pid)
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    outcome = check_directory(fixture)
    if outcome == "replaced":  # start the next kill from the same directory, so it has work to do
        restore_base(fixture)
    return KillResult(point, killed, temp_bytes, outcome)


def temp_bytes_now(db: Path, pid: int) -> int:
    total = 0
    for path in temp_files(db, pid):
        try:
            total += path.stat().st_size
        except OSError:  # removed between the listing and the stat
            pass
    return total


def kill_during_staging(source: Path, db: Path, after: float = 0.2) -> None:
    """Start an import and SIGKILL it `after` seconds after its private copy appears: the kill
    that certainly leaves a temporary file behind."""
    proc = subprocess.Popen(import_argv(source, db), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not temp_files(db, proc.pid) and proc.poll() is None and time.monotonic() < deadline:
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
