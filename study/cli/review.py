"""`study`, `study today`, `study review`, `study stats`: the day's work."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from study.cli.common import UsageError, open_study_for


def cmd_today(args: argparse.Namespace) -> int:
    from study.session import Session

    with open_study_for(args) as study:
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
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("not a terminal: use `study review --plain` for line-mode review")
        from study.tui.app import run

        return run(args.home, start="review")
    with open_study_for(args) as study:
        _auto_backup(study)
        return PlainReview(study, sys.stdin, sys.stdout, limit=args.limit).run()


def _auto_backup(study: Any) -> None:
    """The daily backup; a failure is reported but never stands between you and reviews."""
    import sqlite3

    from study.backup import auto_backup
    from study.errors import StudyError

    try:
        auto_backup(study.store, study.home, study.days.day_of(study.now()),
                    study.settings.backups_keep)
    except (OSError, sqlite3.Error, StudyError) as exc:
        print(f"study: warning: daily backup failed: {exc}", file=sys.stderr)


def cmd_stats(args: argparse.Namespace) -> int:
    from study import stats
    from study.session import Session

    with open_study_for(args) as study:
        now = study.now()
        data = stats.compute(study, Session(study).plan(now), now)
        if args.json:
            data["fsrs"] = stats.fsrs_report(study)
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


def cmd_default(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Not a terminal (a pipe, a script): print the plan instead of drawing a screen.
        rc = cmd_today(args)
        print("\nIn a terminal, `study` opens the app; `study review --plain` reviews line by "
              "line; `study --help` lists every command.")
        return rc
    from study import todaypreview

    # Forked before Textual is imported: today's counts are worked out beside its start.
    preview = todaypreview.start(args.home)
    from study.tui.app import run

    return run(args.home, preview=preview)


def register(sub: Any) -> None:
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
