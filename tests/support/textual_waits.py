"""Textual's pilot, after every key and every pause, waits until the process's CPU use stays under
5% for a 20 ms window (`textual._wait.wait_for_idle`): at least 40 ms a key even when the app has
nothing left to do, which on an idle machine was about half of a TUI test's time. `until_app_is_quiet`
returns as soon as the app itself says it is done: no message queued or waiting in any of its
screens and widgets and no worker pending or running, seen on three looks in a row. A worker that a
busy machine has descheduled still counts as work here (the CPU reading takes it for idle). A screen
blocked on purpose (waiting for a dialog's answer) keeps messages queued: for that, Textual's own
reading still ends the wait, as before; so does its one-second limit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from textual import _wait, app as textual_app, pilot as textual_pilot
from textual._context import active_app
from textual.worker import WorkerState

_LOOK_EVERY = 0.001  # seconds: lets the app's tasks and its threads' hand-overs run between looks
_QUIET_LOOKS = 3
_BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


def _pumps(app) -> Iterator:
    yield app
    yield from list(app._registry)  # every screen and widget mounted in the app


def _app_is_busy(app) -> bool:
    if any(worker.state in _BUSY for worker in app.workers):
        return True
    return any(not pump._message_queue.empty() or pump._next_callbacks or pump._pending_message is not None
               for pump in _pumps(app))


async def until_app_is_quiet(min_sleep: float = 0.0, max_sleep: float = 1.0) -> None:
    """A drop-in for textual's wait_for_idle (same arguments and limit, same CPU rule kept)."""
    try:
        app = active_app.get()
    except LookupError:  # no app running in this context: Textual's own reading
        await _wait.wait_for_idle(min_sleep, max_sleep)
        return
    start = window_start = time.monotonic()
    window_cpu = time.process_time()
    quiet = 0
    while True:
        await asyncio.sleep(_LOOK_EVERY)
        now = time.monotonic()
        if now - start >= max_sleep:
            return
        quiet = 0 if _app_is_busy(app) else quiet + 1
        if quiet >= _QUIET_LOOKS and now - start >= min_sleep:
            return
        if now - window_start >= _wait.SLEEP_GRANULARITY:  # Textual's reading, window by window
            if now - start > min_sleep and time.process_time() - window_cpu < _wait.SLEEP_IDLE:
                return
            window_start, window_cpu = now, time.process_time()


def wait_on_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the pilot (key presses, pauses, animations) wait with until_app_is_quiet."""
    monkeypatch.setattr(textual_app, "wait_for_idle", until_app_is_quiet)
    monkeypatch.setattr(textual_pilot, "wait_for_idle", until_app_is_quiet)
