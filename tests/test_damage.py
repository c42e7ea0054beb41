"""Damaged databases, backups and restores, full and read-only disks: one clear line each,
and never a lost review."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_mini
from test_cli import env_for, study

from study import dbfile
from study.backup import restore, rotate


def reviewed_home(tmp_path: Path, grades: int = 2) -> tuple[Path, dict[str, str]]:
    """A home with a few grades and a verified backup of them."""
    home = tmp_path / "home"
    env = env_for(home, write_mini(tmp_path / "content"))
    out = study(["review", "--plain", "--limit", str(grades)], env, "\n3\n" * grades + "q\n")
    assert out.returncode == 0, out.stderr
    out = study(["db", "backup", "--out", str(home / "backups" / "study-2026-11-22.db")], env)
    assert out.returncode == 0, out.stderr
    return home, env


def log_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def one_line(out: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in out.stderr + out.stdout
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    return lines[0]


@pytest.mark.parametrize("damage", ["empty", "truncated", "garbage", "missing", "pages"])
def test_a_damaged_database_names_the_backup_and_restore_brings_it_back(
    tmp_path: Path, damage: str
) -> None:
    home, env = reviewed_home(tmp_path)
    db = home / "study.db"
    before = log_size(db)
    assert before >= 1
    backups = sorted(p.name for p in (home / "backups").iterdir())
    if damage == "empty":
        db.write_bytes(b"")
    elif damage == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2 + 100])
    elif damage == "garbage":
        db.write_bytes(os.urandom(8192))
    elif damage == "pages":  # the header is whole, the pages behind it are not
        data = bytearray(db.read_bytes())
        data[4096:] = os.urandom(len(data) - 4096)
        db.write_bytes(bytes(data))
    else:
        db.unlink()
    for side in ("study.db-wal", "study.db-shm"):
        (home / side).unlink(missing_ok=True)
    out = study(["today"], env)
    assert out.returncode == 2
    line = one_line(out)
    assert "study-2026-11-22.db" in line and "`study db restore`" in line, line
    # The damaged file is neither replaced by an empty history nor backed up.
    assert study(["review", "--plain"], env, "q\n").returncode == 2
    assert sorted(p.name for p in (home / "backups").iterdir()) == backups
    assert study(["db", "check"], env).returncode == 1
    out = study(["db", "restore"], env)
    assert out.returncode == 0, out.stderr
    assert "restored" in out.stdout
    if damage != "missing":
        assert any(p.name.startswith("study.db.before-restore-") for p in home.iterdir())
    assert log_size(db) == before
    out = study(["today", "--json"], env)
    assert out.returncode == 0, out.stderr
    out = study(["db", "check"], env)
    assert out.returncode == 0 and out.stdout.startswith("ok: "), out.stdout


def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path: Path) -> None:
    home, env = reviewed_home(tmp_path)
    bad = home / "backups" / "study-2026-11-23.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    snapshot = (home / "study.db").read_bytes()
    out = study(["db", "restore", str(bad)], env)
    assert out.returncode == 2 and "not restored" in one_line(out)
    assert (home / "study.db").read_bytes() == snapshot
    # The default skips it and takes the newest good one.
    info, _ = restore(home)
    assert info.path.name == "study-2026-11-22.db"


def test_rotation_never_drops_the_last_backup_with_history(tmp_path: Path) -> None:
    home, env = reviewed_home(tmp_path)
    folder = home / "backups"
    good = folder / "study-2026-11-22.db"
    # Newer copies of an emptied history, and a damaged one.
    empty_src = tmp_path / "empty-home"
    assert study(["today"], env | {"STUDY_HOME": str(empty_src)}).returncode == 0
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        shutil.copyfile(empty_src / "study.db", folder / f"study-{day}.db")
        os.utime(folder / f"study-{day}.db", (2e9 + int(day[-2:]), 2e9 + int(day[-2:])))
    (folder / "study-2026-11-26.db").write_bytes(b"garbage")
    os.utime(folder / "study-2026-11-26.db", (2.1e9, 2.1e9))
    removed = rotate(home, keep=2)
    names = sorted(p.name for p in folder.iterdir())
    assert "study-2026-11-22.db" in names, names  # the only one with history stays
    assert "study-2026-11-26.db" not in names  # damaged copies restore nothing
    # The two newest good ones, plus the newest holding history; the rest go.
    assert names == ["study-2026-11-22.db", "study-2026-11-24.db", "study-2026-11-25.db"]
    assert len(removed) == 3
    assert dbfile.newest_good_backup(home).path == good


def test_broken_pipe_is_quiet(tmp_path: Path) -> None:
    env = env_for(tmp_path / "home", write_mini(tmp_path / "content"))
    code = (f"{sys.executable} -m study settings | head -n 1; "
            f"{sys.executable} -m study --help | head -c 10")
    out = subprocess.run(["bash", "-o", "pipefail", "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.stderr == "" and out.returncode == 0, out.stderr


def test_a_home_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    for home in (tmp_path / "afile", tmp_path / "afile" / "below"):
        out = study(["today"], env_for(home))
        assert out.returncode == 2
        assert str(tmp_path / "afile") in one_line(out)


def _mount_tmpfs(where: Path, size: str) -> bool:
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    where.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True).returncode == 0


def test_disk_full_keeps_every_confirmed_grade_and_leaves_no_temp_files(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "1200k"):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        home = disk / "home"
        env = env_for(home, write_mini(tmp_path / "content"))
        assert study(["today"], env).returncode == 0
        out = study(["review", "--plain", "--limit", "2"], env, "\n3\n\n3\nq\n")
        assert out.returncode == 0, out.stderr
        kept = log_size(home / "study.db")
        filler = disk / "filler"
        with open(filler, "wb", buffering=0) as fh:  # fill the disk to the last byte
            for size in (65536, 4096, 512, 1):
                try:
                    while True:
                        fh.write(b"\0" * size)
                except OSError:
                    pass
        for args, stdin in ((["review", "--plain"], "\n3\n" * 5 + "q\n"), (["today"], ""),
                            (["db", "backup"], ""), (["db", "rebuild"], "")):
            out = study(args, env, stdin)
            assert "Traceback" not in out.stderr + out.stdout, out.stderr
            assert out.returncode in (0, 2), (args, out.stderr)
            if out.returncode == 2:
                assert "disk is full" in out.stderr, out.stderr
        filler.unlink()
        assert log_size(home / "study.db") >= kept
        leftovers = [p for p in disk.rglob("*") if p.name.endswith((".tmp", ".part", ".new"))]
        assert leftovers == []
        assert study(["db", "check"], env).returncode == 0
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_a_read_only_home_says_read_only(tmp_path: Path) -> None:
    home, env = reviewed_home(tmp_path)
    if os.geteuid() != 0:
        pytest.skip("needs root for a read-only bind mount")
    ok = subprocess.run(["mount", "--bind", "-o", "ro", str(home), str(home)],
                        capture_output=True).returncode == 0
    if not ok:
        pytest.skip("cannot bind-mount")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(home)], capture_output=True)
        out = study(["review", "--plain"], env, "\n3\nq\n")
        assert out.returncode == 2
        assert "read-only" in one_line(out)
    finally:
        subprocess.run(["umount", "-l", str(home)], capture_output=True)


def test_a_removed_wal_file_is_one_line_in_other_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting study.db-wal while a session runs: the others say what happened."""
    from study.core import open_study
    from study.session import Session

    home = tmp_path / "home"
    env = env_for(home, write_mini(tmp_path / "content"))
    assert study(["today"], env).returncode == 0
    for key, value in env.items():
        if key.startswith("STUDY_"):
            monkeypatch.setenv(key, value)
    with open_study(home) as opened:
        opened.store.conn.execute("PRAGMA wal_autocheckpoint = 0")
        session = Session(opened)
        for _ in range(2):
            entry = session.next()
            assert entry is not None
            session.grade(entry.item, 3)
        (home / "study.db-wal").unlink()
        for args in (["today"], ["stats"], ["review", "--plain"], ["db", "check"]):
            out = study(args, env, "q\n")
            assert out.returncode in (1, 2), (args, out.stderr)
            assert "Traceback" not in out.stderr + out.stdout
            assert "study.db-wal" in out.stderr + out.stdout or "disk I/O" in (
                out.stderr + out.stdout), (args, out.stderr, out.stdout)
