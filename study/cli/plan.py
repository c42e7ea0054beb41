"""`study plan`: follow a dated study plan (bundled or your own, content/plans/*.yaml)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from typing import Any

from study.cli.common import UsageError, open_study_for


def parse_day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a date (YYYY-MM-DD)") from None


def print_progress(data: dict[str, Any]) -> None:
    """The numbers of `study plan` and `study goal`, one per line."""
    title = data["title"] + (f"  {data['title_zh']}" if data.get("title_zh") else "")
    print(f"{title}  ({data['start']} .. {data['by']}, {data['days_left']} day(s) left)")
    if data.get("stretch"):
        zh = f"  {data['stretch_title_zh']}" if data.get("stretch_title_zh") else ""
        print(f"  now       {data['stretch_title']}{zh} (until {data['stretch_end']})")
    ahead = data["days_ahead"]
    where = "on schedule" if ahead == 0 else (f"{ahead} day(s) ahead" if ahead > 0
                                              else f"{-ahead} day(s) behind")
    print(f"  progress  {data['new_done']} of {data['new_total']} new cards; {where}")
    print(f"  pace      {data['new_per_day']} new a day, about {data['minutes_per_day']:.0f} "
          f"min a day with {data['reviews_per_day']:.0f} reviews "
          f"({data['seconds_per_review']:.0f} s a review, {data['seconds_per_new']:.0f} s a "
          "new card)")
    finish = data["projected_finish"] or "never at this pace"
    print(f"  finish    {finish} ({'on track' if data['on_track'] else 'late'})")
    for line in data["messages"]:
        print(f"  note      {line}")


def cmd_plan_show(args: argparse.Namespace) -> int:
    from study.plans import summary

    with open_study_for(args) as study:
        data = summary(study, study.now())
    if args.json:
        print(json.dumps(data if data is None or data["kind"] == "plan" else None,
                         ensure_ascii=False))
        return 0
    if data is None or data["kind"] != "plan":
        print("no plan running; `study plan list` shows the plans, `study plan start ID` "
              "starts one")
        return 0
    print_progress(data)
    for m in data.get("milestones", []):
        print(f"\n  {m['date']}  {m['title']}  {m['title_zh']}")
        for c in m["checks"]:
            ev = c["evidence"]
            box = "x" if c["ticked"] or (ev and ev["met"]) else " "
            print(f"    [{box}] {c['id']}: {c['title']}  {c['title_zh']}")
    for kind in ("projects", "papers"):
        rows = data.get(kind, [])
        if rows:
            print(f"\n  {kind}")
        for r in rows:
            stars = " " + "*" * r["stars"] if r.get("stars") else ""
            when = f"  ({r['on']}{': ' + r['note'] if r['note'] else ''})" if r["ticked"] else ""
            print(f"    [{'x' if r['ticked'] else ' '}] {r['id']}: {r['title']}  "
                  f"{r['title_zh']}{stars}{when}")
    return 0


def cmd_plan_list(args: argparse.Namespace) -> int:
    from study.plans import read_target

    with open_study_for(args) as study:
        target = read_target(study.store)
        running = target.plan_id if target and target.kind == "plan" else None
        rows = [{"id": p.id, "title": p.title, "title_zh": p.title_zh, "days": p.days,
                 "stretches": len(p.stretches), "topics": len(p.topics()),
                 "pace": p.pace, "running": p.id == running}
                for p in study.index.plans.values()]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for r in rows:
        mark = "*" if r["running"] else " "
        print(f"{mark} {r['id']:<18} {r['days']:>4} days  {r['topics']:>3} topics  "
              f"{r['title']}  {r['title_zh']}")
    if not rows:
        print("no plans (add your own under content/plans/ in a content directory)")
    return 0


def cmd_plan_start(args: argparse.Namespace) -> int:
    from study.plans import progress, read_target, start_plan

    with open_study_for(args) as study:
        now = study.now()
        start = parse_day(args.start, "--from") if args.start else study.days.day_of(now)
        before = read_target(study.store)
        target = start_plan(study, args.id, start)
        pr = progress(study, target, now)
    if before is not None:
        what = f"plan {before.plan_id!r}" if before.kind == "plan" else f"the goal ({before.by})"
        print(f"replaced {what}")
    print(f"plan {args.id!r} starts {start.isoformat()} and ends {pr.end.isoformat()}; "
          f"today: {pr.new_per_day} new card(s)")
    return 0


def cmd_plan_stop(args: argparse.Namespace) -> int:
    from study.plans import read_target, write_target

    with open_study_for(args) as study:
        target = read_target(study.store)
        if target is None or target.kind != "plan":
            raise UsageError("no plan is running")
        write_target(study.store, None)
    print(f"stopped plan {target.plan_id!r}; ticks are kept")
    return 0


def cmd_plan_tick(args: argparse.Namespace) -> int:
    from study.plans import read_target, set_tick, tickables

    with open_study_for(args) as study:
        target = read_target(study.store)
        plan_id = args.plan or (target.plan_id if target and target.kind == "plan" else None)
        if plan_id is None:
            raise UsageError("no plan is running; name one with --plan ID")
        plan = study.index.plans.get(plan_id)
        if plan is None:
            raise UsageError(f"unknown plan {plan_id!r}")
        known = tickables(plan)
        if args.id not in known:
            raise UsageError(f"plan {plan_id!r} has no project, paper or check {args.id!r} "
                             f"(known: {', '.join(known)})")
        on = None if args.undo else (parse_day(args.on, "--on") if args.on
                                     else study.days.day_of(study.now()))
        set_tick(study.store, plan_id, args.id, on, args.note or "")
    kind, item = known[args.id]
    print(f"{'unticked' if on is None else 'ticked'} {kind} {args.id}: {item.title}")
    return 0


def register(sub: Any) -> None:
    p = sub.add_parser("plan", help="follow a dated study plan: list, start, progress, tick")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_plan_show)
    psub = p.add_subparsers(dest="plan_command", metavar="COMMAND")
    s = psub.add_parser("list", help="the plans (bundled and your own)")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_plan_list)
    s = psub.add_parser("start", help="start a plan (replaces a running plan or goal)")
    s.add_argument("id", metavar="ID")
    s.add_argument("--from", dest="start", metavar="DATE", help="day 1 (default: today)")
    s.set_defaults(func=cmd_plan_start)
    s = psub.add_parser("stop", help="stop the running plan")
    s.set_defaults(func=cmd_plan_stop)
    s = psub.add_parser("tick", help="tick a project, paper or milestone check as done")
    s.add_argument("id", metavar="ID")
    s.add_argument("--note", metavar="TEXT", help="a note kept with the tick")
    s.add_argument("--on", metavar="DATE", help="the day it was done (default: today)")
    s.add_argument("--plan", metavar="PLAN", help="another plan than the running one")
    s.add_argument("--undo", action="store_true", help="untick it")
    s.set_defaults(func=cmd_plan_tick)
