"""`katas.reset`, which the drill and `study kata reset ID` share: the starter back, the
learner's work kept beside it, never overwritten."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from conftest import T0
from tui_helpers import content_with_kata

from study import katas
from study.core import open_study
from study.settings import Settings


def test_reset_keeps_the_work_and_restores_the_starter(tmp_path: Path) -> None:
    root = content_with_kata(tmp_path / "content")
    with open_study(tmp_path / "home", Settings(timezone="UTC"), [(root, "bundled")]) as st:
        kata = katas.get(st, "softmax")
        starter = (root / "exercises" / "softmax" / "starter.py").read_text()
        path, backup = katas.reset(st, kata, T0)  # nothing there yet: nothing to keep
        assert backup is None and path.read_text() == starter
        path.write_text("mine = 1\n")
        _, first = katas.reset(st, kata, T0)
        path.write_text("mine = 2\n")
        _, second = katas.reset(st, kata, T0)  # the same second: a second backup
        assert first is not None and second is not None and first != second
        assert first.read_text() == "mine = 1\n" and second.read_text() == "mine = 2\n"
        assert path.read_text() == starter
        _, none = katas.reset(st, kata, T0 + timedelta(seconds=5))  # unchanged starter
        assert none is None


def test_cli_kata_reset(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env_home = ["--home", str(home)]
    run = [sys.executable, "-m", "study", *env_home, "kata"]
    started = subprocess.run([*run, "start", "softmax"], capture_output=True, text=True)
    assert started.returncode == 0, started.stderr
    work = home / "workspace" / "softmax" / "softmax.py"
    work.write_text("my attempt\n")
    out = subprocess.run([*run, "reset", "softmax"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(work)
    kept = list(work.parent.glob("softmax.*.py.bak"))
    assert len(kept) == 1 and kept[0].read_text() == "my attempt\n"
    assert str(kept[0]) in out.stderr
    assert "NotImplementedError" in work.read_text()
    bad = subprocess.run([*run, "reset", "no-such-kata"], capture_output=True, text=True)
    assert bad.returncode == 2 and "unknown kata" in bad.stderr
    assert bad.stderr.count("\n") == 1  # one line
