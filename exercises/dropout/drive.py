"""How `dropout` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch

from study.kata.toolkit import default_drive


def drive(fn, args, case):
    torch.manual_seed(case.extra.get("seed", 0))  # every RNG, CUDA included: no flakes
    # Under "result", not "out": returning x itself when nothing is dropped is fine (F.dropout
    # does it), so the judge's "shares memory with the input" rule for out* keys must not apply.
    out = {"result": default_drive(fn, dict(args), case)["out"]}
    if case.extra.get("random") and not case.extra.get("small"):
        second = fn(*args.values())
        out["second"] = second.detach().clone() if isinstance(second, torch.Tensor) else second
    return out
