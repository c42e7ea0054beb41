"""Speed of today's plan with a study plan or a goal running, on a 10,000-card home.

    python benchmarks/bench_plan.py [--fresh]

Builds (once, under benchmarks/.work/plan-home) a home whose user content has
10,000 cards over 100 topics (bench_core's generator) and a 20-week plan over
them, with half the items studied (a few reviews each, so reviews fall due),
then prints a table: `Session.plan()` with no target (the baseline, measured in
the same run), with the plan running, with a deadline goal and with an interview
goal, and `plans.summary()` (what `study plan --json` and the dashboard read).
Target: plan() <= 100 ms with a plan running.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_core import NOW, TOPICS, make_content  # noqa: E402

from study import clock  # noqa: E402
from study.clock import DayClock, to_ms  # noqa: E402
from study.loader import load  # noqa: E402
from study.scheduler import ItemState, Srs  # noqa: E402
from study.settings import Settings, save_settings  # noqa: E402

WORK = Path(__file__).resolve().parent / ".work" / "plan-home"


def make_plan(root: Path) -> None:
    folder = root / "content" / "plans"
    folder.mkdir(parents=True)
    lines = ["plans:", "  - id: bench", "    title: Twenty weeks", "    stretches:"]
    per = TOPICS // 20
    for w in range(20):
        topics = ", ".join(f"synth-{t}" for t in range(w * per, (w + 1) * per))
        lines.append(f"      - {{id: w{w + 1}, title: Week {w + 1}, weeks: [{w + 1}, {w + 1}], "
                     f"topics: [{topics}]}}")
    (folder / "bench.yaml").write_text("\n".join(lines) + "\n")


def make_home(home: Path) -> None:
    from study.store import DB_FILE, Store

    content = home / "content-dir"
    make_content(content)
    make_plan(content)
    save_settings(home, Settings(content_dirs=[str(content)], timezone="UTC",
                                 max_minutes_per_day=1440))
    result = load([(content, "user")])
    assert not result.problems, result.problems[:3]
    items = result.content.items()
    srs, days = Srs(), DayClock(clock.local_zone("UTC"), 4)
    now = clock.parse_instant(NOW)
    rng = random.Random(3)
    rows: list[tuple] = []
    for it in items[: len(items) // 2]:  # the first half studied, the rest still new
        s = ItemState(it.id, it.kind)
        t = now - timedelta(days=rng.uniform(20, 120))
        while t < now - timedelta(days=1):
            r = rng.choices((1, 3, 4), (15, 75, 10))[0]
            rows.append((it.id, it.kind, r, to_ms(t), days.day_of(t).toordinal(),
                         rng.randint(3000, 15000), "bench", s.state))
            s = srs.grade(s, r, t)
            t = (s.due() or t) + timedelta(hours=rng.uniform(0, 30))
    rows.sort(key=lambda r: r[3])
    Store(home / DB_FILE, srs, days).close()
    conn = sqlite3.connect(home / DB_FILE, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO reviews (item_id, kind, rating, ts, day, duration_ms, "
                     "client_id, state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    with Store(home / DB_FILE, srs, days) as store:
        store.rebuild()


def timed(fn: Callable[[], object], n: int) -> float:
    fn()
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fresh", action="store_true", help="rebuild the synthetic home")
    args = ap.parse_args()
    if args.fresh and WORK.exists():
        shutil.rmtree(WORK)
    if not WORK.exists():
        t = time.perf_counter()
        WORK.mkdir(parents=True)
        make_home(WORK)
        print(f"built the home in {time.perf_counter() - t:.1f} s")
    os.environ["STUDY_NOW"] = NOW
    from study.core import open_study
    from study.plans import set_goal, start_plan, summary, write_target
    from study.session import Session

    rows: list[tuple[str, float, float | None]] = []
    with open_study(WORK) as st:
        now = st.now()
        write_target(st.store, None)
        session = Session(st)
        base = timed(session.plan, 10)
        rows.append(("plan(), nothing running (baseline)", base, None))
        start_plan(st, "bench", now.date() - timedelta(days=72))
        p = session.plan()
        assert p.counts["new"] > 0, "the plan should bring new cards"
        rows.append(("plan(), plan running (week 11)", timed(session.plan, 10), 0.1))
        rows.append(("plans.summary() (plan --json)", timed(lambda: summary(st, now), 5), None))
        set_goal(st, now.date() + timedelta(days=60), [], [], False, now)
        rows.append(("plan(), goal running", timed(session.plan, 10), 0.1))
        set_goal(st, now.date() + timedelta(days=60), ["synth"], [], True, now)
        rows.append(("plan(), interview goal", timed(session.plan, 10), 0.1))
        write_target(st.store, None)
        n_items = len(st.items)
    print(f"\n{n_items} items; times are medians of 10 runs\n")
    print(f"{'what':<40}{'time':>10}{'target':>10}  ok")
    failed = False
    for name, secs, target in rows:
        ok = "" if target is None else ("yes" if secs <= target else "NO")
        failed |= ok == "NO"
        tgt = "" if target is None else f"{target * 1000:.0f} ms"
        print(f"{name:<40}{secs * 1000:>8.1f} ms{tgt:>10}  {ok}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
