"""Run one kata check in this process (for kata authors and tests):

    python -m study.kata.devrun exercises/softmax path/to/solution.py [--device cpu]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from study.kata.judge import CheckRequest, CheckResult, run_check, warm_up


def request_for(folder: Path, solution: Path, device: str = "cpu") -> CheckRequest:
    import yaml

    # The metadata itself is validated by `study content check`.
    data = yaml.safe_load((folder / "kata.yaml").read_text(encoding="utf-8"))
    return CheckRequest(
        kata=data["id"], folder=str(folder.resolve()), function=data["function"],
        signature=data["signature"], solution=str(solution.resolve()), device=device,
        timeout_s=float(data.get("timeout_s", 20)),
    )


def check(folder: Path, solution: Path, device: str = "cpu") -> CheckResult:
    return run_check(request_for(folder, solution, device))


def main(argv: list[str] | None = None) -> int:
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
        if result.usage_error:
            print("usage error:", result.usage_error)
        for t in result.tests:
            print(("  ok   " if t.passed else "  FAIL ") + t.name
                  + ("" if t.passed else "\n         " + t.message.replace("\n", "\n         ")))
        if result.output.strip():
            print("output:\n" + result.output)
    return 0 if result.passed else 1


if __name__ == "__main__":
    sys.exit(main())
