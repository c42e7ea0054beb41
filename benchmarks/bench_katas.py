"""Kata check latency and memory, cold and warm, against a bare `import torch`.

    python benchmarks/bench_katas.py [KATA ...]

baseline: a fresh `python -c "import torch"`, measured in the same run;
cold check: a fresh process that judges once (`study.kata.worker --once`: it imports
  torch, forks the sandbox host, then loads the checker and judges); target ≤ 1.5×
  baseline;
first CLI check: `study kata check` with no worker running (it starts one);
warm CLI check: `study kata check` once the worker is up, median of 5; target ≤ 0.3 s;
warm judge: the check alone in this process with a warm sandbox host (devrun);
memory: resident set (RSS) and proportional set (PSS) of the worker and its host,
  after the checks; target ≤ 700 MB RSS together.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET_WARM_S = 0.3
TARGET_COLD_RATIO = 1.5
TARGET_RSS_MB = 700


def timed(fn: Callable[[], object], n: int) -> float:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def memory_mb(pid: int) -> tuple[float, float]:
    rss = pss = 0.0
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        for line in fh:
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    return rss, pss


def worker_and_host(sock: Path) -> list[int]:
    pids = []
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{p}/cmdline").read_bytes()
        except OSError:
            continue
        if b"study.kata.worker" in cmd and str(sock).encode() in cmd:
            pids.append(int(p))  # the worker and the host forked from it (same command line)
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            stat = Path(f"/proc/{p}/stat").read_text()
            comm = Path(f"/proc/{p}/comm").read_text().strip()
        except OSError:
            continue
        if (comm == "study-kata-host" and int(p) not in pids
                and int(stat.rsplit(")", 1)[1].split()[1]) in pids):
            pids.append(int(p))  # a host started as a fresh interpreter
    return pids


def main() -> int:
    from study.kata.client import KataClient
    from study.kata.devrun import check, host, request_for
    from study.kata.judge import warm_up

    katas = sys.argv[1:] or sorted(p.parent.name for p in (REPO / "exercises").glob("*/kata.yaml"))
    home = Path(tempfile.mkdtemp(prefix="study-bench-"))
    device = os.environ.get("STUDY_BENCH_DEVICE", "cpu")  # gpu_check.sh sets cuda
    env = dict(os.environ, STUDY_HOME=str(home), STUDY_KATA_IDLE_S="300", STUDY_KATA_DEVICE=device)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a normal install caches bytecode
    client = KataClient(home)
    client.stop()

    def cli(kata: str) -> None:
        solution = REPO / "exercises" / kata / "solution.py"
        subprocess.run([sys.executable, "-m", "study", "kata", "check", kata, "--solution",
                        str(solution)], env=env, check=True, stdout=subprocess.DEVNULL)

    # The cold check uses a kata without an optimizer: building the first optimizer makes
    # torch import torch._dynamo (1-2 s), which the warm worker does while idle.
    first = "softmax" if "softmax" in katas else katas[0]
    req = request_for(REPO / "exercises" / first, REPO / "exercises" / first / "solution.py",
                      device)
    baseline = timed(lambda: subprocess.run([sys.executable, "-c", "import torch"], check=True),
                     5)
    cold = timed(lambda: subprocess.run(
        [sys.executable, "-m", "study.kata.worker", "--once"], input=json.dumps(req.to_dict()),
        text=True, check=True, stdout=subprocess.DEVNULL), 5)

    def first_check() -> None:  # no worker running: this check starts one
        client.stop()
        while client.running():
            time.sleep(0.05)
        time.sleep(0.3)  # its sandbox host is gone too
        t = time.perf_counter()
        cli(first)
        firsts.append(time.perf_counter() - t)

    firsts: list[float] = []
    for _ in range(3):
        first_check()
    first_cli = statistics.median(firsts)

    warm_up()
    host().wait_ready()
    rows = []
    ok = cold <= TARGET_COLD_RATIO * baseline
    for kata in katas:
        folder = REPO / "exercises" / kata
        judge = timed(lambda folder=folder: check(folder, folder / "solution.py", device), 5)
        wall = timed(lambda kata=kata: cli(kata), 5)
        ok &= wall <= TARGET_WARM_S
        rows.append((kata, judge, wall))
    pids = worker_and_host(client.path)
    mem = [memory_mb(p) for p in pids]
    rss, pss = sum(m[0] for m in mem), sum(m[1] for m in mem)
    ok &= rss <= TARGET_RSS_MB
    client.stop()

    print(f"\nbaseline: bare `import torch`, fresh process:  {baseline:6.2f} s")
    print(f"cold check, fresh process ({first}):  {cold:6.2f} s  = {cold / baseline:.2f}× baseline"
          f" (target ≤ {TARGET_COLD_RATIO}×)")
    print(f"first `study kata check` (starts the worker): {first_cli:6.2f} s  = "
          f"{first_cli / baseline:.2f}× baseline\n")
    print(f"{'kata':<34}{'warm judge':>12}{'warm CLI':>12}  target {TARGET_WARM_S:.1f} s")
    print("-" * 72)
    for kata, judge, wall in rows:
        mark = "yes" if wall <= TARGET_WARM_S else "NO"
        print(f"{kata:<34}{judge * 1000:>9.0f} ms{wall * 1000:>9.0f} ms  {mark}")
    walls = [w for _, _, w in rows]
    print(f"\nwarm CLI: median {statistics.median(walls) * 1000:.0f} ms, slowest "
          f"{max(walls) * 1000:.0f} ms")
    print(f"worker + sandbox host ({len(pids)} processes): RSS {rss:.0f} MB, PSS {pss:.0f} MB "
          f"(target ≤ {TARGET_RSS_MB} MB RSS)")
    load = os.getloadavg()[0]
    print(f"device: {device}; machine: {os.cpu_count()} cores, load {load:.1f}, Python "
          f"{sys.version.split()[0]}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
