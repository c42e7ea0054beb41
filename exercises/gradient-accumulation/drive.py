"""How `gradient-accumulation` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch
from torch import nn

_W = ("w1", "b1", "w2", "b2")


def _model(a, dtype, device):
    d, h = a["w1"].shape[1], a["w1"].shape[0]
    k = a["w2"].shape[0]
    m = nn.Sequential(nn.Linear(d, h), nn.Tanh(), nn.Linear(h, k)).to(device=device, dtype=dtype)
    with torch.no_grad():
        for p, name in zip(m.parameters(), _W, strict=True):
            p.copy_(a[name])
    return m


def drive(fn, args, case):
    x = args["inputs"]
    model = _model(args, x.dtype, x.device)
    for p in model.parameters():  # stale gradients from "an earlier step"
        p.grad = torch.full_like(p, 0.5)
    opt = torch.optim.SGD(model.parameters(), lr=args["lr"], momentum=0.9)
    # The point of accumulating is that no forward pass (and so no stored activations) is
    # larger than a micro-batch: record the largest batch the model is called on.
    seen, with_grad, backward = [], [], []

    def record(module, inputs):  # returns None: the inputs go through unchanged
        first_input = inputs[0] if inputs else None
        seen.append(int(first_input.shape[0]) if isinstance(first_input, torch.Tensor)
                    and first_input.dim() else 0)
        with_grad.append(torch.is_grad_enabled())

    model.register_forward_pre_hook(record)
    # Fires once per backward pass that reaches the first weight: several micro-batches'
    # losses summed into one backward() count once (and kept all their graphs meanwhile).
    first = next(model.parameters())
    first.register_hook(lambda g: backward.append(1))
    losses = fn(model, opt, x, args["targets"], args["micro_batch_size"], args["accum_steps"])
    out = {"out.losses": torch.as_tensor(losses).detach().reshape(-1)}
    # Not in the reference, so never compared: check() reads them.
    out["info.largest_batch"] = max(seen, default=0)
    out["info.forward_calls"] = len(seen)
    out["info.graph_forwards"] = sum(with_grad)
    out["info.backward_passes"] = len(backward)
    for p, name in zip(model.parameters(), _W, strict=True):
        out[f"out.{name}"] = p.detach().clone()
    return out
