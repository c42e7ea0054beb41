"""How fast the app opens, in a real terminal (tmux), on the big synthetic home.

    python benchmarks/bench_tui.py [--runs N]

Uses the home of `bench_core.py` (bundled content plus 10,000 cards and 300,000
reviews; generated on first use). Starts `study` in a detached tmux session and
polls the pane: "first paint" is when the first frame is on screen, "dashboard
ready" when today's counts are drawn. Also reports the modules the app has
imported by then (torch must not be among them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import NOW, WORK, make_home  # noqa: E402

TARGET_FIRST_PAINT = 0.5


def tmux(env: dict[str, str], *args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, env=env).stdout


BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Footer, Static\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    "        yield Static('study Today min')\n"
    "        yield Footer()\n"
    "Bare().run()\n"
)


def one_launch(home: Path, env: dict[str, str], command: str | None = None) -> tuple[float, float]:
    name = f"bench-{os.getpid()}"
    t0 = time.perf_counter()
    tmux(env, "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
         command or f"{sys.executable} -m study --home {home}")
    first = ready = None
    try:
        while time.perf_counter() - t0 < 30:
            screen = tmux(env, "capture-pane", "-p", "-t", name)
            now = time.perf_counter() - t0
            if first is None and "study" in screen:
                first = now
            if "Today" in screen and ("min" in screen):
                ready = now
                break
            time.sleep(0.01)  # polling spawns a tmux client: not too often on 2 cores
    finally:
        tmux(env, "kill-session", "-t", name)
    if first is None or ready is None:
        raise SystemExit("the app did not draw its dashboard within 30 s")
    return first, ready


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed for this benchmark")
    home = WORK / "home"
    if not (home / "study.db").exists():
        print("generating the synthetic home (once) ...", flush=True)
        make_home(home)
    env = {**os.environ, "STUDY_NOW": NOW, "TERM": "xterm-256color",
           "TMUX_TMPDIR": tempfile.mkdtemp()}
    env.pop("TMUX", None)
    # A user's Python caches compiled modules; a sandbox that turns that off would
    # measure compiling study's sources on every launch instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for _ in range(2):  # warm the OS file cache, the content cache and the bytecode cache
        one_launch(home, env)
    firsts, readies, bare = [], [], []
    bare_file = Path(env["TMUX_TMPDIR"]) / "bare_app.py"
    bare_file.write_text(BARE_APP)
    for _ in range(args.runs):
        f, r = one_launch(home, env)
        firsts.append(f)
        readies.append(r)
        bare.append(one_launch(home, env, f"{sys.executable} {bare_file}")[0])

    # What the app imports before its first frame (in-process, same home).
    probe = subprocess.run(
        [sys.executable, "-c",
         "import sys, study.tui.app as a, study.tui.screens.dashboard;"
         "print('torch' in sys.modules, len(sys.modules))"],
        capture_output=True, text=True, env={**env, "STUDY_HOME": str(home)})
    torch_loaded, n_modules = probe.stdout.split()

    first, ready = statistics.median(firsts), statistics.median(readies)
    print(f"\n{'measure (median of ' + str(args.runs) + ')':<44}{'time':>10}{'target':>10}  ok")
    print("-" * 70)
    print(f"{'first paint (process start -> frame)':<44}{first * 1000:>7.0f} ms"
          f"{TARGET_FIRST_PAINT * 1000:>7.0f} ms  {'yes' if first <= TARGET_FIRST_PAINT else 'NO'}")
    print(f"{'dashboard ready (counts drawn)':<44}{ready * 1000:>7.0f} ms{'-':>10}")
    print(f"{'for scale: a bare Textual app, first paint':<44}"
          f"{statistics.median(bare) * 1000:>7.0f} ms{'-':>10}")
    print(f"{'torch imported by the app':<44}{torch_loaded:>10}{'False':>10}  "
          f"{'yes' if torch_loaded == 'False' else 'NO'}")
    runs = ", ".join(f"{f * 1000:.0f}/{r * 1000:.0f}"
                     for f, r in zip(firsts, readies, strict=True))
    print(f"\nmodules at first frame: {n_modules}; runs: {runs} ms (paint/ready)")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    return 0 if first <= TARGET_FIRST_PAINT and torch_loaded == "False" else 1


if __name__ == "__main__":
    raise SystemExit(main())
