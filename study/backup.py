"""Automatic daily backups of the review database, keeping the last N."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from study.store import Store

BACKUP_DIR = "backups"


def backup_path(home: Path, day: date) -> Path:
    return home / BACKUP_DIR / f"study-{day.isoformat()}.db"


def auto_backup(store: Store, home: Path, day: date, keep: int) -> Path | None:
    """Back up once per study day; prune to the newest `keep`. Returns the new file, if any."""
    if keep <= 0:
        return None
    target = backup_path(home, day)
    made = None
    if not target.exists():
        made = store.backup_to(target)
    existing = sorted((home / BACKUP_DIR).glob("study-????-??-??.db"))
    for old in existing[:-keep]:
        old.unlink(missing_ok=True)
    return made
