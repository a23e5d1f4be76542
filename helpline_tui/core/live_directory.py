"""The open directory, shared by the interface's workers, and how it notices an import.

Imports replace the file atomically (os.replace), so the read-only connection keeps a consistent view
of the old file until it is reopened. `changed()` compares the file's identity (inode, mtime, size);
`reopen()` opens the new file first and swaps it in under the lock, so a search never sees a closed
connection. Every use of the connection goes through `lock` (one query at a time).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from helpline_tui.core.directory import FileIdentity, is_demo, open_readonly


@dataclass(frozen=True)
class DirectorySummary:
    path: Path
    total: int  # active services
    demo: bool
    updated: str | None  # the latest import time of any source, ISO


class LiveDirectory:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.lock = threading.RLock()
        self.identity = FileIdentity.of(self.path)
        self.conn = open_readonly(self.path)
        self.summary = self._summarise(self.conn)
        self.generation = 1  # goes up on every reopen
        self.rejected: FileIdentity | None = None  # a file version that could not be opened

    def _summarise(self, conn) -> DirectorySummary:
        total = conn.execute("SELECT count(*) FROM services WHERE status = 'active'").fetchone()[0]
        try:
            updated = conn.execute("SELECT max(imported_at) FROM sources").fetchone()[0]
        except Exception:
            updated = None
        return DirectorySummary(self.path, total, is_demo(conn), updated)

    def changed(self) -> bool:
        now = FileIdentity.of(self.path)
        return now is not None and now != self.identity and now != self.rejected

    def reopen(self) -> DirectorySummary:
        """Open the file as it is now and swap it in. Raises DirectoryError (the old connection
        stays in use) when it cannot be read."""
        identity = FileIdentity.of(self.path)
        try:
            conn = open_readonly(self.path)
            summary = self._summarise(conn)
        except Exception:
            self.rejected = identity
            raise
        with self.lock:
            old, self.conn = self.conn, conn
            self.identity, self.summary = identity, summary
            self.generation += 1
        old.close()
        return summary

    def close(self) -> None:
        with self.lock:
            self.conn.close()
