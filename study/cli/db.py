"""`study db ...`: the review database."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from study.cli.common import UsageError, open_study_for


def cmd_db_rebuild(args: argparse.Namespace) -> int:
    with open_study_for(args) as study:
        n = study.store.rebuild()
    print(f"rebuilt the state of {n} item(s) from the review log")
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    from study.backup import backup_path

    with open_study_for(args) as study:
        out = Path(args.out) if args.out else backup_path(
            study.home, study.days.day_of(study.now())).with_name(
            f"study-{study.now().strftime('%Y%m%dT%H%M%S')}.db")
        try:
            dest = study.store.backup_to(out)
        except OSError as exc:
            raise UsageError(f"cannot write backup {out}: {exc.strerror or exc}") from None
    print(f"backed up to {dest}")
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    from study import dbfile
    from study.backup import check
    from study.paths import resolve_home
    from study.store import DB_FILE

    home = resolve_home(args.home)
    problems = check(home)
    for p in problems:
        print(p)
    found = dbfile.backups(home)
    good = [b for b in found if b.good]
    if not problems:
        import sqlite3

        conn = sqlite3.connect(f"{(home / DB_FILE).as_uri()}?mode=ro", uri=True)
        try:
            n = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
        finally:
            conn.close()
        print(f"ok: {home / DB_FILE} is whole ({n:,} log entries)")
    print(f"backups: {len(good)} good" + (f", {len(found) - len(good)} damaged"
                                          if len(found) > len(good) else "")
          + (f"; newest: {good[0].describe()}" if good else ""))
    return 1 if problems else 0


def cmd_db_restore(args: argparse.Namespace) -> int:
    from study.backup import restore
    from study.paths import resolve_home

    home = resolve_home(args.home)
    info, aside = restore(home, args.backup)
    print(f"restored {info.describe()}")
    if aside is not None:
        print(f"the previous database is kept as {aside}")
    return 0


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database tools")
    dsub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    s = dsub.add_parser("rebuild", help="recompute every item's state from the review log")
    s.set_defaults(func=cmd_db_rebuild)
    s = dsub.add_parser("backup", help="copy the database (online, consistent)")
    s.add_argument("--out", metavar="FILE", help="backup file (default: under the home)")
    s.set_defaults(func=cmd_db_backup)
    s = dsub.add_parser("check", help="full integrity check of the database and its backups")
    s.set_defaults(func=cmd_db_check)
    s = dsub.add_parser("restore", help="replace the database with a verified backup (the "
                        "current file is kept aside)")
    s.add_argument("backup", nargs="?", metavar="BACKUP",
                   help="a backup file (default: the newest good one)")
    s.set_defaults(func=cmd_db_restore)
