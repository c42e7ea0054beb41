"""`study kata ...` and `study dev check-katas`: coding katas checked by PyTorch."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from study.cli.common import UsageError, open_study_for
from study.kata.result import CheckResult


def _kata(study: Any, kata_id: str) -> Any:
    from study.katas import KataError, get

    try:
        return get(study, kata_id)
    except KataError as exc:
        raise UsageError(str(exc)) from None


def cmd_kata_list(args: argparse.Namespace) -> int:
    with open_study_for(args) as study:
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
            due = state.due()
            rows.append({"id": k.id, "title": k.title, "topic": k.topic,
                         "difficulty": k.difficulty, "status": status,
                         "due": due.isoformat() if due else None})
    if args.json:
        print(json.dumps(rows))
        return 0
    for r in rows:
        stars = "★" * int(str(r["difficulty"]))
        print(f"{r['id']:<32} {stars:<6} {r['status']:<10} {r['title']}")
    return 0


def cmd_kata_show(args: argparse.Namespace) -> int:
    from study.cardtext import math, plain
    from study.katas import shown_hints, workspace_file

    with open_study_for(args) as study:
        kata = _kata(study, args.id)
        topic = study.index.topics.get(kata.topic)
        hints = shown_hints(study, kata, study.now())
        ws = workspace_file(study, kata)
        print(f"# {kata.title}  ({kata.id})")
        print(f"topic: {topic.title if topic else kata.topic} · difficulty {kata.difficulty}/5 · "
              f"budget {kata.time_budget_min} min")
        print(f"\n    {kata.signature}\n")
        print(plain(math(kata.prompt.rstrip())))
        if kata.banned:
            print(f"\nbanned: {', '.join(kata.banned)}")
        print(f"\nhints: {len(hints)} of {len(kata.hints)} shown (`study kata hint {kata.id}`)")
        for i, h in enumerate(hints, 1):
            print(f"  {i}. {plain(math(h))}")
        print(f"source: {kata.source}")
        print(f"workspace: {ws}" + ("" if ws.exists() else f" (not started: `study kata start "
                                                          f"{kata.id}`)"))
    return 0


def cmd_kata_start(args: argparse.Namespace) -> int:
    from study.katas import start

    with open_study_for(args) as study:
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


def cmd_kata_reset(args: argparse.Namespace) -> int:
    from study.katas import reset

    with open_study_for(args) as study:
        kata = _kata(study, args.id)
        path, backup = reset(study, kata, study.now())
    print(path)
    print(f"Restored the starter; your previous file is {backup}." if backup else
          "Restored the starter (there was no changed work to keep).", file=sys.stderr)
    return 0


def cmd_kata_stop(args: argparse.Namespace) -> int:
    from study.kata.client import KataClient
    from study.paths import resolve_home

    stopped = KataClient(resolve_home(args.home)).stop()
    print("stopped the kata worker" if stopped else "no kata worker was running")
    return 0


def cmd_kata_hint(args: argparse.Namespace) -> int:
    from study.katas import next_hint

    with open_study_for(args) as study:
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

    with open_study_for(args) as study:
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

    try:
        return check_request(study, kata, solution, device)
    except OSError as exc:
        raise UsageError(f"cannot read {solution}: {exc.strerror or exc}") from None


def _run_check(study: Any, request: dict, json_out: bool = False) -> CheckResult:
    """The judge's result. One that could not judge (a wrong request, a broken checker, a
    dead judge) is one line and exit 2 (with --json: the result, then exit 2), and no
    attempt or grade is recorded for it."""
    from study.kata.client import KataClient

    return _answer(KataClient(study.home).check(request), json_out)


def _answer(result: CheckResult, json_out: bool) -> CheckResult:
    if result.status == "error":
        if json_out:
            print(json.dumps(result.to_dict() | {"grade": None}))
            raise SystemExit(2)
        raise UsageError(result.message.strip().splitlines()[-1] if result.message else
                         f"the check could not run ({result.reason})")
    return result


def _print_result(result: CheckResult, limit: int = 3) -> None:
    mark = {"timeout": "TIMED OUT", "oom": "OUT OF MEMORY", "disk": "WROTE TOO MUCH",
            "crash": "CRASHED"}.get(result.reason, "")
    mark = "passed" if result.passed else ("ERROR" if result.status == "error" else
                                           mark or "FAILED")
    tests = result.tests
    n_ok = sum(t.passed for t in tests)
    print(f"{result.kata} · {mark} · {n_ok}/{len(tests)} cases · {result.duration_s:.2f} s "
          f"on {result.device}")
    if result.status == "error" and result.message and not tests:
        print(f"  {result.message}")
    shown = 0
    for t in tests:
        if t.passed:
            print(f"  ✓ {t.name}")
        elif shown < limit:
            shown += 1
            print(f"  ✗ {t.name}")
            for line in t.message.splitlines():
                print(f"      {line}")
        else:
            print(f"  ✗ {t.name} (see above)")
    if result.output.strip():
        print("  your code printed:")
        for line in result.output.rstrip().splitlines()[-15:]:
            print(f"    {line}")
    weak = {k: v for k, v in result.sandbox.items() if not v.startswith(("on", "closed",
                                                                         "fresh", "forked"))}
    for name, state in weak.items():
        print(f"  note: the sandbox's {name} protection is {state}")


# What a check needs from the settings and the content, kept from the last check: the
# next one is sent before any of them is read (the settings' TOML, the content's index
# and the stat of every content file take 25 ms). Checked against the real thing while
# the judge works; anything that differs sends the check again.
LAUNCH_FILE = "kata-launch.json"


def _launch_key() -> list[Any]:
    """What the cache depends on beyond the settings file: the environment's overrides."""
    return sorted([k, v] for k, v in os.environ.items()
                  if k.startswith("STUDY_") and k != "STUDY_NOW")


