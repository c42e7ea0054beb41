"""The `study` command line. Imports stay inside the handlers so `--help` is instant
and nothing here pulls in torch or Textual."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from study import __version__


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit 2."""


def _open(args: argparse.Namespace) -> Any:
    from study.core import open_study

    study = open_study(args.home)
    if study.problems:
        print(f"study: warning: {len(study.problems)} content problem(s) skipped; "
              "run `study content check`", file=sys.stderr)
    return study


# -- commands -------------------------------------------------------------------


def cmd_today(args: argparse.Namespace) -> int:
    from study.session import Session

    with _open(args) as study:
        now = study.now()
        plan = Session(study).plan(now)
        c = plan.counts
        if args.json:
            print(json.dumps({"day": plan.day.isoformat(), **c,
                              "learning_later": len(plan.learning_later),
                              "estimated_minutes": round(plan.estimated_minutes, 1)}))
            return 0
        print(f"Today ({plan.day.isoformat()})")
        rows = [("learning", c["learning"]), ("review", c["review"]), ("new", c["new"]),
                ("kata", c["kata"])]
        for name, n in rows:
            print(f"  {name:<9}{n:>5}")
        print(f"  {'total':<9}{sum(c.values()):>5}   about {plan.estimated_minutes:.0f} min")
        if plan.learning_later:
            print(f"  ({len(plan.learning_later)} learning card(s) come back later today)")
        katas = [e.item.id for e in plan.entries if e.item.kind == "kata"]
        if katas:
            print(f"  katas: {', '.join(katas)}")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from study.plain import PlainReview

    if not args.plain:
        raise UsageError("the full-screen review arrives with the TUI; use `study review --plain`")
    with _open(args) as study:
        _auto_backup(study)
        return PlainReview(study, sys.stdin, sys.stdout, limit=args.limit).run()


def _auto_backup(study: Any) -> None:
    """The daily backup; a failure is reported but never stands between you and reviews."""
    import sqlite3

    from study.backup import auto_backup

    try:
        auto_backup(study.store, study.home, study.days.day_of(study.now()),
                    study.settings.backups_keep)
    except (OSError, sqlite3.Error) as exc:
        print(f"study: warning: daily backup failed: {exc}", file=sys.stderr)


def cmd_stats(args: argparse.Namespace) -> int:
    from study import stats
    from study.session import Session

    with _open(args) as study:
        now = study.now()
        data = stats.compute(study, Session(study).plan(now), now)
    if args.json:
        print(json.dumps(data))
        return 0
    ret = data["retention_30d"]
    lines = [
        ("reviews today", data["reviews_today"]),
        ("reviews in total", data["reviews_total"]),
        ("due today", data["due_today"]),
        ("new today", data["new_today"]),
        ("katas today", data["katas_today"]),
        ("streak", f"{data['streak_days']} day(s)"),
        ("retention (30 d)", "—" if ret is None else
         f"{ret:.1%} of {data['retention_30d_reviews']} reviews"),
        ("items seen", f"{data['items_seen']} of {data['items_total']}"),
        ("suspended", data["suspended"]),
        ("leeches", data["leeches"]),
    ]
    for name, value in lines:
        print(f"{name:<18}{value}")
    return 0


def cmd_content_check(args: argparse.Namespace) -> int:
    from study.core import content_roots
    from study.loader import load
    from study.paths import resolve_home
    from study.settings import load_settings

    home = resolve_home(args.home)
    settings = load_settings(home)
    roots = content_roots(settings, home)
    if args.paths:
        # Check the given paths against the bundled content they may refer to.
        bundled = [r for r in roots if r[1] == "bundled"]
        skip = {r[0] for r in bundled}
        roots = bundled + [(Path(p).resolve(), "user") for p in args.paths
                           if Path(p).resolve() not in skip]
    result = load(roots)
    for problem in result.problems:
        print(problem)
    c = result.content
    n_items = len(c.items())
    summary = (f"{len(c.tracks)} tracks, {len(c.topics)} topics, {len(c.cards)} cards "
               f"({n_items - len(c.katas)} review items), {len(c.katas)} katas")
    if result.problems:
        print(f"{len(result.problems)} problem(s); {summary} loaded", file=sys.stderr)
        return 1
    print(f"ok: {summary}")
    return 0


def cmd_db_rebuild(args: argparse.Namespace) -> int:
    with _open(args) as study:
        n = study.store.rebuild()
    print(f"rebuilt the state of {n} item(s) from the review log")
    return 0


def cmd_db_backup(args: argparse.Namespace) -> int:
    from study.backup import backup_path

    with _open(args) as study:
        out = Path(args.out) if args.out else backup_path(
            study.home, study.days.day_of(study.now())).with_name(
            f"study-{study.now().strftime('%Y%m%dT%H%M%S')}.db")
        try:
            dest = study.store.backup_to(out)
        except OSError as exc:
            raise UsageError(f"cannot write backup {out}: {exc.strerror or exc}") from None
    print(f"backed up to {dest}")
    return 0


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


def cmd_default(args: argparse.Namespace) -> int:
    # The full-screen app arrives with the TUI; until then, show today's plan.
    rc = cmd_today(args)
    print("\nStart reviewing with `study review --plain`; `study --help` lists every command.")
    return rc


# -- parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="study",
        description="A terminal study companion for deep learning: FSRS-scheduled cards "
        "and PyTorch-checked coding katas.",
    )
    p.add_argument("--version", action="version", version=f"study {__version__}")
    p.add_argument("--home", metavar="DIR",
                   help="study home (default: $STUDY_HOME, else the platform data dir)")
    p.set_defaults(func=cmd_default, json=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("today", help="today's plan: counts by kind and estimated minutes")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_today)

    s = sub.add_parser("review", help="review today's cards")
    s.add_argument("--plain", action="store_true",
                   help="line mode: any terminal, screen readers, piped input")
    s.add_argument("--limit", type=int, metavar="N", help="stop after N grades")
    s.set_defaults(func=cmd_review)

    s = sub.add_parser("stats", help="reviews, retention, streak, due counts")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_stats)

    content = sub.add_parser("content", help="content tools")
    csub = content.add_subparsers(dest="content_command", metavar="COMMAND", required=True)
    s = csub.add_parser("check", help="validate content; print file:line:col: message")
    s.add_argument("paths", nargs="*", metavar="PATH",
                   help="content directories or files (default: bundled + content_dirs)")
    s.set_defaults(func=cmd_content_check)

    db = sub.add_parser("db", help="database tools")
    dsub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    s = dsub.add_parser("rebuild", help="recompute every item's state from the review log")
    s.set_defaults(func=cmd_db_rebuild)
    s = dsub.add_parser("backup", help="copy the database (online, consistent)")
    s.add_argument("--out", metavar="FILE", help="backup file (default: under the home)")
    s.set_defaults(func=cmd_db_backup)

    s = sub.add_parser("settings", help="show the effective settings")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_settings)
    return p


def main(argv: list[str] | None = None) -> int:
    from study.clock import ClockError
    from study.settings import SettingsError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (UsageError, SettingsError, ClockError) as exc:
        print(f"study: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\ninterrupted; every grade so far is saved", file=sys.stderr)
        return 130
    except Exception as exc:  # store errors and the like: one clear line
        from study.migrations import SchemaError
        from study.store import StoreError

        if isinstance(exc, StoreError | SchemaError | FileNotFoundError):
            print(f"study: error: {exc}", file=sys.stderr)
            return 2
        raise
    except BrokenPipeError:
        return 0
