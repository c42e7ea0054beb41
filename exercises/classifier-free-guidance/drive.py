"""How `classifier-free-guidance` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def _model_fn(w_c: torch.Tensor, w_x: torch.Tensor):
    """eps = tanh(w_x·x + (c @ w_c) per channel + t/100) + 0.1·x: per sample, nonlinear."""
    def model(x, t, c):
        shape = (x.shape[0], x.shape[1]) + (1,) * (x.dim() - 2)
        wc, wx = w_c.to(x.device, x.dtype), w_x.to(x.device, x.dtype)
        tt = (t.to(x.dtype) / 100.0).view((-1,) + (1,) * (x.dim() - 1))
        return torch.tanh(wx * x + (c @ wc).view(shape) + tt) + 0.1 * x
    return model


def drive(fn, args, case):
    model = _model_fn(case.extra["w_c"], case.extra["w_x"])
    calls = []

    def counted(x, t, c):
        calls.append((int(x.shape[0]), int(t.shape[0]), int(c.shape[0])))
        return model(x, t, c)

    out = fn(counted, *args.values())
    # Plain ints (not compared with the reference: `check` reads them).
    rows = calls[0] if len(calls) == 1 else (0, 0, 0)
    return {"out": out, "info.ncalls": len(calls), "info.x_rows": rows[0],
            "info.t_rows": rows[1], "info.c_rows": rows[2]}