def _settings_stamp(home: Path) -> list[int] | None:
    from study.paths import SETTINGS_FILE

    try:
        st = (home / SETTINGS_FILE).stat()
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _launch_data(study: Any, stamp: list[int] | None) -> dict[str, Any]:
    from study.core import content_roots

    return {"settings": stamp, "env": _launch_key(),
            "hidden": _hidden(study.home, content_roots(study.settings, study.home)),
            "device": study.settings.kata_device,
            "katas": {k.id: _kata_fields(k) for k in study.index.katas.values()}}


def _kata_fields(kata: Any) -> list[Any]:
    return [str(kata.folder), kata.function, kata.signature, kata.timeout_s]


def _hidden(home: Path, roots: list[tuple[Path, str]]) -> list[str]:
    from study.kata.client import hidden_paths

    return hidden_paths(home, [r for r, _ in roots])


def _save_launch(study: Any, stamp: list[int] | None, known: dict[str, Any] | None) -> None:
    """Keep what the next check needs (when it changed): a cache, so no fsync."""
    from study.paths import CACHE_DIR

    data = _launch_data(study, stamp)
    if data == known:
        return
    path = study.home / CACHE_DIR / LAUNCH_FILE
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data), encoding="utf-8")
        os.replace(tmp, path)


def _send_early(args: argparse.Namespace) -> tuple[Any, dict, Any] | None:
    """The check on its way to the judge before the settings, the content or the database
    are read, from what the last check kept (LAUNCH_FILE): (the pending check, the
    request, what was kept), or None where nothing fits (a new home, a changed settings
    file or environment, a kata not seen before, a missing file: the usual path)."""
    from study.kata.client import KataClient
    from study.paths import CACHE_DIR, DB_FILE, kata_workspace, resolve_home

    home = resolve_home(args.home)
    try:
        known = json.loads((home / CACHE_DIR / LAUNCH_FILE).read_text(encoding="utf-8"))
        fields = known["katas"].get(args.id)
    except (OSError, ValueError, KeyError, AttributeError):
        return None
    if (fields is None or known.get("settings") != _settings_stamp(home)
            or known.get("env") != _launch_key() or not (home / DB_FILE).is_file()):
        return None
    folder, function, signature, timeout_s = fields
    solution = Path(args.solution) if args.solution else kata_workspace(home, args.id, function)
    try:
        source = solution.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    request = {"kata": args.id, "folder": folder, "function": function,
               "signature": signature, "solution": str(solution.resolve()), "source": source,
               "device": args.device or known["device"], "timeout_s": timeout_s,
               "hidden": known["hidden"]}
    return KataClient(home).submit(request), request, known


def _still_right(study: Any, kata: Any, request: dict, args: argparse.Namespace) -> bool:
    """Was the request sent early the one the home's settings and content make now?"""
    from study.core import content_roots

    return (_kata_fields(kata) == [request["folder"], request["function"],
                                   request["signature"], request["timeout_s"]]
            and request["device"] == (args.device or study.settings.kata_device)
            and request["hidden"] == _hidden(study.home,
                                             content_roots(study.settings, study.home)))


def cmd_kata_check(args: argparse.Namespace) -> int:
    early = _send_early(args)
    from study.katas import record
    from study.scheduler import RATING_NAMES, format_interval

    stamp = None
    with open_study_for(args) as study:
        kata = _kata(study, args.id)
        if early is not None and _still_right(study, kata, early[1], args):
            request = early[1]
            result = _answer(early[0].result(), args.json)
        else:
            if early is not None:
                early[0].cancel()  # sent with what has changed since: not this check's
            stamp = _settings_stamp(study.home)
            solution = _solution_path(study, kata, args.solution)
            request = _check_request(study, kata, solution, args.device)
            result = _run_check(study, request, args.json)
            _save_launch(study, stamp, early[2] if early is not None else None)
        now = study.now()
        rec = record(study, kata, result, request["source"], now)
        if args.json:
            out = result.to_dict() | {"grade": RATING_NAMES[rec.rating] if rec.graded else None}
            print(json.dumps(out))
            return 0 if result.passed else 1
        _print_result(result)
        if rec.graded:
            when = format_interval(rec.next_due - now) if rec.next_due else "?"
            print(f"graded {RATING_NAMES[rec.rating]} · next in {when} "
                  f"(change it: `study kata grade {kata.id} 1-4`)")
            if not result.passed:
                print(f"fix it and check again today to replace this grade "
                      f"(`study kata hint {kata.id}` for a hint)")
    return 0 if result.passed else 1


