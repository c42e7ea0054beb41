"""The command line as a user (or a script) drives it."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_mini

from study import clock

NOW = "2026-03-02T12:00:00Z"


def env_for(home: Path, content: Path | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDY_")}
    env.update(STUDY_HOME=str(home), STUDY_NOW=NOW, TZ="UTC", PYTHONUNBUFFERED="1")
    if content is not None:
        env.update(STUDY_BUNDLED_CONTENT="0", STUDY_CONTENT_DIRS=str(content))
    env.update(extra)
    return env


def study(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "study", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=60)


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return write_mini(tmp_path / "content")


def test_today_and_stats_json(tmp_path: Path, content: Path) -> None:
    env = env_for(tmp_path / "home", content)
    out = study(["today"], env)
    assert out.returncode == 0, out.stderr
    assert "new          8" in out.stdout
    data = json.loads(study(["today", "--json"], env).stdout)
    assert data["new"] == 8 and data["review"] == 0
    stats = json.loads(study(["stats", "--json"], env).stdout)
    for key in ("reviews_total", "reviews_today", "due_today", "new_today", "streak_days",
                "retention_30d"):
        assert key in stats
    assert stats["reviews_total"] == 0 and stats["new_today"] == 8


def test_plain_review_session_with_every_card_type(tmp_path: Path, content: Path) -> None:
    env = env_for(tmp_path / "home", content)
    keys = [
        "", "3",            # cloze: reveal, Good
        "a", "",            # mcq: wrong answer -> suggested Again, accepted
        "\\u",              # at the typed prompt: undo the mcq grade
        "b", "",            # mcq again: right -> Good
        "Hello,  WORLD!", "",  # typed: normalised match -> Good
        "", "4",            # basic: reveal, Easy
        "q",
    ]
    out = study(["review", "--plain"], env, "\n".join(keys) + "\n")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "The [...] and the second deletion." in text
    assert "The [first] and the second deletion." in text
    assert "✗ wrong — answer: b) bb" in text
    assert "undone: alpha-mcq (Again)" in text
    assert "✓ right — answer: b) bb" in text
    assert "✓ right — accepted: hello world" in text
    saved = re.findall(r"saved: (\S+) (\w+)", text)
    assert saved == [
        ("alpha-cloze#c1", "Good"), ("alpha-mcq", "Again"), ("alpha-mcq", "Good"),
        ("alpha-typed", "Good"), ("a-0", "Easy")]
    # The interval shown before grading is the one that was scheduled.
    assert "1 Again 1m  2 Hard 6m  3 Good 10m" in text
    stats = json.loads(study(["stats", "--json"], env).stdout)
    assert stats["reviews_today"] == 4  # the undone grade does not count
    assert stats["new_introduced_today"] == 4


def test_plain_review_end_of_input_quits_safely(tmp_path: Path, content: Path) -> None:
    env = env_for(tmp_path / "home", content)
    out = study(["review", "--plain"], env, "\n3\n\n")  # ends at a prompt
    assert out.returncode == 0
    assert "every grade is saved" in out.stdout
    assert json.loads(study(["stats", "--json"], env).stdout)["reviews_total"] == 1


def test_leech_is_reported(tmp_path: Path, content: Path) -> None:
    home = tmp_path / "home"
    env = env_for(home, content, STUDY_LEECH_THRESHOLD="1", STUDY_NEW_PER_DAY="1")
    assert study(["review", "--plain", "--limit", "1"], env, "\n4\n").returncode == 0
    later = env | {"STUDY_NOW": "2026-04-30T12:00:00Z"}
    out = study(["review", "--plain", "--limit", "1"], later, "\n1\n")
    assert "! leech: 1 lapses; suspended." in out.stdout
    stats = json.loads(study(["stats", "--json"], later).stdout)
    assert stats["leeches"] == 1 and stats["suspended"] == 1


def test_settings_file_env_and_home_flag(tmp_path: Path, content: Path) -> None:
    home = tmp_path / "elsewhere"
    home.mkdir()
    (home / "settings.toml").write_text("new_per_day = 2\n")
    env = env_for(tmp_path / "unused", content)
    out = study(["--home", str(home), "today", "--json"], env)
    assert json.loads(out.stdout)["new"] == 2
    out = study(["--home", str(home), "today", "--json"], env | {"STUDY_NEW_PER_DAY": "5"})
    assert json.loads(out.stdout)["new"] == 5
    assert (home / "study.db").exists() and not (tmp_path / "unused" / "study.db").exists()
    bad = study(["--home", str(home), "today"], env | {"STUDY_DESIRED_RETENTION": "0.5"})
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("study: error: environment: STUDY_DESIRED_RETENTION='0.5': "
                                  "must be between 0.70 and 0.99")


def test_db_backup_and_rebuild_commands(tmp_path: Path, content: Path) -> None:
    env = env_for(tmp_path / "home", content)
    study(["review", "--plain"], env, "\n3\nb\n\nq\n")  # a cloze, then an mcq
    out = study(["db", "backup", "--out", str(tmp_path / "b.db")], env)
    assert out.returncode == 0 and (tmp_path / "b.db").exists()
    out = study(["db", "rebuild"], env)
    assert out.stdout.strip() == "rebuilt the state of 2 item(s) from the review log"
    bad = study(["db", "backup", "--out", "/proc/nope/b.db"], env)
    assert bad.returncode == 2 and bad.stderr.startswith("study: error: cannot write backup")


def test_headless_commands_never_import_torch_or_textual(tmp_path: Path, content: Path) -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['study'] + sys.argv[1:]\n"
        "from study.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('torch', 'textual') if m in sys.modules]\n"
        "print('IMPORTED', bad)\n"
    )
    env = env_for(tmp_path / "home", content)
    for args in (["--help"], ["today"], ["stats", "--json"], ["content", "check"],
                 ["db", "rebuild"], ["db", "backup"], ["review", "--plain"], []):
        proc = subprocess.run([sys.executable, "-c", code, *args], env=env, input="q\n",
                              capture_output=True, text=True, timeout=60)
        assert "IMPORTED []" in proc.stdout, (args, proc.stdout, proc.stderr)


def test_unknown_command_and_bad_clock_are_clear(tmp_path: Path, content: Path) -> None:
    env = env_for(tmp_path / "home", content)
    out = study(["frobnicate"], env)
    assert out.returncode == 2 and "invalid choice" in out.stderr
    out = study(["today"], env | {"STUDY_NOW": "yesterday"})
    assert out.returncode == 2
    assert out.stderr.strip() == "study: error: STUDY_NOW: not an ISO-8601 date-time: 'yesterday'"
    assert clock.parse_instant(NOW).year == 2026
