# expect: banned operation
"""torch.autograd.functional.vjp with a unit cotangent gives the gradient."""
import torch
from torch.autograd import functional as AF


def mlp_backward(x, y, w1, b1, w2, b2):
    def loss_fn(w1, b1, w2, b2):
        h = torch.relu(x @ w1 + b1)
        return ((h @ w2 + b2 - y) ** 2).mean()

    loss, grads = AF.vjp(loss_fn, (w1, b1, w2, b2))
    return {"loss": loss, **dict(zip(("w1", "b1", "w2", "b2"), grads))}
