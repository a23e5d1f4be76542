"""Directory files built once per test session through the real pipeline and handed to each test as
a copy: building one runs a whole import and fills the ZIP tables (0.2-0.8 s), copying it takes a few
milliseconds. A copy is what the build leaves on disk (the file and its lock file) with a fresh
index id, as a new build would have: caches keyed by it in this process never mix two tests' files."""

from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path


class BuiltOnce:
    """Directories by name, each built by its builder the first time it is asked for."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._built: dict[str, Path] = {}

    def copy(self, name: str, build: Callable[[Path], object], dest: Path) -> Path:
        template = self._built.get(name)
        if template is None:
            template = self.folder / name / dest.name
            template.parent.mkdir(parents=True)
            build(template)
            self._built[name] = template
        return copy_directory(template, dest)


def copy_directory(template: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, dest)
    lock = template.with_name(template.name + ".lock")
    if lock.exists():
        shutil.copyfile(lock, dest.with_name(dest.name + ".lock"))
    with sqlite3.connect(dest) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'index_id'", (uuid.uuid4().hex,))
    conn.close()
    return dest


def built_by_one_worker(tmp_path_factory, name: str, build: Callable[[Path], object]) -> Path:
    """A directory only read by the tests that share it, built once for the whole run: under xdist
    the workers share their parent temporary folder, the first to ask builds the file (a real
    export takes 5-15 s to import) and the others wait for it and read the same file."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / f"built-by-one-worker-{name}"
    folder.mkdir(exist_ok=True)
    path, done = folder / "services.sqlite", folder / "done"
    with open(folder / "lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                build(path)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return path
