"""The hostile locator record opened in `helpline` running in a real terminal, tmux with
`set -g set-clipboard on`: the source's OSC 52 must not fill tmux's paste buffer, its
OSC 0 must not set the pane's title, and the fake number must not be painted over the real one.
The pane is tall enough for the whole page: a terminal is only sent the lines it shows."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from helpline_tui.cli import main
from tests.conftest import ROOT
from tests.hostile_terminal import CLIPBOARD_PAYLOAD, FAKE_PHONE, REAL_PHONE, write_hostile_export

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed: this test runs helpline inside it")


class Tmux:
    """A private tmux server (its own socket), so the test sees only its own buffers and pane."""

    def __init__(self, folder: Path) -> None:
        self.socket = f"helpline-test-{uuid.uuid4().hex[:8]}"
        self.conf = folder / "tmux.conf"
        self.conf.write_text("set -g set-clipboard on\nset -g status off\n")

    def __call__(self, *args: str) -> str:
        done = subprocess.run([TMUX, "-L", self.socket, "-f", str(self.conf), *args], capture_output=True,
                              text=True, timeout=30)
        return done.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "call")

    def wait_for(self, words: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if words in screen:
                return screen
            time.sleep(0.2)
        pytest.fail(f"{words!r} never appeared; the pane shows:\n{self.screen()}")


def test_a_hostile_record_opened_in_tmux_leaves_clipboard_title_and_phone_alone(tmp_path: Path):
    db = tmp_path / "services.sqlite"
    assert main(["import", "samhsa-csv", str(write_hostile_export(tmp_path / "locator.csv")), "--db", str(db)]) == 0
    tmux = Tmux(tmp_path)
    env = {**os.environ, "HELPLINE_CONFIG": str(tmp_path / "no-config.toml"), "TERM": "xterm-256color"}
    command = f"cd {ROOT} && exec {sys.executable} -m helpline_tui --db {db}"
    subprocess.run([TMUX, "-L", tmux.socket, "-f", str(tmux.conf), "new-session", "-d", "-s", "call", "-x", "80",
                    "-y", "60", command], env=env, check=True, timeout=30)
    try:
        tmux.wait_for("services")
        title = tmux("display-message", "-p", "-t", "call", "#{pane_title}")
        buffers = tmux("list-buffers")
        tmux("send-keys", "-t", "call", "-l", "harbor light")
        tmux.wait_for("Harbor Light Recovery")
        tmux("send-keys", "-t", "call", "Enter")
        screen = tmux.wait_for("Phones")
        time.sleep(1)  # anything the page wrote to the terminal has reached tmux
        screen = tmux.screen()

        assert tmux("list-buffers") == buffers
        assert CLIPBOARD_PAYLOAD not in tmux("show-buffer")
        assert tmux("display-message", "-p", "-t", "call", "#{pane_title}") == title
        main_line = next(line for line in screen.splitlines() if line.strip().startswith("Main"))
        assert REAL_PHONE in main_line
        assert FAKE_PHONE not in screen.replace("\\x1b[8;18H" + FAKE_PHONE, "")
    finally:
        tmux("kill-server")
