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


def register(sub: Any) -> None:
    db = sub.add_parser("db", help="database tools")
    dsub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    s = dsub.add_parser("rebuild", help="recompute every item's state from the review log")
    s.set_defaults(func=cmd_db_rebuild)
    s = dsub.add_parser("backup", help="copy the database (online, consistent)")
    s.add_argument("--out", metavar="FILE", help="backup file (default: under the home)")
    s.set_defaults(func=cmd_db_backup)
