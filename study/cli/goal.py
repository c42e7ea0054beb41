"""`study goal`: a deadline for some tracks or topics; the daily new cards follow it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from study.cli.common import UsageError, open_study_for
from study.cli.plan import parse_day, print_progress


def cmd_goal_show(args: argparse.Namespace) -> int:
    from study.plans import summary

    with open_study_for(args) as study:
        data = summary(study, study.now())
    goal = data if data is not None and data["kind"] == "goal" else None
    if args.json:
        print(json.dumps(goal, ensure_ascii=False))
        return 0
    if goal is None:
        print("no goal set; `study goal set --by DATE` sets one")
        return 0
    print_progress(goal)
    if goal.get("drill"):
        print("  drill     " + ", ".join(
            d["kata"] + (f" ({d['recall']:.0%})" if d["recall"] is not None else " (new)")
            for d in goal["drill"]))
    return 0


def cmd_goal_set(args: argparse.Namespace) -> int:
    from study.plans import read_target, set_goal

    by = parse_day(args.by, "--by")
    with open_study_for(args) as study:
        before = read_target(study.store)
        _, pr = set_goal(study, by, args.track or [], args.topic or [], args.interview,
                         study.now())
    if before is not None and before.kind == "plan":
        print(f"stopped plan {before.plan_id!r}")
    print(f"goal: {pr.remaining} new card(s) by {by.isoformat()}: {pr.new_per_day} a day, "
          f"about {pr.minutes_per_day:.0f} min a day"
          + ("; interview: katas first" if args.interview else ""))
    return 0


def cmd_goal_clear(args: argparse.Namespace) -> int:
    from study.plans import read_target, write_target

    with open_study_for(args) as study:
        target = read_target(study.store)
        if target is None or target.kind != "goal":
            raise UsageError("no goal is set")
        write_target(study.store, None)
    print("goal cleared; new cards come at new_per_day again")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("goal", help="a deadline: new cards a day to cover the scope by DATE")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_goal_show)
    gsub = p.add_subparsers(dest="goal_command", metavar="COMMAND")
    s = gsub.add_parser("set", help="set the deadline (replaces a running plan or goal)")
    s.add_argument("--by", required=True, metavar="DATE", help="YYYY-MM-DD")
    s.add_argument("--track", action="append", metavar="T", help="a track (repeatable)")
    s.add_argument("--topic", action="append", metavar="T", help="a topic (repeatable)")
    s.add_argument("--interview", action="store_true",
                   help="katas first, katas and the tracks held to a higher recall until then")
    s.set_defaults(func=cmd_goal_set)
    s = gsub.add_parser("clear", help="drop the goal")
    s.set_defaults(func=cmd_goal_clear)
