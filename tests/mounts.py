"""Real file systems for fault tests: a small tmpfs that can be filled to a real ENOSPC, or made
read-only. Mounting needs root (or CAP_SYS_ADMIN): where it is not permitted, the test skips with
the reason, and a fault-injection test covers the same path."""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip() or 'mount failed'}): the fault-injection "
                    f"test covers this case")


@contextlib.contextmanager
def small_tmpfs(where: Path, size: str = "1m") -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs for a real full disk needs root: the fault-injection test covers this case")
    where.mkdir(parents=True, exist_ok=True)
    _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(folder: Path) -> None:
    """Take every free block of the file system holding `folder` (a real ENOSPC from then on)."""
    with open(folder / "filler", "wb", buffering=0) as handle:
        for chunk in (1 << 16, 512, 1):
            try:
                while handle.write(b"\0" * chunk):
                    pass
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc


def remount_readonly(where: Path) -> None:
    _mount("-o", "remount,ro", str(where))
