"""`study optimize`: FSRS parameters fitted to your own reviews (study.optimize)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from study.cli.common import UsageError, open_study_for

NAMES = {"card": "cards", "kata": "katas"}


def cmd_optimize(args: argparse.Namespace) -> int:
    from study import optimize as opt

    kinds = ["card", "kata"] if args.kind == "all" else [args.kind]
    with open_study_for(args) as study:
        if args.revert:
            lines = []
            for kind in kinds:
                line = opt.revert(study.store, kind, study.now())
                if line is not None:
                    lines.append(line)
            if not lines:
                which = " or ".join(NAMES[k] for k in kinds)
                raise UsageError(f"nothing to revert: no fitted parameters in use for {which} "
                                 "(they use FSRS's defaults)")
            for line in lines:
                print(line)
            return 0
        outcomes: dict[str, Any] = {}
        for kind in kinds:
            try:
                outcomes[kind] = opt.run(study.store, kind, study.now())
            except opt.OptimizeError as exc:
                outcomes[kind] = exc
    fitted = {k: v for k, v in outcomes.items() if not isinstance(v, Exception)}
    if not fitted:
        # Nothing could be fitted at all: bad input, one line (the cards' reason first).
        raise UsageError(str(outcomes[kinds[0]]))
    if args.json:
        main, *rest = kinds
        out = _as_json(outcomes[main])
        for kind in rest:
            out[NAMES[kind]] = _as_json(outcomes[kind])
        print(json.dumps(out))
        return 0
    for kind in kinds:
        got = outcomes[kind]
        print(str(got) if isinstance(got, Exception) else got.summary())
    return 0


def _as_json(got: Any) -> dict[str, Any]:
    if isinstance(got, Exception):
        return {"error": str(got)}
    data: dict[str, Any] = got.to_dict()
    return data


def register(sub: Any) -> None:
    s = sub.add_parser(
        "optimize", help="fit FSRS's parameters to your own reviews (and check them)",
        description="Fit FSRS's parameters to your review log (cards and katas each get "
        "their own), score them against the set in use on your newest reviews, which the "
        "fit does not see, and use them from now on if they predict those better.")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.add_argument("--kind", choices=("all", "card", "kata"), default="all",
                   help="which parameter set to fit (default: both)")
    s.add_argument("--revert", action="store_true",
                   help="go back to the parameters in use before the last fit")
    s.set_defaults(func=cmd_optimize)
