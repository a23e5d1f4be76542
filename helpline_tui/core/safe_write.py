"""How a directory file is changed without ever being half-written: the one writer's lock, a
private copy beside the file that is changed instead, the atomic swap that puts it in place
(core/versions.py keeps the file it replaces), and the removal of copies a killed writer left.

Every writer goes through here: an import, a schema upgrade, `doctor --repair`, a demo build.
A reader sees the old file or the new one, never a mix; an error, a full disk or a kill at any
point leaves the directory byte-for-byte as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from helpline_tui.core import files, schema, versions
from helpline_tui.errors import Failure

# In the names of private copies (.NAME.import-PID-NS), so stale ones can be found and removed.
TEMP_MARK = ".import-"


class ImportLocked(Failure):
    pass


class CannotWrite(Failure):
    """The directory file cannot be written here (a folder at its path, a read-only file system, a
    full disk): one sentence; nothing was changed."""

    def __init__(self, db_path: Path, why: str):
        super().__init__(f"{db_path}{' ' if why.startswith('is ') else ': '}{why}")
        self.why = why


@contextlib.contextmanager
def import_lock(db_path: Path) -> Iterator[Path]:
    """Hold the one writer's lock of a directory file; gives the file to write: a symlinked path
    is followed, so the new file is swapped in beside the real one and the symlink stays."""
    db_path = files.real_path(db_path)
    if db_path.is_dir():
        raise CannotWrite(db_path, "is a folder, not a directory file; give --db the .sqlite file")
    lock_path = lock_file(db_path)
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(lock_path, "a+")
    except OSError as exc:  # a read-only file system, a folder of someone else's
        raise CannotWrite(db_path, f"the new directory file is written beside it, but {lock_path.parent} "
                                   f"cannot be written ({exc.strerror or exc}); nothing was changed") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportLocked(
                f"{db_path}: another import into this directory is running; try again when it has finished"
            ) from None
        try:
            yield db_path
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def lock_file(db_path: Path) -> Path:
    """The file whose lock the one writer of a directory file holds."""
    return db_path.with_name(db_path.name + ".lock")


def private_copies(db_path: Path) -> list[Path]:
    """The private copies beside a directory file: a running writer's, or a killed one's."""
    return sorted(db_path.parent.glob(f".{db_path.name}{TEMP_MARK}*"))


def remove_stale_temps(db_path: Path) -> list[Path]:
    """Temporary files left by a killed import (we hold the lock, so none is in use)."""
    versions.remove_incomplete(db_path)
    removed = []
    for path in private_copies(db_path):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


@contextlib.contextmanager
def writable_copy(db_path: Path, replaced_by: str = "import") -> Iterator[tuple[sqlite_utils.Database, Callable[[], None]]]:
    """A private copy of the directory to change; `commit()` swaps it in atomically, keeping the
    file it replaces (versions.py; `replaced_by` says why). Leaving the block without commit
    (error, dry run, nothing changed) deletes the copy. A full disk at any point (copying,
    writing, syncing, keeping the old file) is CannotWrite, one sentence."""
    try:
        with _private_copy(db_path, replaced_by) as copy:
            yield copy
    except (OSError, sqlite3.OperationalError) as exc:
        if not files.is_disk_full(exc):
            raise
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise CannotWrite(db_path, f"the disk is full ({reason}), so the new directory could not be "
                                   f"written; nothing was changed: free some space and run it again") from None


@contextlib.contextmanager
def _private_copy(db_path: Path, replaced_by: str) -> Iterator[tuple[sqlite_utils.Database, Callable[[], None]]]:
    tmp = db_path.with_name(f".{db_path.name}{TEMP_MARK}{os.getpid()}-{time.monotonic_ns()}")
    if db_path.exists():
        # Readable by this user only while it is written; the swap gives it the old file's mode.
        os.close(files.create_private(tmp))
        try:
            shutil.copyfile(db_path, tmp)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        # The copy is private and thrown away on failure, so no journal is needed while writing it,
        # and no sync until it is complete: commit() fsyncs it once before the atomic swap.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA temp_store = FILE")
        # A larger page cache (64 MB, the default is 2 MB) keeps the services indexes in memory
        # while a large import inserts into all of them at once.
        conn.execute("PRAGMA cache_size = -65536")
    except sqlite3.DatabaseError as exc:
        conn.close()
        tmp.unlink(missing_ok=True)
        raise schema.SchemaError(schema.not_a_directory(db_path, exc)) from None
    db = sqlite_utils.Database(conn)
    committed = False

    def commit() -> None:
        nonlocal committed
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        versions.swap_in(tmp, db_path, replaced_by)
        committed = True

    try:
        yield db, commit
    finally:
        if not committed:
            with contextlib.suppress(Exception):
                conn.close()
            with contextlib.suppress(OSError):
                tmp.unlink()


def file_of(conn: sqlite3.Connection) -> str:
    """The path of the file a connection writes (the private copy), for files kept beside it."""
    return conn.execute("PRAGMA database_list").fetchone()[2]
