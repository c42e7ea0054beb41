"""`study sync [DIR]`: exchange reviews with a folder shared between machines."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from study.cli.common import open_study_for


def cmd_sync(args: argparse.Namespace) -> int:
    from study.paths import resolve_home
    from study.settings import load_settings
    from study.sync import check_dir, sync

    # the folder is checked before the home is opened: a bad DIR changes nothing
    folder = args.dir
    if folder is None:
        folder = load_settings(resolve_home(args.home)).sync_dir
    path = check_dir(folder)
    with open_study_for(args) as study:
        report = sync(study.store, path, study.home, study.now())
    for warning in report.warnings:
        print(f"study: warning: {warning}", file=sys.stderr)
    if args.json:
        print(json.dumps({"received": report.received, "sent": report.sent,
                          "devices": report.devices, "settings": report.settings_changed,
                          "warnings": report.warnings}))
        return 0
    got, sent = report.received, report.sent
    print(f"synced with {path}: {report.devices} other device(s); received "
          f"{got['reviews']} event(s), {got['attempts']} kata attempt(s); sent "
          f"{sent['reviews']} event(s), {sent['attempts']} kata attempt(s)"
          + (f"; settings changed: {', '.join(report.settings_changed)}"
             if report.settings_changed else ""))
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("sync", help="exchange reviews with a folder kept in step between "
                       "machines (Syncthing, Dropbox, a git repository)")
    s.add_argument("dir", nargs="?", metavar="DIR",
                   help="the shared folder (default: the sync_dir setting)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_sync)