def cmd_kata_grade(args: argparse.Namespace) -> int:
    from study.katas import KataError, regrade
    from study.scheduler import RATING_NAMES, format_interval

    rating = {"again": 1, "hard": 2, "good": 3, "easy": 4}.get(args.rating.lower())
    if rating is None and args.rating in ("1", "2", "3", "4"):
        rating = int(args.rating)
    if rating is None:
        raise UsageError("grade is 1-4 or again, hard, good, easy")
    with open_study_for(args) as study:
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

    from study.kata.client import KataClient, WorkerError
    from study.katas import record

    with open_study_for(args) as study:
        kata = _kata(study, args.id)
        solution = _solution_path(study, kata, args.solution)
        print(f"Watching {solution} — save to re-check, Ctrl-C to stop.")
        lease = KataClient(study.home)  # holds the worker while we watch (from the 1st check)
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
                    request = _check_request(study, kata, solution, args.device)
                    try:
                        result = _run_check(study, request)
                    except UsageError as exc:
                        print(f"  {exc}")
                    else:
                        _print_result(result)
                        record(study, kata, result, request["source"], study.now())
                    with contextlib.suppress(WorkerError, OSError):
                        lease.attach()
                        if result.passed and args.exit_on_pass:
                            return 0
                time.sleep(0.25)
        except KeyboardInterrupt:
            print()
        finally:
            lease.detach()
    return 0


def cmd_dev_check_katas(args: argparse.Namespace) -> int:
    from study.loader import load
    from study.paths import bundled_root

    loaded = load([(bundled_root(), "bundled")])
    kata_problems = [p for p in loaded.problems if "/exercises/" in p.path]
    for p in kata_problems:
        print(p)
    ok = not kata_problems
    with open_study_for(args) as study:
        ids = args.ids or sorted(loaded.content.katas)
        print(f"{'kata':<32}{'reference':<22}{'starter':<10}")
        for kata_id in ids:
            kata = _kata(study, kata_id)
            devices = ["cpu"] if args.device == "cpu" else ["auto"]
            ref_marks = []
            for device in devices:
                res = _run_check(study, _check_request(study, kata, kata.folder / "solution.py",
                                                       device))
                ref_marks.append(f"{res.device}:{'pass' if res.passed else 'FAIL'}")
                ok &= res.passed
                if res.device == "cuda":  # a GPU is here: the CPU must pass too
                    cpu = _run_check(study, _check_request(
                        study, kata, kata.folder / "solution.py", "cpu"))
                    ref_marks.append(f"cpu:{'pass' if cpu.passed else 'FAIL'}")
                    ok &= cpu.passed
                if not res.passed:
                    _print_result(res, limit=2)
            st = _run_check(study, _check_request(study, kata, kata.folder / "starter.py", "cpu"))
            starter_ok = st.status == "fail" and not st.reason
            ok &= starter_ok
            print(f"{kata_id:<32}{' '.join(ref_marks):<22}{'fails' if starter_ok else 'PASSES?'}")
    print("all katas ok" if ok else "some katas are broken")
    return 0 if ok else 1


def register(sub: Any) -> None:
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
    s = ksub.add_parser("reset", help="put the starter back (your file is kept as a .bak)")
    s.add_argument("id")
    s.set_defaults(func=cmd_kata_reset)
    s = ksub.add_parser("stop", help="stop the background kata worker (PyTorch)")
    s.set_defaults(func=cmd_kata_stop)
    s = ksub.add_parser("check", help="check a solution (default: your workspace file)")
    s.add_argument("id")
    s.add_argument("--solution", metavar="FILE", help="the solution file to check")
    s.add_argument("--device", choices=("cpu", "cuda", "auto"),
                   help="where to run (default: the kata_device setting)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_kata_check, quick_exit=True)
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


def register_dev(sub: Any) -> None:
    dev = sub.add_parser("dev", help="tools for content authors")
    devsub = dev.add_subparsers(dest="dev_command", metavar="COMMAND", required=True)
    s = devsub.add_parser("check-katas", help="every kata: metadata valid, reference passes "
                          "(cpu, and cuda when present), starter fails")
    s.add_argument("ids", nargs="*", metavar="ID")
    s.add_argument("--device", choices=("cpu", "auto"), default="auto")
    s.set_defaults(func=cmd_dev_check_katas)
