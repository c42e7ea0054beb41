"""`study settings`: the effective settings."""

from __future__ import annotations

import argparse
import json
from typing import Any


def cmd_settings(args: argparse.Namespace) -> int:
    from study.paths import resolve_home
    from study.settings import SETTINGS_FILE, load_settings

    home = resolve_home(args.home)
    settings = load_settings(home)
    if args.json:
        print(json.dumps(settings.to_dict()))
        return 0
    print(f"# {home / SETTINGS_FILE} (STUDY_<NAME> variables override)")
    for key, value in settings.to_dict().items():
        print(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("settings", help="show the effective settings")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_settings)
