"""Kata check latency, cold and warm.

    python benchmarks/bench_katas.py [KATA ...]

cold: a fresh process that imports torch and checks once (`study.kata.worker --once`);
first CLI check: `study kata check` with no worker running (starts one);
warm CLI check: `study kata check` once the worker is up (target < 0.5 s);
warm judge: the check alone inside a warm worker (fork, sandbox, compare).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_WARM_S = 0.5


def timed(fn, n: int) -> float:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def main() -> int:
    from study.kata.client import KataClient
    from study.kata.devrun import request_for
    from study.kata.judge import run_check, warm_up

    katas = sys.argv[1:] or sorted(p.parent.name for p in (REPO / "exercises").glob("*/kata.yaml"))
    home = Path(tempfile.mkdtemp(prefix="study-bench-"))
    env = dict(os.environ, STUDY_HOME=str(home), STUDY_KATA_IDLE_S="120", STUDY_KATA_DEVICE="cpu")
    client = KataClient(home)
    client.stop()

    def cli(kata: str) -> None:
        solution = REPO / "exercises" / kata / "solution.py"
        subprocess.run([sys.executable, "-m", "study", "kata", "check", kata, "--solution",
                        str(solution)], env=env, check=True, stdout=subprocess.DEVNULL)

    first = katas[0]
    req = request_for(REPO / "exercises" / first, REPO / "exercises" / first / "solution.py")
    cold = timed(lambda: subprocess.run(
        [sys.executable, "-m", "study.kata.worker", "--once"], input=json.dumps(req.to_dict()),
        text=True, check=True, stdout=subprocess.DEVNULL), 2)
    first_cli = timed(lambda: cli(first), 1)

    warm_up()
    rows = []
    ok = True
    for kata in katas:
        r = request_for(REPO / "exercises" / kata, REPO / "exercises" / kata / "solution.py")
        judge = timed(lambda r=r: run_check(r), 5)
        wall = timed(lambda kata=kata: cli(kata), 5)
        ok &= wall < TARGET_WARM_S
        rows.append((kata, judge, wall))
    client.stop()

    print(f"\ncold check, fresh process ({first}):      {cold:6.2f} s")
    print(f"first `study kata check` (starts worker): {first_cli:6.2f} s\n")
    print(f"{'kata':<34}{'warm judge':>12}{'warm CLI':>12}  target {TARGET_WARM_S:.1f} s")
    print("-" * 72)
    for kata, judge, wall in rows:
        mark = "yes" if wall < TARGET_WARM_S else "NO"
        print(f"{kata:<34}{judge * 1000:>9.0f} ms{wall * 1000:>9.0f} ms  {mark}")
    print(f"\nmachine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
