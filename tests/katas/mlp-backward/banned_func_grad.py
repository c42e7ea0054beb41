# expect: banned operation
"""torch.func.grad: functional autograd is still autograd."""
import importlib

import torch


def mlp_backward(x, y, w1, b1, w2, b2):
    func = importlib.import_module("torch.func")

    def loss_fn(params):
        h = torch.relu(x @ params["w1"] + params["b1"])
        return ((h @ params["w2"] + params["b2"] - y) ** 2).mean()

    params = {"w1": w1, "b1": b1, "w2": w2, "b2": b2}
    grads = func.grad(loss_fn)(params)
    return {"loss": loss_fn(params), **grads}
