"""Speed of the headless core on a big synthetic home.

    python benchmarks/bench_core.py [--fresh]

Generates (once, under benchmarks/.work/) a home with a user content directory of
10,000 cards and 300,000 reviews over two years, then prints a table of timings
against the targets. Targets live here, not in the unit tests.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from study import clock
from study.clock import DayClock, to_ms
from study.loader import load
from study.paths import bundled_root
from study.scheduler import ItemState, Srs
from study.settings import Settings, save_settings

WORK = Path(__file__).resolve().parent / ".work"
NOW = "2026-11-23T09:00:00Z"
N_CARDS = 10_000
N_REVIEWS = 300_000
TOPICS = 100


def make_content(root: Path) -> None:
    (root / "content").mkdir(parents=True)
    lines = ["tracks:", "  - id: synth", "    title: Synthetic", "    topics:"]
    for t in range(TOPICS):
        prereq = f"[synth-{t - 1}]" if t else "[]"
        lines.append(f"      - {{id: synth-{t}, title: Topic {t}, prerequisites: {prereq}}}")
    (root / "content" / "curriculum.yaml").write_text("\n".join(lines) + "\n")
    folder = root / "cards" / "synth"
    folder.mkdir(parents=True)
    per = N_CARDS // TOPICS
    for t in range(TOPICS):
        out = [f"topic: synth-{t}", "cards:"]
        for i in range(per):
            cid = f"s{t}-{i}"
            kind = i % 4
            if kind == 0:
                out.append(f"  - id: {cid}\n    type: basic\n    front: What is $x_{{{i}}}$?\n"
                           f"    back: It is the {i}th thing.\n    tags: [synth]\n"
                           f"    source: synthetic")
            elif kind == 1:
                out.append(f"  - id: {cid}\n    type: cloze\n    text: >-\n      The "
                           f"{{{{c1::answer {i}}}}} of topic {t}.\n    tags: [synth]\n"
                           f"    source: synthetic")
            elif kind == 2:
                out.append(f"  - id: {cid}\n    type: mcq\n    question: Pick {i % 3}\n"
                           f"    choices: [zero, one, two]\n    answer: {i % 3}\n"
                           f"    explanation: It is {i % 3}.\n    tags: [synth]\n"
                           f"    source: synthetic")
            else:
                out.append(f"  - id: {cid}\n    type: typed\n    question: Type {i}\n"
                           f"    answers: ['{i}']\n    tags: [synth]\n    source: synthetic")
        (folder / f"synth-{t}.yaml").write_text("\n".join(out) + "\n")


def make_home(home: Path) -> None:
    import sqlite3

    from study.store import DB_FILE, Store

    content = home / "content-dir"
    make_content(content)
    save_settings(home, Settings(content_dirs=[str(content)], timezone="UTC"))
    result = load([(content, "user")])
    assert not result.problems, result.problems[:3]
    items = [it for it in result.content.items()]
    assert len(items) == N_CARDS
    srs = Srs()
    days = DayClock(clock.local_zone("UTC"), 4)
    now = clock.parse_instant(NOW)
    start = now - timedelta(days=730)
    rng = random.Random(7)
    reviews: list[tuple] = []
    # Review every item when it falls due (within a day), as a diligent learner
    # would, from a start day spread over two years; a 20% lapse rate gives
    # about 30 reviews per item, so the log reaches the target size.
    for it in items:
        s = ItemState(it.id, it.kind)
        t = start + timedelta(days=rng.uniform(0, 720), hours=rng.uniform(0, 12))
        while t < now:
            r = rng.choices((1, 2, 3, 4), (20, 8, 64, 8))[0]
            reviews.append((it.id, it.kind, r, to_ms(t), days.day_of(t).toordinal(),
                            rng.randint(2000, 20000), "bench", s.state))
            s = srs.grade(s, r, t)
            t = max(t + timedelta(seconds=30), (s.due() or t) + timedelta(
                hours=rng.uniform(0, 30)))
    reviews.sort(key=lambda r: r[3])
    store = Store(home / DB_FILE, srs, days)
    store.close()
    conn = sqlite3.connect(home / DB_FILE, isolation_level=None)
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO reviews (item_id, kind, rating, ts, day, duration_ms, client_id, "
        "state_before) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", reviews)
    conn.execute("COMMIT")
    conn.close()
    with Store(home / DB_FILE, srs, days) as store:
        store.rebuild()  # the derived state, exactly as live grading would have left it


def timed(fn, n: int) -> float:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--fresh", action="store_true", help="regenerate the synthetic home")
    args = ap.parse_args()
    home = WORK / "home"
    if args.fresh and WORK.exists():
        shutil.rmtree(WORK)
    if not (home / "study.db").exists():
        print(f"generating {N_CARDS} cards and about {N_REVIEWS} reviews in {home} ...", flush=True)
        t = time.perf_counter()
        make_home(home)
        print(f"  done in {time.perf_counter() - t:.0f} s", flush=True)

    os.environ["STUDY_HOME"] = str(home)
    os.environ["STUDY_NOW"] = NOW
    env = dict(os.environ)

    from study.core import open_study
    from study.session import Session

    rows: list[tuple[str, float, float | None]] = []
    repo = bundled_root()
    rows.append(("content load + validate (repo)", timed(lambda: load([(repo, "bundled")]), 5),
                 None))
    rows.append(("content load + validate (10k cards)",
                 timed(lambda: load([(home / "content-dir", "user")]), 3), None))

    def cli(*a: str) -> None:
        subprocess.run([sys.executable, "-m", "study", *a], env=env, check=True,
                       stdout=subprocess.DEVNULL)

    rows.append(("`study --help` wall", timed(lambda: cli("--help"), 5), None))
    rows.append(("`study today` wall (10k cards, 300k reviews)", timed(lambda: cli("today"), 5),
                 0.5))
    study = open_study(home)
    session = Session(study)
    session.plan()  # warm the typical-duration cache, as a running session has
    rows.append(("plan()", timed(session.plan, 10), 0.1))
    n_reviews = study.store.count_grades()
    item = study.items[-1]
    t0 = study.now()
    counter = iter(range(10_000))
    rows.append(("one review commit (grade)",
                 timed(lambda: study.store.grade(item.id, item.kind, 3,
                                                 t0 + timedelta(seconds=next(counter))), 30),
                 None))
    rows.append(("db rebuild (300k reviews)", timed(study.store.rebuild, 1), None))
    study.close()

    print()
    print(f"{'measure':<48}{'median':>10}{'target':>10}  ok")
    print("-" * 74)
    ok = True
    for name, secs, target in rows:
        tgt = f"{target * 1000:.0f} ms" if target else "-"
        passed = target is None or secs <= target
        ok &= passed
        print(f"{name:<48}{secs * 1000:>7.1f} ms{tgt:>10}  {'yes' if passed else 'NO'}")
    print(f"\nhome: {len(study.items)} items, {n_reviews} reviews; "
          f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
