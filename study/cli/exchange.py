"""`study export anki|json` and `study import json`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from study.cli.common import UsageError, open_study_for


def cmd_export_anki(args: argparse.Namespace) -> int:
    from study.anki import ExportError, select, write_package

    out = Path(args.out or "deep-learning.apkg").expanduser()
    with open_study_for(args) as study:
        try:
            notes = select(study.content, args.track or (), args.topic or (), args.tag or (),
                           katas=not args.no_katas)
            if not notes:
                raise ExportError("nothing to export: no card matches those filters")
            counts = write_package(notes, out, study.store)
        except ExportError as exc:
            raise UsageError(str(exc)) from None
    print(f"wrote {out}: {counts['notes']} notes, {counts['cards']} cards"
          + (f", {counts['media']} media files" if counts["media"] else ""))
    print("Import it in Anki (File > Import); re-importing after edits updates the notes.",
          file=sys.stderr)
    return 0


def cmd_export_json(args: argparse.Namespace) -> int:
    from study.exchange import export_data

    with open_study_for(args) as study:
        text = json.dumps(export_data(study), ensure_ascii=False, indent=1)
    if not args.out or args.out == "-":
        print(text)
        return 0
    out = Path(args.out).expanduser()
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        tmp.write_text(text + "\n", encoding="utf-8")
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_import_json(args: argparse.Namespace) -> int:
    from study.exchange import ExchangeError, import_data

    try:
        text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        data = json.loads(text)
    except OSError as exc:
        raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"{args.file}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    with open_study_for(args) as study:
        try:
            counts = import_data(study, data, replace=args.replace)
        except ExchangeError as exc:
            raise UsageError(str(exc)) from None
    print(f"imported {counts['reviews']} log entries, {counts['attempts']} kata attempts, "
          f"{counts['hints']} hints into {study.home}")
    return 0


def register(sub: Any) -> None:
    export = sub.add_parser("export", help="export to Anki or JSON")
    esub = export.add_subparsers(dest="export_command", metavar="COMMAND", required=True)
    s = esub.add_parser("anki", help="an .apkg deck per track; re-import updates, never "
                        "duplicates")
    s.add_argument("--out", metavar="FILE.apkg", help="default: ./deep-learning.apkg")
    s.add_argument("--track", action="append", metavar="T", help="only this track (repeat)")
    s.add_argument("--topic", action="append", metavar="T", help="only this topic (repeat)")
    s.add_argument("--tag", action="append", metavar="T", help="only cards with this tag")
    s.add_argument("--no-katas", action="store_true", help="cards only")
    s.set_defaults(func=cmd_export_anki)
    s = esub.add_parser("json", help="all content and your review history")
    s.add_argument("--out", metavar="FILE", help="default: standard output")
    s.set_defaults(func=cmd_export_json)
    imp = sub.add_parser("import", help="restore a home from a JSON export")
    isub = imp.add_subparsers(dest="import_command", metavar="COMMAND", required=True)
    s = isub.add_parser("json", help="restore review history and settings from `export json`")
    s.add_argument("file", metavar="FILE", help="the export (- for standard input)")
    s.add_argument("--replace", action="store_true",
                   help="replace this home's history (a backup is made first)")
    s.set_defaults(func=cmd_import_json)
