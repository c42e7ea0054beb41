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
        if not (sys.stdin.isatty() and sys.stdout.isatty()):
            raise UsageError("not a terminal: use `study review --plain` for line-mode review")
        from study.tui.app import run

        return run(args.home, start="review")
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


# -- katas ------------------------------------------------------------------------


def _kata(study: Any, kata_id: str) -> Any:
    from study.katas import KataError, get

    try:
        return get(study, kata_id)
    except KataError as exc:
        raise UsageError(str(exc)) from None


def cmd_kata_list(args: argparse.Namespace) -> int:
    with _open(args) as study:
        katas = [k for k in study.index.katas.values()
                 if not args.topic or args.topic in (k.topic, *k.also_topics)]
        if args.topic and args.topic not in study.index.topics:
            raise UsageError(f"unknown topic {args.topic!r}")
        rows = []
        for k in katas:
            attempts = study.store.attempts(k.id)
            state = study.store.state(k.id, "kata")
            status = ("passed" if any(a[2] == "passed" for a in attempts) else
                      "attempted" if attempts else "new")
            rows.append({"id": k.id, "title": k.title, "topic": k.topic,
                         "difficulty": k.difficulty, "status": status,
                         "due": state.due().isoformat() if state.due() else None})
    if args.json:
        print(json.dumps(rows))
        return 0
    for r in rows:
        print(f"{r['id']:<32} {'★' * r['difficulty']:<6} {r['status']:<10} {r['title']}")
    return 0


def cmd_kata_show(args: argparse.Namespace) -> int:
    from study.katas import shown_hints, workspace_file

    with _open(args) as study:
        kata = _kata(study, args.id)
        topic = study.index.topics.get(kata.topic)
        hints = shown_hints(study, kata, study.now())
        ws = workspace_file(study, kata)
        print(f"# {kata.title}  ({kata.id})")
        print(f"topic: {topic.title if topic else kata.topic} · difficulty {kata.difficulty}/5 · "
              f"budget {kata.time_budget_min} min")
        print(f"\n    {kata.signature}\n")
        print(kata.prompt.rstrip())
        if kata.banned:
            print(f"\nbanned: {', '.join(kata.banned)}")
        print(f"\nhints: {len(hints)} of {len(kata.hints)} shown (`study kata hint {kata.id}`)")
        for i, h in enumerate(hints, 1):
            print(f"  {i}. {h}")
        print(f"source: {kata.source}")
        print(f"workspace: {ws}" + ("" if ws.exists() else f" (not started: `study kata start "
                                                          f"{kata.id}`)"))
    return 0


def cmd_kata_start(args: argparse.Namespace) -> int:
    from study.katas import start

    with _open(args) as study:
        kata = _kata(study, args.id)
        path, new = start(study, kata, study.now())
    if new:
        print(path)
        print(f"Edit it, then run `study kata check {kata.id}` (or `study kata watch "
              f"{kata.id}`).", file=sys.stderr)
    else:
        print(path)
        print("Already started: your work is kept.", file=sys.stderr)
    return 0


def cmd_kata_hint(args: argparse.Namespace) -> int:
    from study.katas import next_hint

    with _open(args) as study:
        kata = _kata(study, args.id)
        hint = next_hint(study, kata, study.now())
    if hint is None:
        print(f"No more hints: all {len(kata.hints)} are shown (`study kata show {kata.id}`).")
        return 0
    n, text = hint
    print(f"Hint {n} of {len(kata.hints)}: {text}")
    return 0


def cmd_kata_solution(args: argparse.Namespace) -> int:
    from study.katas import has_attempt

    with _open(args) as study:
        kata = _kata(study, args.id)
        if not has_attempt(study, kata):
            raise UsageError(f"make an attempt first: `study kata check {kata.id}`")
        print((kata.folder / "solution.py").read_text(encoding="utf-8"), end="")
    return 0


def _solution_path(study: Any, kata: Any, given: str | None) -> Path:
    from study.katas import workspace_file

    path = Path(given) if given else workspace_file(study, kata)
    if not path.is_file():
        if given:
            raise UsageError(f"solution file not found: {path}")
        raise UsageError(f"no solution yet: run `study kata start {kata.id}` or pass "
                         "--solution FILE")
    return path.resolve()


def _check_request(study: Any, kata: Any, solution: Path, device: str | None) -> dict:
    from study.katas import check_request

    return check_request(study, kata, solution, device)


def _run_check(study: Any, request: dict) -> dict:
    from study.kata.client import KataClient, WorkerError

    try:
        return KataClient(study.home).check(request)
    except WorkerError as exc:
        raise UsageError(str(exc)) from None


