"""How helpline names, opens and writes its files: the directory file's real path and identity
(mode, owner) kept across a swap, read-only SQLite URIs for any path, and private files (slips).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


def real_path(path: str | Path) -> Path:
    """The file a symlinked directory path names: writers swap the new file in beside it, so the
    symlink stays a symlink and every reader of the real path sees the new data."""
    path = Path(path)
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def readonly_uri(path: str | Path) -> str:
    """A read-only SQLite URI for `path`. In a URI `#` starts a fragment and `%` an escape, so a
    path is quoted whole (Path.as_uri); an f-string "file:{path}" opens another file."""
    return f"{Path(os.path.abspath(path)).as_uri()}?mode=ro"


def keep_identity(old: Path, new: Path) -> None:
    """Give `new` the mode of `old`, and its owner and group where this user may: a swap must not
    widen or narrow who can read the directory."""
    try:
        st = os.stat(old)
    except FileNotFoundError:
        return
    os.chmod(new, stat.S_IMODE(st.st_mode))
    keep_owner(st, new)


def keep_owner(old: os.stat_result, new: Path) -> None:
    """`new` owned like `old` where this user may (root may; others can keep only their own)."""
    now = os.stat(new)
    if (now.st_uid, now.st_gid) != (old.st_uid, old.st_gid):
        with contextlib.suppress(PermissionError):
            os.chown(new, old.st_uid, old.st_gid)


def folder_mode_for(file_mode: int) -> int:
    """A folder no more open than a file: whoever may read the file may list and enter the folder
    (0600 -> 0700, 0640 -> 0750, 0644 -> 0755)."""
    mode = stat.S_IMODE(file_mode) & 0o666
    return mode | ((mode & 0o444) >> 2) | 0o700


def create_private(path: Path) -> int:
    """A new file only its owner can read (whatever the umask), opened for writing; fails if it exists."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), PRIVATE_FILE)


def make_private_folder(folder: Path) -> bool:
    """Create `folder` (0700) or tighten it to 0700 when others may read it. False when it stays
    open to others (another user's folder): the caller says so."""
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if stat.S_IMODE(folder.stat().st_mode) & 0o077:
        with contextlib.suppress(PermissionError):
            os.chmod(folder, PRIVATE_FOLDER)
    return not stat.S_IMODE(folder.stat().st_mode) & 0o077


def write_private(path: Path, content: str) -> None:
    """Write `content` to a new file `path` (0600), complete or not at all: it is written to
    `<path>.part`, synced (a full disk may only say so then), and renamed; on any failure the
    part file is removed, so nothing of the content is left behind."""
    tmp = path.with_name(path.name + ".part")
    fd = create_private(tmp)
    try:
        with open(fd, "w", encoding="utf-8", closefd=True) as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC or a quota from the OS, or SQLITE_FULL ("database or disk is full") from SQLite."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "database or disk is full" in str(exc)
