# expect: banned operation
"""Calls the autograd engine directly, skipping torch.autograd.grad's Python wrapper."""
import torch

_engine = torch.autograd.Variable._execution_engine


def mlp_backward(x, y, w1, b1, w2, b2):
    params = tuple(p.detach().clone().requires_grad_(True) for p in (w1, b1, w2, b2))
    h = torch.relu(x @ params[0] + params[1])
    loss = ((h @ params[2] + params[3] - y) ** 2).mean()
    grads = _engine.run_backward((loss,), (torch.ones_like(loss),), False, False, params,
                                 False, False)
    return {"loss": loss.detach(), **dict(zip(("w1", "b1", "w2", "b2"), grads))}
