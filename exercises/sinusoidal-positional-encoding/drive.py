"""How `sinusoidal-positional-encoding` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def drive(fn, args, case):
    target = args["device"].device
    if case.extra["default_device"]:
        out = fn(args["num_positions"], args["d_model"])
    else:
        out = fn(args["num_positions"], args["d_model"], target)
    if not isinstance(out, torch.Tensor):
        return {"out": out}
    # The judge expects results on the check device; where it was made is checked below.
    return {"out": out.to(target), "where": str(out.device), "asked": str(target)}
