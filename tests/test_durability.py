"""Never lose a review: a killed session and two concurrent processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import write_mini
from test_cli import env_for, study


def basic_only(root: Path, n: int) -> Path:
    write_mini(root, n_alpha=n)
    (root / "cards" / "basics" / "alpha-extra.yaml").unlink()
    return root


def read_until(proc: subprocess.Popen, needle: str, timeout: float = 30.0) -> str:
    """Read the child's stdout byte by byte until `needle` appears (prompts have no newline)."""
    assert proc.stdout is not None
    buf = b""
    deadline = time.monotonic() + timeout
    while needle.encode() not in buf:
        assert time.monotonic() < deadline, f"timed out waiting for {needle!r}: {buf[-300:]!r}"
        ch = os.read(proc.stdout.fileno(), 1)
        assert ch, f"child closed its output: {buf[-300:]!r}"
        buf += ch
    return buf.decode()


def test_sigkill_mid_session_keeps_every_confirmed_grade(tmp_path: Path) -> None:
    content = basic_only(tmp_path / "content", 10)
    home = tmp_path / "home"
    env = env_for(home, content, STUDY_NEW_PER_DAY="10")
    proc = subprocess.Popen([sys.executable, "-m", "study", "review", "--plain"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    assert proc.stdin is not None
    confirmed = []
    for rating in ("3", "1", "4"):
        read_until(proc, "reveal > ")
        proc.stdin.write(b"\n")
        read_until(proc, "] > ")
        proc.stdin.write(rating.encode() + b"\n")
        line = read_until(proc, "next in")
        confirmed.append(line.split("saved: ")[1].split()[0])
    # Mid-card: revealed, not yet graded. Then the terminal dies.
    read_until(proc, "reveal > ")
    proc.stdin.write(b"\n")
    read_until(proc, "] > ")
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    db = sqlite3.connect(home / "study.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = db.execute("SELECT item_id, rating FROM reviews WHERE event='grade' ORDER BY id")
    assert [r[0] for r in rows] == confirmed
    db.close()
    # A relaunch sees them and carries on with the card that was on screen.
    stats = study(["stats", "--json"], env)
    assert '"reviews_total": 3' in stats.stdout


WORKER = textwrap.dedent("""
    import os, sys, time
    from datetime import timedelta
    from study.core import open_study
    from study.clock import now
    study = open_study()
    items = [it for it in study.items][:5]
    t = now()
    while not os.path.exists(sys.argv[2]):  # start together, so the writers really contend
        time.sleep(0.005)
    for i in range(int(sys.argv[1])):
        it = items[i % len(items)]
        study.store.grade(it.id, it.kind, 1 + (i % 4), t + timedelta(seconds=i))
    study.close()
""")


def test_two_processes_grading_at_once_lose_nothing(tmp_path: Path) -> None:
    content = basic_only(tmp_path / "content", 10)
    home = tmp_path / "home"
    env = env_for(home, content)
    n = 300
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(n), str(go)], env=env,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    time.sleep(1.0)
    go.touch()
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    # And two line-mode sessions side by side.
    sessions = [subprocess.Popen([sys.executable, "-m", "study", "review", "--plain", "--limit",
                                  "4"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 text=True) for _ in range(2)]
    outs = [s.communicate("\n3\n" * 12, timeout=120)[0] for s in sessions]
    # A card shown in both is recorded by the first to grade it; the other says so and
    # moves on: never graded twice.
    saved = [o.count("saved:") - o.count("not saved:") for o in outs]
    assert saved == [4, 4], outs

    db = sqlite3.connect(home / "study.db")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("SELECT COUNT(*) FROM reviews WHERE event='grade'").fetchone()[0] == 2 * n + 8
    reps = dict(db.execute("SELECT item_id, reps FROM item_state"))
    counted = dict(db.execute("SELECT item_id, COUNT(*) FROM reviews GROUP BY item_id"))
    assert reps == counted  # no update was lost: every grade reached its item's state
    last = [r[0] for r in db.execute(
        "SELECT item_id FROM reviews WHERE event='grade' ORDER BY id DESC LIMIT 8")]
    assert len(set(last)) == 8, last
    live = db.execute("SELECT * FROM item_state ORDER BY item_id").fetchall()
    db.close()
    assert study(["db", "rebuild"], env).returncode == 0
    db = sqlite3.connect(home / "study.db")
    assert db.execute("SELECT * FROM item_state ORDER BY item_id").fetchall() == live
    db.close()


def test_a_kill_during_import_leaves_the_old_home_or_the_new_one(tmp_path: Path) -> None:
    """SIGKILL at random moments of a large import: never a mix of old and new."""
    import json
    import random

    content = basic_only(tmp_path / "content", 10)
    home = tmp_path / "home"
    env = env_for(home, content)
    out = study(["review", "--plain", "--limit", "2"], env, "\n3\n" * 2 + "q\n")
    assert out.returncode == 0, out.stderr
    old = _log(home)
    n = 60_000
    rows = [{"id": i + 1, "item_id": f"basic-{i % 10}", "kind": "card", "event": "grade",
             "rating": 3, "ts": 1_767_225_600_000 + i * 60_000, "day": 739617 + i // 1440,
             "duration_ms": 1000, "client_id": "other", "state_before": None, "undoes": None,
             "until_ms": None} for i in range(n)]
    export = tmp_path / "big.json"
    export.write_text(json.dumps({"format": "study-export", "version": 1,
                                  "settings": {"new_per_day": 3},
                                  "history": {"reviews": rows, "client_id": "other"}}))
    rng = random.Random(5)
    outcomes = set()
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "study", "import", "json", str(export),
                                 "--replace"], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        out = study(["today", "--json"], env)  # the next open finishes a committed import
        assert out.returncode == 0, out.stderr
        log = _log(home)
        settings = (home / "settings.toml").read_text() if (home / "settings.toml").exists() \
            else ""
        if log == old:
            outcomes.add("old")
        else:
            assert len(log) == n, len(log)  # all of the new log, or none of it
            assert "new_per_day = 3" in settings
            outcomes.add("new")
        db = sqlite3.connect(home / "study.db")
        live = db.execute("SELECT * FROM item_state ORDER BY item_id").fetchall()
        db.close()
        assert study(["db", "rebuild"], env).returncode == 0
        db = sqlite3.connect(home / "study.db")
        assert db.execute("SELECT * FROM item_state ORDER BY item_id").fetchall() == live
        db.close()
        if log != old:  # start the next round from the old home again
            backups = sorted((home / "backups").glob("before-import-*.db"))
            assert backups, "the replaced history was backed up"
            (home / "settings.toml").unlink()
            old_rows = old
            assert study(["db", "restore", str(backups[0])], env).returncode == 0
            assert _log(home) == old_rows
    assert outcomes  # each round ended in one of the two


def _log(home: Path) -> list:
    db = sqlite3.connect(home / "study.db")
    try:
        return db.execute("SELECT * FROM reviews ORDER BY id").fetchall()
    finally:
        db.close()
