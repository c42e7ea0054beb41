# expect: banned operation
"""Runs autograd under another name on copies of the parameters."""
import torch
from torch.autograd import grad as _differentiate


def mlp_backward(x, y, w1, b1, w2, b2):
    params = [p.detach().clone().requires_grad_(True) for p in (w1, b1, w2, b2)]
    h = torch.relu(x @ params[0] + params[1])
    loss = ((h @ params[2] + params[3] - y) ** 2).mean()
    grads = _differentiate(loss, params)
    return {"loss": loss.detach(), **dict(zip(("w1", "b1", "w2", "b2"), grads))}
