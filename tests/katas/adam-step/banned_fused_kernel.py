# expect: banned operation
"""Calls the private fused Adam kernel torch._fused_adam_ directly, fetched by a
built-up name."""
import torch

_kernel = getattr(torch, "_fused_" + "adam_")


def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
              weight_decay=0.0, decoupled_weight_decay=False):
    state_steps = [torch.tensor(float(step), device=param.device)]
    max_sq = [torch.zeros_like(param)]
    if decoupled_weight_decay:
        param.mul_(1 - lr * weight_decay)
        weight_decay = 0.0
    _kernel([param], [grad], [exp_avg], [exp_avg_sq], max_sq, state_steps, lr=lr,
            beta1=betas[0], beta2=betas[1], weight_decay=weight_decay, eps=eps, amsgrad=False,
            maximize=False)
