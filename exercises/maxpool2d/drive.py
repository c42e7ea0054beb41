"""How `maxpool2d` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def drive(fn, args, case):
    # default_drive, except that a wrongly shaped result is returned without running
    # backward (the upstream gradient has the right shape), so the shape message shows.
    a = case.args
    n, c, h, w = a["x"].shape
    k, s, p = a["kernel_size"], _stride(a), a["padding"]
    shape = (n, c, _out_size(h, k, s, p), _out_size(w, k, s, p))
    if case.upstream.get("out") is not None:
        shape = tuple(case.upstream["out"].shape)
    x = args["x"].detach().requires_grad_(True)
    args["x"] = x
    out = fn(*args.values())
    if (isinstance(out, torch.Tensor) and tuple(out.shape) == shape and out.requires_grad):
        up = case.upstream["out"].to(out.device, out.dtype)
        (g,) = torch.autograd.grad(out, x, up, allow_unused=True)
        return {"out": out, "grad.x": g}
    return {"out": out, "grad.x": None}


def _stride(a):
    return a["kernel_size"] if a["stride"] is None else a["stride"]


def _out_size(size, k, s, p, ceil=False):
    num = size + 2 * p - k
    return (-(-num // s) if ceil else num // s) + 1
