"""Katas on the core: workspace, hints, attempts and the grade an attempt earns.

No torch here: checks go through `study.kata.client` to a worker process.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from study.clock import to_ms
from study.core import Study
from study.errors import StudyError
from study.grading import AGAIN, EASY, GOOD, HARD
from study.kata.result import CheckResult
from study.models import Kata
from study.paths import kata_workspace


class KataError(StudyError):
    """A problem with the request (unknown kata, missing file): one line, exit 2."""


def get(study: Study, kata_id: str) -> Kata:
    kata = study.index.katas.get(kata_id)
    if kata is None:
        import difflib

        close = difflib.get_close_matches(kata_id, list(study.index.katas), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise KataError(f"unknown kata {kata_id!r}{hint}; `study kata list` shows them all")
    return kata


def workspace_file(study: Study, kata: Kata) -> Path:
    return kata_workspace(study.home, kata.id, kata.function)


def start(study: Study, kata: Kata, now: datetime) -> tuple[Path, bool]:
    """Copy the starter into the workspace (never over existing work). Returns (path, new)."""
    path = workspace_file(study, kata)
    study.store.record_hint(kata.id, 0, now)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    assert kata.folder is not None
    tmp = path.with_suffix(".tmp")
    shutil.copyfile(kata.folder / "starter.py", tmp)
    tmp.replace(path)
    return path, True


def reset(study: Study, kata: Kata, now: datetime) -> tuple[Path, Path | None]:
    """Put the starter back in the workspace; the old file, if it was changed, is kept
    beside it as `<function>.<time>.py.bak`. Returns (workspace file, backup or None)."""
    assert kata.folder is not None
    path = workspace_file(study, kata)
    starter = (kata.folder / "starter.py").read_text(encoding="utf-8")
    backup = None
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if old != starter:
            stamp = now.astimezone(study.days.zone).strftime("%Y%m%d-%H%M%S")
            backup = path.with_name(f"{path.stem}.{stamp}.py.bak")
            n = 1
            while backup.exists():  # two resets in one second: never overwrite a backup
                n += 1
                backup = path.with_name(f"{path.stem}.{stamp}-{n}.py.bak")
            path.replace(backup)
    save_workspace(study, kata, starter)
    return path, backup


def _session_start_ms(study: Study, kata: Kata, now: datetime) -> int:
    """When today's work on the kata began: today's `start`, else its first attempt today."""
    day_start = to_ms(study.days.day_start(study.days.day_of(now)))
    starts = [ts for ts, n in study.store.hint_events(kata.id, day_start) if n == 0]
    if starts:
        return starts[-1]
    attempts = study.store.attempts(kata.id, day_start)
    return attempts[0][1] if attempts else to_ms(now)


def hints_used(study: Study, kata: Kata, now: datetime) -> int:
    since = _session_start_ms(study, kata, now)
    return len({n for _, n in study.store.hint_events(kata.id, since) if n > 0})


def next_hint(study: Study, kata: Kata, now: datetime) -> tuple[int, str] | None:
    """Reveal (and record) the next hint; None when all are shown."""
    shown = hints_used(study, kata, now)
    if shown >= len(kata.hints):
        return None
    study.store.record_hint(kata.id, shown + 1, now)
    return shown + 1, kata.hints[shown]


def shown_hints(study: Study, kata: Kata, now: datetime) -> list[str]:
    return kata.hints[: hints_used(study, kata, now)]


def suggested_rating(passed: bool, hints: int, elapsed_s: float, budget_min: int,
                     first_try: bool) -> int:
    """failed -> Again; hints or over budget -> Hard; first try, no hints, well inside
    the budget (half of it) -> Easy; otherwise Good."""
    if not passed:
        return AGAIN
    budget_s = budget_min * 60
    if hints > 0 or elapsed_s > budget_s:
        return HARD
    if first_try and elapsed_s <= budget_s / 2:
        return EASY
    return GOOD


def in_todays_plan(study: Study, kata: Kata, now: datetime) -> bool:
    from study.session import Session

    return any(e.item.id == kata.id for e in Session(study).plan(now).entries)


@dataclass
class Recorded:
    attempt_id: int
    rating: int  # the suggested grade
    graded: bool  # committed as today's review
    review_id: int | None
    next_due: datetime | None
    elapsed_s: float


def record(study: Study, kata: Kata, result: CheckResult, solution_text: str,
           now: datetime) -> Recorded:
    """Store the attempt; for a kata in today's plan, it becomes today's grade.

    Each checked attempt replaces the grade the previous attempt earned today, so
    the grade is always committed (a failure that is left there stays Again) and
    always reflects the latest attempt; a grade the user set by hand is kept.
    `solution_text` is the code that was checked (the request's `source`), never a
    second read of the file.
    """
    since = _session_start_ms(study, kata, now)
    previous = study.store.attempts(kata.id, since)
    hints = hints_used(study, kata, now)
    elapsed = max(0.0, (to_ms(now) - since) / 1000)
    passed = result.passed
    rating = suggested_rating(passed, hints, elapsed, kata.time_budget_min, not previous)
    attempt = study.store.record_attempt(
        kata.id, now, result.label, hints, int(result.duration_s * 1000), result.device,
        solution_text)
    if result.status == "error":
        # The judge could not judge (its fault, or the request's): nothing to grade.
        return Recorded(attempt, rating, False, None, None, elapsed)
    existing = study.store.kata_grade_today(kata.id, study.store.day_number(now))
    if existing is not None:
        if not study.store.attempt_for_review(existing):
            return Recorded(attempt, rating, False, None, None, elapsed)  # set by hand: keep
        study.store.undo(existing, now)
    elif not in_todays_plan(study, kata, now):
        return Recorded(attempt, rating, False, None, None, elapsed)
    graded = study.store.grade(kata.id, "kata", rating, now, duration_ms=int(elapsed * 1000))
    study.store.link_attempt(attempt, graded.review_id)
    return Recorded(attempt, rating, True, graded.review_id, graded.after.due(), elapsed)


def regrade(study: Study, kata: Kata, rating: int, now: datetime) -> tuple[int, datetime | None]:
    """Change (or give) today's grade for a kata: the user's word over the suggestion."""
    day = study.store.day_number(now)
    existing = study.store.kata_grade_today(kata.id, day)
    if existing is not None:
        study.store.undo(existing, now)
    elif not in_todays_plan(study, kata, now):
        raise KataError(f"{kata.id} is not in today's plan and has no grade today")
    graded = study.store.grade(kata.id, "kata", rating, now)
    return graded.review_id, graded.after.due()


def has_attempt(study: Study, kata: Kata) -> bool:
    return bool(study.store.attempts(kata.id))


def check_request(study: Study, kata: Kata, solution: Path, device: str | None = None,
                  source: str | None = None) -> dict[str, Any]:
    """What the kata worker needs to check a solution: its code, read here once (the
    attempt records exactly this text), and the paths the sandbox must never see."""
    from study.core import content_roots
    from study.kata.client import hidden_paths

    if source is None:
        source = solution.read_text(encoding="utf-8", errors="replace")
    roots = [r for r, _ in (study._roots or content_roots(study.settings, study.home))]
    return {"kata": kata.id, "folder": str(kata.folder), "function": kata.function,
            "signature": kata.signature, "solution": str(solution), "source": source,
            "device": device or study.settings.kata_device, "timeout_s": kata.timeout_s,
            "hidden": hidden_paths(study.home, roots)}


def save_workspace(study: Study, kata: Kata, text: str) -> Path:
    """Write the learner's code atomically: a crash never leaves half a file."""
    path = workspace_file(study, kata)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".py.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def drill_katas(study: Study, n: int, now: datetime) -> list[Kata]:
    """Katas for an interview drill: due ones first, then the ones you fail most,
    then new ones from topics you have started, in curriculum order. With an interview
    goal running (`study goal set --interview`), the studied katas by lowest recall."""
    states = study.store.states()
    counts = study.store.attempt_counts()
    now_ms = to_ms(now)
    order = {it.id: i for i, it in enumerate(study.items)}
    katas = sorted(study.index.katas.values(), key=lambda k: order.get(k.id, 1 << 30))

    from study.plans import interview_running

    interview = interview_running(study, now)

    def key(k: Kata) -> tuple[int, float, int]:
        s = states.get(k.id)
        if s is not None and s.suspended:
            return (9, 0.0, order.get(k.id, 0))
        if interview and s is not None and not s.is_new:
            # Before an interview date: the katas most likely forgotten first.
            return (0, study.srs.retrievability(s, now), order.get(k.id, 0))
        if s is not None and not s.is_new and (s.due_ms or 0) <= now_ms:
            return (0, 0.0, order.get(k.id, 0))
        passed, total = counts.get(k.id, (0, 0))
        if total:
            return (1, passed / total, order.get(k.id, 0))
        return (2, 0.0, order.get(k.id, 0))

    return sorted(katas, key=key)[:n]
