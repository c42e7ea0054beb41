# expect: banned operation
"""Calls torch.optim's functional SGD, fetched through importlib so the name never appears."""
import importlib


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    sgd = getattr(importlib.import_module("torch.optim." + "sgd"), "sgd")
    bufs = [None if step == 1 else momentum_buffer]
    sgd([param], [grad], bufs, weight_decay=weight_decay, momentum=momentum, lr=lr,
        dampening=dampening, nesterov=nesterov, maximize=False, foreach=False)
    if step == 1:
        momentum_buffer.copy_(bufs[0])
