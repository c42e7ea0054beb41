"""How `bleu` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def drive(fn, args, case):
    out = fn(*args.values())
    if isinstance(out, torch.Tensor) and out.numel() == 1:
        out = out.item()
    if isinstance(out, int | float) and not isinstance(out, bool):
        return {"out": torch.tensor(float(out), dtype=torch.float32)}
    return {"out": out}
