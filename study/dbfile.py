"""The review database as a file: is it whole, and which backups are good.

Checks here read the file directly (its header) or open it read-only, so
they work on a damaged file and never change one.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

HEADER = b"SQLite format 3\x00"
BACKUP_DIR = "backups"


def file_problem(path: Path) -> str | None:
    """What is wrong with the file as a database, judged from its size and header; None if
    nothing is."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(100)
    except IsADirectoryError:
        return "is a folder, not a database"
    except OSError as exc:
        from study.errors import os_words

        return f"cannot be read ({os_words(exc)})"
    if path.is_dir():
        return "is a folder, not a database"
    if size == 0:
        return "is empty (0 bytes): it was emptied or never written"
    if len(head) < 100 or not head.startswith(HEADER):
        return "is not an SQLite database (damaged or overwritten)"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if page_size < 512 or page_size & (page_size - 1):
        return "has a damaged header"
    if size % page_size or (pages and size < pages * page_size):
        return f"is truncated ({size:,} bytes, expected at least {pages * page_size:,})"
    return None


def check_connection(conn: sqlite3.Connection, full: bool = False) -> str | None:
    """SQLite's own check (quick by default); None if the database is whole."""
    try:
        rows = conn.execute("PRAGMA integrity_check(5)" if full else
                            "PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        if not is_corruption(exc):
            raise  # a full disk or a lock is not damage: the caller explains it
        return f"is damaged ({exc})"
    found = [" ".join(str(r[0]).split()) for r in rows if r[0] != "ok"]
    if any("unable to get the page" in f for f in found):
        # Pages that cannot be read (a vanished -wal, a failing disk) are not proof of damage.
        raise sqlite3.OperationalError("disk I/O error")
    return f"is damaged ({'; '.join(found)[:200]})" if found else None


SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26


def is_corruption(exc: sqlite3.Error) -> bool:
    """Damage in the file itself, as opposed to a full disk, a lock or a failing read."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    low = str(exc).lower()
    return "malformed" in low or "not a database" in low


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    modified: datetime
    reviews: int | None  # None: not a usable backup
    problem: str | None

    @property
    def good(self) -> bool:
        return self.problem is None

    def describe(self) -> str:
        when = self.modified.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.path} ({when}, {self.reviews or 0:,} reviews)"


def inspect_backup(path: Path) -> BackupInfo:
    """Verify a backup without changing it: whole, our schema, and how much history."""
    try:
        modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        modified = datetime.fromtimestamp(0, UTC)
    problem = file_problem(path)
    reviews = None
    if problem is None:
        try:
            conn = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
            try:
                problem = check_connection(conn)
                if problem is None:
                    reviews = int(conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])
            finally:
                conn.close()
        except sqlite3.Error as exc:
            problem = f"is not a study database ({exc})"
    return BackupInfo(path, modified, reviews, problem)


def backups(home: Path) -> list[BackupInfo]:
    """Every backup under the home, newest first, each verified."""
    folder = home / BACKUP_DIR
    try:
        files = [p for p in folder.iterdir() if p.suffix == ".db" and p.is_file()]
    except OSError:
        return []
    infos = [inspect_backup(p) for p in files]
    return sorted(infos, key=lambda b: (b.modified, b.path.name), reverse=True)


def newest_good_backup(home: Path) -> BackupInfo | None:
    """The newest backup that is whole and holds history (an empty one restores nothing)."""
    good = [b for b in backups(home) if b.good]
    with_history = [b for b in good if b.reviews]
    best = with_history or good
    return best[0] if best else None


def damaged_message(path: Path, problem: str, home: Path | None = None) -> str:
    """One line: what is wrong, the newest good backup, the command to restore it."""
    home = home or path.parent
    best = newest_good_backup(home)
    if best is None:
        return (f"{path} {problem}; no good backup found under {home / BACKUP_DIR}. "
                f"Move the file aside to start an empty history")
    return (f"{path} {problem}. The newest good backup is {best.describe()}: "
            f"restore it with `study db restore` (the damaged file is kept aside)")


def expected_but_missing(path: Path) -> bool:
    """The database is gone but its backups are here: that is a loss, not a new user."""
    return not os.path.lexists(path) and newest_good_backup(path.parent) is not None