def _print_result(result: dict, limit: int = 3) -> None:
    mark = {"passed": "passed", "failed": "FAILED", "timeout": "TIMED OUT", "oom": "OUT OF MEMORY",
            "error": "ERROR"}.get(result["status"], result["status"])
    tests = result["tests"]
    n_ok = sum(t["passed"] for t in tests)
    print(f"{result['kata']} · {mark} · {n_ok}/{len(tests)} cases · {result['duration_s']:.2f} s "
          f"on {result['device']}")
    shown = 0
    for t in tests:
        if t["passed"]:
            print(f"  ✓ {t['name']}")
        elif shown < limit:
            shown += 1
            print(f"  ✗ {t['name']}")
            for line in t["message"].splitlines():
                print(f"      {line}")
        else:
            print(f"  ✗ {t['name']} (see above)")
    if result.get("output", "").strip():
        print("  your code printed:")
        for line in result["output"].rstrip().splitlines()[-15:]:
            print(f"    {line}")


def cmd_kata_check(args: argparse.Namespace) -> int:
    from study.katas import record
    from study.scheduler import RATING_NAMES, format_interval

    with _open(args) as study:
        kata = _kata(study, args.id)
        solution = _solution_path(study, kata, args.solution)
        result = _run_check(study, _check_request(study, kata, solution, args.device))
        if result.get("usage_error"):
            raise UsageError(result["usage_error"])
        now = study.now()
        rec = record(study, kata, result, solution.read_text(encoding="utf-8", errors="replace"),
                     now)
        if args.json:
            out = {k: result[k] for k in ("kata", "passed", "device", "duration_s", "tests")}
            out |= {"status": result["status"], "output": result.get("output", ""),
                    "grade": RATING_NAMES[rec.rating] if rec.graded else None}
            print(json.dumps(out))
            return 0 if result["passed"] else 1
        _print_result(result)
        if rec.graded:
            when = format_interval(rec.next_due - now) if rec.next_due else "?"
            print(f"graded {RATING_NAMES[rec.rating]} · next in {when} "
                  f"(change it: `study kata grade {kata.id} 1-4`)")
            if not result["passed"]:
                print(f"fix it and check again today to replace this grade "
                      f"(`study kata hint {kata.id}` for a hint)")
    return 0 if result["passed"] else 1


def cmd_kata_grade(args: argparse.Namespace) -> int:
    from study.katas import KataError, regrade
    from study.scheduler import RATING_NAMES, format_interval

    rating = {"again": 1, "hard": 2, "good": 3, "easy": 4}.get(args.rating.lower())
    if rating is None and args.rating in ("1", "2", "3", "4"):
        rating = int(args.rating)
    if rating is None:
        raise UsageError("grade is 1-4 or again, hard, good, easy")
    with _open(args) as study:
        kata = _kata(study, args.id)
        now = study.now()
        try:
            _, due = regrade(study, kata, rating, now)
        except KataError as exc:
            raise UsageError(str(exc)) from None
    print(f"graded {RATING_NAMES[rating]} · next in {format_interval(due - now) if due else '?'}")
    return 0


def cmd_kata_watch(args: argparse.Namespace) -> int:
    import time

    from study.katas import record

    with _open(args) as study:
        kata = _kata(study, args.id)
        solution = _solution_path(study, kata, args.solution)
        print(f"Watching {solution} — save to re-check, Ctrl-C to stop.")
        last = None
        try:
            while True:
                try:
                    stamp = solution.stat().st_mtime_ns
                except FileNotFoundError:
                    stamp = None
                if stamp is not None and stamp != last:
                    last = stamp
                    print(f"\n── {time.strftime('%H:%M:%S')} ──")
                    result = _run_check(study, _check_request(study, kata, solution, args.device))
                    if result.get("usage_error"):
                        print(f"  {result['usage_error']}")
                    else:
                        _print_result(result)
                        record(study, kata, result, solution.read_text(errors="replace"),
                               study.now())
                        if result["passed"] and args.exit_on_pass:
                            return 0
                time.sleep(0.25)
        except KeyboardInterrupt:
            print()
    return 0


def cmd_dev_check_katas(args: argparse.Namespace) -> int:
    from study.loader import load
    from study.paths import bundled_root

    loaded = load([(bundled_root(), "bundled")])
    kata_problems = [p for p in loaded.problems if "/exercises/" in p.path]
    for p in kata_problems:
        print(p)
    ok = not kata_problems
    with _open(args) as study:
        ids = args.ids or sorted(loaded.content.katas)
        print(f"{'kata':<32}{'reference':<22}{'starter':<10}")
        for kata_id in ids:
            kata = _kata(study, kata_id)
            devices = ["cpu"] if args.device == "cpu" else ["auto"]
            ref_marks = []
            for device in devices:
                res = _run_check(study, _check_request(study, kata, kata.folder / "solution.py",
                                                       device))
                ref_marks.append(f"{res['device']}:{'pass' if res['passed'] else 'FAIL'}")
                ok &= res["passed"]
                if res["device"] == "cuda":  # a GPU is here: the CPU must pass too
                    cpu = _run_check(study, _check_request(
                        study, kata, kata.folder / "solution.py", "cpu"))
                    ref_marks.append(f"cpu:{'pass' if cpu['passed'] else 'FAIL'}")
                    ok &= cpu["passed"]
                if not res["passed"]:
                    _print_result(res, limit=2)
            st = _run_check(study, _check_request(study, kata, kata.folder / "starter.py", "cpu"))
            starter_ok = st["status"] == "failed" and not st.get("usage_error")
            ok &= starter_ok
            print(f"{kata_id:<32}{' '.join(ref_marks):<22}{'fails' if starter_ok else 'PASSES?'}")
    print("all katas ok" if ok else "some katas are broken")
    return 0 if ok else 1


