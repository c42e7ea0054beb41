"""End to end in a real terminal: `study` under tmux, keys sent, the screen read back.

Reviews three cards, quits, relaunches and finds them counted; grades one more and
closes the terminal under it: nothing graded is lost.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


class Tmux:
    def __init__(self, name: str, env: dict[str, str]) -> None:
        self.name = name
        self.env = env

    def run(self, *args: str) -> str:
        out = subprocess.run(["tmux", *args], capture_output=True, text=True, env=self.env,
                             timeout=30)
        return out.stdout

    def start(self, command: str, size: tuple[int, int] = (100, 30)) -> None:
        self.run("new-session", "-d", "-s", self.name, "-x", str(size[0]), "-y", str(size[1]),
                 command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name)

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.name, *keys)

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if any(t in screen for t in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"none of {texts} appeared; the screen was:\n{screen}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], env=self.env,
                              capture_output=True).returncode == 0

    def kill(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], env=self.env,
                       capture_output=True)


def grades(home: Path) -> int:
    with sqlite3.connect(home / "study.db") as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM reviews r WHERE event = 'grade' AND NOT EXISTS "
            "(SELECT 1 FROM reviews u WHERE u.undoes = r.id)").fetchone()[0]


def test_review_three_cards_quit_and_relaunch(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "TMUX_TMPDIR": str(tmp_path), "TERM": "xterm-256color",
           "STUDY_HOME": str(home)}
    env.pop("TMUX", None)
    command = f"{sys.executable} -m study"
    tmux = Tmux("study-e2e", env)
    tmux.start(command)
    try:
        tmux.wait_for("start today's session", timeout=60)
        tmux.keys("r")
        tmux.wait_for("show answer", "pick", "check your answer")
        for n in range(3):
            screen = tmux.wait_for("show answer", "pick", "check your answer")
            if "check your answer" in screen:  # a typed card: answer something
                tmux.keys("x", "Enter")
            elif "pick" in screen:  # multiple choice: pick the first
                tmux.keys("1")
            else:
                tmux.keys("Space")
            tmux.wait_for("Again")
            tmux.keys("3")
            tmux.wait_for(f"done today {n + 1}")
        assert grades(home) == 3  # committed while the app is still running
        tmux.keys("Escape")  # out of the answer box, if the next card is a typed one
        time.sleep(0.3)  # a lone Escape is told apart from an escape sequence by time
        tmux.keys("q")
        tmux.wait_for("resume (3 done today)")
        tmux.keys("q")
        deadline = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive(), "q on the dashboard should quit"

        tmux.start(command)  # relaunch: today's work is counted
        tmux.wait_for("resume (3 done today)", timeout=60)
        tmux.keys("r")
        screen = tmux.wait_for("done today 3")
        assert "due" in screen and "new" in screen
        # One more grade, then the terminal goes away without a goodbye.
        screen = tmux.wait_for("show answer", "pick", "check your answer")
        if "check your answer" in screen:
            tmux.keys("x", "Enter")
        elif "pick" in screen:
            tmux.keys("1")
        else:
            tmux.keys("Space")
        tmux.wait_for("Again")
        tmux.keys("4")
        tmux.wait_for("done today 4")
    finally:
        tmux.kill()  # SIGHUP to the app, as closing the terminal window does
    assert grades(home) == 4


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TMUX_TMPDIR": str(tmp_path), "TERM": "xterm-256color",
           "STUDY_HOME": str(tmp_path / "home"), "STUDY_KATA_WORKER": "0", **extra}
    env.pop("TMUX", None)
    env.pop("VISUAL", None)
    return env


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_missing_editor_never_freezes_the_app(tmp_path: Path, size: tuple[int, int]) -> None:
    """EDITOR names a program that is not installed: `e` on a card and ctrl+o in a kata
    say so and go on in the built-in editor; the keys keep working."""
    env = _env(tmp_path, EDITOR="nano-not-installed-here", STUDY_KATA_FIRST="true")
    tmux = Tmux(f"study-editor-{size[0]}", env)
    tmux.start(f"{sys.executable} -m study", size)
    try:
        tmux.wait_for("start today's session", timeout=60)
        tmux.keys("r")  # katas first: the kata screen
        tmux.wait_for("Check")
        tmux.keys("C-o")
        screen = tmux.wait_for("not found")
        assert "nano-not-installed-here" in screen
        tmux.keys("# typed here")  # the app is live: the text goes into its editor
        tmux.wait_for("# typed here")
        tmux.keys("Escape")
        time.sleep(0.3)
        tmux.keys("n")  # on to the cards
        screen = tmux.wait_for("show answer", "pick", "check your answer")
        if "check your answer" in screen:  # a typed card: leave the box first
            tmux.keys("Escape")
            time.sleep(0.3)
        tmux.keys("e")
        screen = tmux.wait_for("ctrl+s save")  # the built-in editor, on the card's file
        assert ".yaml" in screen
        tmux.keys("Escape")
        tmux.wait_for("show answer", "pick", "check your answer")
        tmux.keys("q")
        tmux.wait_for("resume", "start today's session")
        tmux.keys("q")
        deadline = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive()
    finally:
        tmux.kill()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_broken_settings_file_is_explained_and_exits_2(tmp_path: Path,
                                                          size: tuple[int, int]) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text("new_per_day = 15\nnew_katas_per_day = 'x'\n")
    env = _env(tmp_path)
    tmux = Tmux(f"study-settings-{size[0]}", env)
    tmux.start(f"sh -c '{sys.executable} -m study; echo EXIT=$?; sleep 30'", size)
    try:
        screen = tmux.wait_for("Cannot open", timeout=60)
        assert "settings.toml" in screen and "new_katas_per_day" in screen
        assert "Settings" in screen and "Review" not in screen  # only what works
        tmux.keys("r")  # offers nothing: nothing happens
        time.sleep(0.5)
        assert "Cannot open" in tmux.screen()
        tmux.keys("q")
        screen = tmux.wait_for("EXIT=")
        assert "EXIT=2" in screen and "new_katas_per_day" in screen  # the one line, then 2
    finally:
        tmux.kill()
