"""`study export anki|json` and `study import json|anki`."""

from __future__ import annotations

import argparse
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
    import os

    from study.exchange import write_export

    if not args.out or args.out == "-":
        if sys.stdout.isatty():
            # Megabytes of JSON scrolling past help no one: ask where it should go.
            raise UsageError("the export is a large JSON file: give --out FILE, or redirect "
                             "it (`study export json > FILE`)")
        with open_study_for(args) as study:
            write_export(study, sys.stdout)
        return 0
    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UsageError(f"{out} is a folder; give a file name, e.g. {out / 'study.json'}")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    with open_study_for(args) as study:
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                write_export(study, fh)
            tmp.replace(out)
        except OSError as exc:
            from study.errors import from_os_error

            raise from_os_error(exc, "cannot write") from None
        finally:
            tmp.unlink(missing_ok=True)
    print(f"wrote {out}", file=sys.stderr)
    return 0


def cmd_import_json(args: argparse.Namespace) -> int:
    from study.exchange import ImportProblems, import_file

    name = "standard input" if args.file == "-" else args.file
    try:
        # Closed by the `with` below, once the study is open too.
        fh = sys.stdin.buffer if args.file == "-" else open(  # noqa: SIM115
            Path(args.file).expanduser(), "rb")
    except OSError as exc:
        from study.errors import os_words

        raise UsageError(f"cannot read {args.file}: {os_words(exc)}") from None
    with fh, open_study_for(args) as study:
        def backed_up(path: Path) -> None:
            print(f"backed up this home's history to {path}", file=sys.stderr)

        try:
            counts = import_file(study, fh, name, replace=args.replace, before_write=backed_up)
        except ImportProblems as exc:
            for problem in exc.problems:
                print(f"{name}: {problem}", file=sys.stderr)
            raise
        except OSError as exc:
            from study.errors import os_words

            raise UsageError(f"cannot read {name}: {os_words(exc)}") from None
    print(f"imported {counts['reviews']} log entries, {counts['attempts']} kata attempts, "
          f"{counts['hints']} hints into {study.home}")
    return 0


def cmd_import_anki(args: argparse.Namespace) -> int:
    import json

    from study.ankiimport import import_anki

    with open_study_for(args) as study:
        counts = import_anki(study.store, study.items, Path(args.file).expanduser(),
                             dry_run=args.dry_run)
    if args.json:
        print(json.dumps(counts))
        return 0
    def n(count: int, noun: str) -> str:
        return f"{count} {noun}{'' if count == 1 else 's'}"

    verb = "would import" if args.dry_run else "imported"
    forgets = f" and {n(counts['forgets'], 'reset')}" if counts["forgets"] else ""
    print(f"{verb} {n(counts['imported'], 'Anki review')}{forgets} of {n(counts['items'], 'item')}"
          f" from {n(counts['study_notes'], 'study note')}; {counts['already_imported']} "
          "already imported before")
    ignored = f"ignored {n(counts['other_notes'], 'note')} not from study"
    if counts["gone_notes"]:
        ignored += f" and {n(counts['gone_notes'], 'note')} whose item is no longer in your content"
    print(ignored)
    dropped = [f"{count} {rule}" for rule, count in counts["dropped"].items() if count]
    if dropped:
        total = sum(counts["dropped"].values())
        print(f"dropped {n(total, 'review')}: {', '.join(dropped)}")
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
    s.add_argument("--out", metavar="FILE", help="default: standard output (not a terminal)")
    s.set_defaults(func=cmd_export_json)
    imp = sub.add_parser("import", help="restore a home from a JSON export, or bring back "
                         "Anki reviews")
    isub = imp.add_subparsers(dest="import_command", metavar="COMMAND", required=True)
    s = isub.add_parser("json", help="restore review history and settings from `export json`")
    s.add_argument("file", metavar="FILE", help="the export (- for standard input)")
    s.add_argument("--replace", action="store_true",
                   help="replace this home's history (a backup is made first)")
    s.set_defaults(func=cmd_import_json)
    s = isub.add_parser("anki", help="bring back reviews done in Anki or AnkiDroid on study's "
                        "exported deck")
    s.add_argument("file", metavar="FILE", help="collection.anki2, a .colpkg backup, or an "
                   ".apkg exported with scheduling")
    s.add_argument("--dry-run", action="store_true", help="count, change nothing")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_import_anki)
