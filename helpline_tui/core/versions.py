"""Kept versions of the directory file, and rolling back to the last one.

Every swap (import, refresh, migrate, demo build, rollback) keeps the file it replaces in the
sibling folder `<db>.versions/`, newest last, pruned to the last N (`HELPLINE_KEEP_VERSIONS`,
default 3; 0 keeps none). A version is a hard link to the old file's inode, so keeping it costs
no copy and no time; the live name is still replaced by one `os.replace`, and a reader with the
old file open keeps reading the very inode that is now the kept version. Nothing ever writes a
directory file in place, so a kept version never changes after it is kept.

A version is `<stamp>.sqlite` plus `<stamp>.json` (when it was kept, what replaced it, its
counts). The JSON is written last (temp, fsync, rename), so it marks the version complete: a
`.sqlite` without its `.json` is the leftover of a killed swap and is removed under the lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from helpline_tui.core import files, settings
from helpline_tui.errors import Failure

_TEMP_PREFIX = ".tmp-"


class NothingToRollBack(Failure):
    pass


@dataclass(frozen=True)
class KeptVersion:
    path: Path  # the .sqlite file
    info: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def meta_path(self) -> Path:
        return self.path.with_suffix(".json")

    def describe(self) -> str:
        info = self.info
        sources = ", ".join(f"{s['name']} {s['records']:,}" for s in info.get("sources", []))
        return (f"{self.name}: {info.get('services', '?'):,} services"
                f"{f' ({sources})' if sources else ''}, written {info.get('written_at', '?')}, "
                f"replaced at {info.get('kept_at', '?')} by {info.get('replaced_by', '?')}")


def keep_count() -> int:
    """How many versions to keep: `HELPLINE_KEEP_VERSIONS`, else 3 (settings.SettingError for a bad value)."""
    return settings.KEEP_VERSIONS.read()


def versions_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".versions")


def list_versions(db_path: Path) -> list[KeptVersion]:
    """Complete kept versions, oldest first."""
    folder = versions_dir(db_path)
    if not folder.is_dir():
        return []
    kept = []
    for meta_path in sorted(folder.glob("*.json")):
        if meta_path.name.startswith("."):
            continue
        data = meta_path.with_suffix(".sqlite")
        if not data.exists():
            continue
        try:
            info = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        kept.append(KeptVersion(data, info))
    return kept


def incomplete_files(db_path: Path) -> list[Path]:
    """Leftovers of a swap killed half-way: temp files, and data files without their metadata."""
    folder = versions_dir(db_path)
    if not folder.is_dir():
        return []
    complete = {path for v in list_versions(db_path) for path in (v.path, v.meta_path)}
    return sorted(p for p in folder.iterdir() if p not in complete)


def remove_incomplete(db_path: Path) -> None:
    """Call under the import lock only: no swap is then in progress."""
    for path in incomplete_files(db_path):
        with contextlib.suppress(OSError):
            path.unlink()


def swap_in(new_file: Path, db_path: Path, replaced_by: str, *, prune_after: bool = True) -> KeptVersion | None:
    """Replace `db_path` with `new_file` atomically, keeping the file it replaces. Call under the
    import lock, with `new_file` complete and fsynced. Returns the version kept, if any."""
    limit = keep_count()
    kept = keep(db_path, replaced_by) if limit and db_path.exists() else None
    files.keep_identity(db_path, new_file)  # who may read the directory does not change with its data
    os.replace(new_file, db_path)
    _fsync_dir(db_path.parent)
    if prune_after:
        prune(db_path, limit)
    return kept


def keep(db_path: Path, replaced_by: str) -> KeptVersion:
    """Keep the current file as a version (a hard link; a copy where links are not possible)."""
    folder = _private_as(db_path, versions_dir(db_path))
    stamp = _unique_stamp(folder)
    data = folder / f"{stamp}.sqlite"
    _link_or_copy(db_path, data)
    info = {"kept_at": _now(), "replaced_by": replaced_by, **_summary(data)}
    meta = folder / f"{stamp}.json"
    tmp_meta = folder / f"{_TEMP_PREFIX}{stamp}.json"
    try:
        os.close(files.create_private(tmp_meta))
        files.keep_identity(db_path, tmp_meta)  # source names and counts: as readable as the directory
        tmp_meta.write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
        _fsync_file(tmp_meta)
        os.replace(tmp_meta, meta)
    except BaseException:  # a full disk: no half-written metadata left for doctor to report
        with contextlib.suppress(OSError):
            tmp_meta.unlink()
        with contextlib.suppress(OSError):
            data.unlink()
        raise
    _fsync_dir(folder)
    return KeptVersion(data, info)


def _private_as(db_path: Path, folder: Path) -> Path:
    """The versions folder, no more open than the directory file (0600 -> 0700, 0644 -> 0755):
    made so, or narrowed when it is wider; never widened."""
    st = db_path.stat()
    wanted = files.folder_mode_for(st.st_mode)
    if not folder.is_dir():
        folder.mkdir(mode=wanted)  # the umask may narrow it further
        files.keep_owner(st, folder)
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & ~wanted:
        with contextlib.suppress(PermissionError):
            os.chmod(folder, mode & wanted)
    return folder


def prune(db_path: Path, limit: int) -> list[KeptVersion]:
    """Remove the oldest versions beyond `limit` (metadata first, so none is ever half-listed)."""
    kept = list_versions(db_path)
    removed = kept[: max(0, len(kept) - limit)]
    for version in removed:
        with contextlib.suppress(OSError):
            version.meta_path.unlink()
        with contextlib.suppress(OSError):
            version.path.unlink()
    if removed:
        _fsync_dir(versions_dir(db_path))
    return removed


def rollback(db_path: Path) -> KeptVersion:
    """Put the newest kept version back as the live file, in one `os.replace`. The file it
    replaces is kept in turn, so a second rollback undoes the first. Call under the import lock."""
    remove_incomplete(db_path)
    kept = list_versions(db_path)
    if not kept:
        raise NothingToRollBack(f"{db_path}: no kept version to roll back to ({versions_dir(db_path)} is empty "
                                f"or absent); versions are kept from the next import on")
    target = kept[-1]
    # Link, swap, then forget the version: killed half-way, the version is still listed (and
    # live), never lost.
    restored = versions_dir(db_path) / f"{_TEMP_PREFIX}restore-{target.name}.sqlite"
    try:
        _link_or_copy(target.path, restored)
        swap_in(restored, db_path, replaced_by=f"rollback to the version kept at {target.info.get('kept_at', '?')}",
                prune_after=False)
    except BaseException:  # a full disk: nothing half-done left for doctor to report
        with contextlib.suppress(OSError):
            restored.unlink()
        raise
    target.meta_path.unlink()
    target.path.unlink()
    prune(db_path, keep_count())
    return target


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link (no copy, no time); a fsynced copy renamed into place where links fail."""
    try:
        os.link(source, target)
    except OSError:
        tmp = target.with_name(f"{_TEMP_PREFIX}copy-{target.name}")
        os.close(files.create_private(tmp))
        shutil.copyfile(source, tmp)
        files.keep_identity(source, tmp)
        _fsync_file(tmp)
        os.replace(tmp, target)


def _summary(path: Path) -> dict[str, Any]:
    """What the kept file holds, for `doctor` and the rollback message; never fails the swap."""
    st = path.stat()
    out: dict[str, Any] = {"size_bytes": st.st_size,
                           "written_at": _iso(dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc))}
    try:
        conn = sqlite3.connect(files.readonly_uri(path), uri=True)
        try:
            out["schema_version"] = conn.execute("PRAGMA user_version").fetchone()[0]
            out["services"] = conn.execute("SELECT count(*) FROM services").fetchone()[0]
            out["sources"] = [{"name": n, "records": r, "imported_at": i} for n, r, i in conn.execute(
                "SELECT name, records, imported_at FROM sources ORDER BY name")]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        out["unreadable"] = str(exc)
    return out


def _unique_stamp(folder: Path) -> str:
    base = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    stamp, n = base, 1
    while (folder / f"{stamp}.sqlite").exists() or (folder / f"{stamp}.json").exists():
        stamp, n = f"{base}-{n}", n + 1
    return stamp


def _now() -> str:
    return _iso(dt.datetime.now(dt.timezone.utc))


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
