"""`study content check|coverage`: tools for content authors."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from study.cli.common import UsageError


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
    # Warnings (study/lint.py) go to stderr and never change the exit status: CI runs
    # this command, and scripts read its last stdout line.
    from study.lint import lint

    only = [Path(p).resolve() for p in args.paths] if args.paths else None
    warnings = lint(result.content, only)
    for w in warnings:
        print(f"{w.path}:{w.line}:{w.col}: warning: {w.message}", file=sys.stderr)
    c = result.content
    n_items = len(c.items())
    summary = (f"{len(c.tracks)} tracks, {len(c.topics)} topics, {len(c.cards)} cards "
               f"({n_items - len(c.katas)} review items), {len(c.katas)} katas, "
               f"{len(c.plans)} plans")
    if warnings:
        summary += f"; {len(warnings)} warning(s)"
    if result.problems:
        print(f"{len(result.problems)} problem(s); {summary} loaded", file=sys.stderr)
        return 1
    print(f"ok: {summary}")
    return 0


def cmd_content_coverage(args: argparse.Namespace) -> int:
    from study.core import content_roots
    from study.coverage import coverage, syllabus_requirements
    from study.loader import load
    from study.paths import resolve_home
    from study.settings import load_settings

    home = resolve_home(args.home)
    result = load(content_roots(load_settings(home), home))
    syllabus = None
    if args.syllabus:
        try:
            syllabus = syllabus_requirements(Path(args.syllabus))
        except OSError as exc:
            raise UsageError(f"cannot read {args.syllabus}: {exc.strerror or exc}") from None
    rows = coverage(result.content, syllabus)
    short = [r for r in rows if r.problems]
    if args.json:
        print(json.dumps({"topics": [r.to_dict() for r in rows], "short": len(short),
                          "cards": sum(r.total for r in rows)}))
        return 1 if short else 0
    track = None
    for r in rows:
        if r.track != track:
            track = r.track
            title = result.content.tracks[track].title if track in result.content.tracks \
                else track
            print(f"\n{title} ({track})")
        types = " ".join(f"{k}:{v}" for k, v in r.cards.items()) or "-"
        katas = f" katas: {', '.join(r.katas)}" if r.katas else ""
        missing = f" (syllabus katas missing: {', '.join(r.missing_katas)})" \
            if r.missing_katas else ""
        mark = "  SHORT: " + "; ".join(r.problems) if r.problems else ""
        print(f"  {r.topic:<28}{r.total:>3}  {types}{katas}{missing}{mark}")
    total = sum(r.total for r in rows)
    print(f"\n{total} cards over {len(rows)} topics; {len(short)} topic(s) short")
    return 1 if short else 0


def register(sub: Any) -> None:
    content = sub.add_parser("content", help="content tools")
    csub = content.add_subparsers(dest="content_command", metavar="COMMAND", required=True)
    s = csub.add_parser("check", help="validate content; print file:line:col: message")
    s.add_argument("paths", nargs="*", metavar="PATH",
                   help="content directories or files (default: bundled + content_dirs)")
    s.set_defaults(func=cmd_content_check)

    s = csub.add_parser("coverage", help="cards by type and katas per topic; exit 1 if a "
                        "topic is short")
    s.add_argument("--syllabus", metavar="FILE",
                   help="also hold topics to this syllabus (min_cards, katas), e.g. "
                   "../shared/syllabus.yaml")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_content_coverage)
