# expect: banned operation
"""Builds a throwaway optimizer and LambdaLR-style chain from torch.optim and reads its
learning rate after `step` scheduler steps."""
import importlib
import math

import torch


def cosine_warmup_lr(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    optim = importlib.import_module("torch.optim")
    sched = importlib.import_module("torch.optim.lr_scheduler")

    def factor(s):
        if s < warmup_steps:
            return s / warmup_steps
        p = min(1.0, (s - warmup_steps) / (total_steps - warmup_steps))
        return (min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * p))) / base_lr

    opt = optim.SGD([torch.zeros(1, requires_grad=True)], lr=base_lr)
    s = sched.LambdaLR(opt, factor)
    for _ in range(step):
        opt.step()
        s.step()
    return opt.param_groups[0]["lr"]
