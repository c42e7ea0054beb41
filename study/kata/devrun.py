"""Run one kata check from this process (for kata authors and tests):

    python -m study.kata.devrun exercises/softmax path/to/solution.py [--device cpu]

The judge runs here; the solution runs in a sandbox host started for this
process (once, then reused), exactly as the worker does it.
"""

from __future__ import annotations

import argparse
import atexit
import shutil
import sys
import tempfile
from pathlib import Path

from study.kata.host import HostLink, Sandbox
from study.kata.judge import CheckRequest, run_check, warm_up
from study.kata.result import CheckResult

_link: HostLink | None = None


def host() -> HostLink:
    """This process's sandbox host, started on first use."""
    global _link
    if _link is None or not _link.alive():
        base = Path(tempfile.mkdtemp(prefix="study-devrun-"))
        link = HostLink(base / "host")
        atexit.register(shutil.rmtree, base, True)  # runs after the host is closed
        atexit.register(link.close)
        _link = link
    return _link


def spawn(deadline_s: float, disk_mb: int) -> Sandbox:
    return host().spawn(deadline_s, disk_mb)


def request_for(folder: Path, solution: Path, device: str = "cpu") -> CheckRequest:
    import yaml

    # The metadata itself is validated by `study content check`.
    data = yaml.safe_load((folder / "kata.yaml").read_text(encoding="utf-8"))
    return CheckRequest(
        kata=data["id"], folder=str(folder.resolve()), function=data["function"],
        signature=data["signature"], solution=str(solution.resolve()),
        source=solution.read_text(encoding="utf-8", errors="replace"), device=device,
        timeout_s=float(data.get("timeout_s", 20)),
        hidden=[str(folder.resolve().parent)],
    )


def check(folder: Path, solution: Path, device: str = "cpu") -> CheckResult:
    return run_check(request_for(folder, solution, device), spawn)


def main(argv: list[str] | None = None) -> int:
    import json

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("folder", type=Path)
    ap.add_argument("solution", type=Path)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    warm_up()
    result = check(args.folder, args.solution, args.device)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(f"{result.status} in {result.duration_s:.2f} s on {result.device}")
        if result.message:
            print(f"{result.reason}: {result.message}")
        for t in result.tests:
            print(("  ok   " if t.passed else "  FAIL ") + t.name
                  + ("" if t.passed else "\n         " + t.message.replace("\n", "\n         ")))
        if result.output.strip():
            print("output:\n" + result.output)
        off = {k: v for k, v in result.sandbox.items() if not v.startswith(("on", "closed",
                                                                          "fresh", "forked"))}
        for k, v in off.items():
            print(f"sandbox: {k} {v}")
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
