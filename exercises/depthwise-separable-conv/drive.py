"""How `depthwise-separable-conv` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def drive(fn, args, case):
    # default_drive, except that a wrongly shaped result skips backward (the upstream
    # gradient has the right shape), so the shape message shows.
    leaves = []
    for name in case.grad:
        args[name] = args[name].detach().requires_grad_(True)
        leaves.append(args[name])
    out = fn(*args.values())
    res = {"out": out}
    want = case.upstream.get("out")
    if (isinstance(out, torch.Tensor) and want is not None and out.shape == want.shape
            and out.requires_grad):
        grads = torch.autograd.grad(out, leaves, want.to(out.device, out.dtype),
                                    allow_unused=True)
        for name, g in zip(case.grad, grads, strict=True):
            res[f"grad.{name}"] = g
    else:
        for name in case.grad:
            res[f"grad.{name}"] = None
    return res
