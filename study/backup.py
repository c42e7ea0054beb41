"""Backups of the review database: a verified daily copy, safe rotation, restore.

Rotation counts only good backups: a damaged or empty copy never pushes a
good one with history out, so an emptied database cannot erase its backups.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from study import dbfile
from study.dbfile import BACKUP_DIR, BackupInfo
from study.errors import StudyError, UsageError, from_os_error
from study.store import DB_FILE, Store

__all__ = ["BACKUP_DIR", "auto_backup", "backup_path", "check", "choose_backup", "restore",
           "rotate"]


def backup_path(home: Path, day: date) -> Path:
    return home / BACKUP_DIR / f"study-{day.isoformat()}.db"


def auto_backup(store: Store, home: Path, day: date, keep: int) -> Path | None:
    """Back up once per study day; prune to the newest `keep` good ones. Returns the new file."""
    if keep <= 0:
        return None
    target = backup_path(home, day)
    made = None
    if not target.exists():
        store.verify()  # never back up a damaged database
        made = store.backup_to(target)  # and the copy is verified before it is put in place
        rotate(home, keep)  # once a day: it verifies every backup
    return made


def rotate(home: Path, keep: int) -> list[Path]:
    """Drop daily backups beyond the newest `keep` good ones; returns what was removed.

    Damaged daily copies go (they restore nothing). An empty good copy does not
    count against the newest backup that holds history, which is always kept.
    """
    daily = [b for b in dbfile.backups(home) if b.path.name.startswith("study-")
             and len(b.path.stem) == len("study-2026-01-01")]
    good = [b for b in daily if b.good]
    keepers = set(b.path for b in good[:keep])
    with_history = [b for b in good if b.reviews]
    if with_history:
        keepers.add(with_history[0].path)
    removed = []
    for b in daily:
        if b.path not in keepers:
            b.path.unlink(missing_ok=True)
            removed.append(b.path)
    return removed


def choose_backup(home: Path, given: str | None) -> BackupInfo:
    if given:
        path = Path(given).expanduser()
        if not path.exists() and (home / BACKUP_DIR / given).exists():
            path = home / BACKUP_DIR / given
        if not path.is_file():
            raise UsageError(f"backup not found: {path}")
        info = dbfile.inspect_backup(path)
        if not info.good:
            raise UsageError(f"{path} {info.problem}: not restored")
        return info
    best = dbfile.newest_good_backup(home)
    if best is None:
        raise UsageError(f"no good backup under {home / BACKUP_DIR}; nothing to restore")
    return best


def restore(home: Path, given: str | None = None, now: datetime | None = None) -> tuple[
        BackupInfo, Path | None]:
    """Put a verified backup in place of the database; the old file is kept aside.

    Returns the backup used and where the old database went (None if there was none).
    """
    info = choose_backup(home, given)
    db = home / DB_FILE
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%S")
    aside = db.with_name(f"{DB_FILE}.before-restore-{stamp}")
    tmp = db.with_name(f".{DB_FILE}.{os.getpid()}.restoring")
    try:
        shutil.copyfile(info.path, tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        check = dbfile.inspect_backup(tmp)
        if not check.good:
            raise StudyError(f"the copy of {info.path} {check.problem}; nothing was changed")
        moved = None
        if os.path.lexists(db):
            os.replace(db, aside)
            moved = aside
        for extra in ("-wal", "-shm"):  # they belong to the old file: never apply them
            side = db.with_name(DB_FILE + extra)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + extra))
        os.replace(tmp, db)
    except OSError as exc:
        raise from_os_error(exc, "cannot restore into") from None
    finally:
        tmp.unlink(missing_ok=True)
    return info, moved


def check(home: Path) -> list[str]:
    """A full integrity check of the database; the problems found (empty: all is well)."""
    db = home / DB_FILE
    if not db.exists():
        if dbfile.expected_but_missing(db):
            return [dbfile.damaged_message(db, "is missing, but its backups are here")]
        return [f"{db} does not exist yet (no review recorded)"]
    problem = dbfile.file_problem(db)
    if problem is None:
        try:
            conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
            try:
                problem = dbfile.check_connection(conn, full=True)
                if problem is None:
                    bad = conn.execute("PRAGMA foreign_key_check").fetchall()
                    if bad:
                        problem = f"has {len(bad)} broken reference(s) (PRAGMA foreign_key_check)"
            finally:
                conn.close()
        except sqlite3.Error as exc:
            problem = f"cannot be checked ({exc})"
    return [] if problem is None else [dbfile.damaged_message(db, problem)]

