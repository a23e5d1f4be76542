"""What every helper process of an import does first (the pool reading a source in parts, the
full-text index builder)."""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading


def start_worker() -> None:
    """Leave Ctrl-C to the importing process, and end when it does, even killed: a pool worker's
    task queue never reports end of file (the worker holds both of its ends), so it would wait
    forever, keeping the removed private copy's disk space."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_when_gone, args=(parent.sentinel,), daemon=True).start()


def _exit_when_gone(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
