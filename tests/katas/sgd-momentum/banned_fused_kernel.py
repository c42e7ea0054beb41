# expect: banned operation
"""Calls the fused SGD kernel through torch.ops.aten."""
import torch


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    op = getattr(torch.ops.aten, "_fused_sgd_")
    op([param], [grad], [momentum_buffer], weight_decay=weight_decay, momentum=momentum,
       lr=lr, dampening=dampening, nesterov=nesterov, maximize=False,
       is_first_step=step == 1)