# -- export / import -------------------------------------------------------------------


def cmd_export_anki(args: argparse.Namespace) -> int:
    from study.anki import ExportError, select, write_package

    out = Path(args.out or "deep-learning.apkg").expanduser()
    with _open(args) as study:
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

    with _open(args) as study:
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
    with _open(args) as study:
        try:
            counts = import_data(study, data, replace=args.replace)
        except ExchangeError as exc:
            raise UsageError(str(exc)) from None
    print(f"imported {counts['reviews']} log entries, {counts['attempts']} kata attempts, "
          f"{counts['hints']} hints into {study.home}")
    return 0


def cmd_default(args: argparse.Namespace) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # Not a terminal (a pipe, a script): print the plan instead of drawing a screen.
        rc = cmd_today(args)
        print("\nIn a terminal, `study` opens the app; `study review --plain` reviews line by "
              "line; `study --help` lists every command.")
        return rc
    from study.tui.app import run

    return run(args.home)


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

    s = csub.add_parser("coverage", help="cards by type and katas per topic; exit 1 if a "
                        "topic is short")
    s.add_argument("--syllabus", metavar="FILE",
                   help="also hold topics to this syllabus (min_cards, katas), e.g. "
                   "../shared/syllabus.yaml")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_content_coverage)

    db = sub.add_parser("db", help="database tools")
    dsub = db.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    s = dsub.add_parser("rebuild", help="recompute every item's state from the review log")
    s.set_defaults(func=cmd_db_rebuild)
    s = dsub.add_parser("backup", help="copy the database (online, consistent)")
    s.add_argument("--out", metavar="FILE", help="backup file (default: under the home)")
    s.set_defaults(func=cmd_db_backup)

    kata = sub.add_parser("kata", help="coding katas checked by PyTorch")
    ksub = kata.add_subparsers(dest="kata_command", metavar="COMMAND", required=True)
    s = ksub.add_parser("list", help="the katas, with your progress")
    s.add_argument("--topic", metavar="T", help="only katas of this topic")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_kata_list)
    s = ksub.add_parser("show", help="prompt, signature and hints shown so far")
    s.add_argument("id")
    s.set_defaults(func=cmd_kata_show)
    s = ksub.add_parser("start", help="copy the starter into your workspace; print its path")
    s.add_argument("id")
    s.set_defaults(func=cmd_kata_start)
    s = ksub.add_parser("check", help="check a solution (default: your workspace file)")
    s.add_argument("id")
    s.add_argument("--solution", metavar="FILE", help="the solution file to check")
    s.add_argument("--device", choices=("cpu", "cuda", "auto"),
                   help="where to run (default: the kata_device setting)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_kata_check)
    s = ksub.add_parser("hint", help="reveal the next hint (counted against the grade)")
    s.add_argument("id")
    s.set_defaults(func=cmd_kata_hint)
    s = ksub.add_parser("watch", help="re-check on every save")
    s.add_argument("id")
    s.add_argument("--solution", metavar="FILE")
    s.add_argument("--device", choices=("cpu", "cuda", "auto"))
    s.add_argument("--exit-on-pass", action="store_true", help="stop once it passes")
    s.set_defaults(func=cmd_kata_watch)
    s = ksub.add_parser("solution", help="the reference solution (after an attempt)")
    s.add_argument("id")
    s.set_defaults(func=cmd_kata_solution)
    s = ksub.add_parser("grade", help="set today's grade for a kata (1-4 or again/hard/good/easy)")
    s.add_argument("id")
    s.add_argument("rating")
    s.set_defaults(func=cmd_kata_grade)

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

    dev = sub.add_parser("dev", help="tools for content authors")
    devsub = dev.add_subparsers(dest="dev_command", metavar="COMMAND", required=True)
    s = devsub.add_parser("check-katas", help="every kata: metadata valid, reference passes "
                          "(cpu, and cuda when present), starter fails")
    s.add_argument("ids", nargs="*", metavar="ID")
    s.add_argument("--device", choices=("cpu", "auto"), default="auto")
    s.set_defaults(func=cmd_dev_check_katas)

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
