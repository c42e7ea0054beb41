# expect: not 1 - beta**(step + 1)
"""Treats `step` as a 0-based counter and bias-corrects with t = step + 1."""
import math


def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
              weight_decay=0.0, decoupled_weight_decay=False):
    beta1, beta2 = betas
    t = step + 1  # "steps start at 0"
    if weight_decay and decoupled_weight_decay:
        param.mul_(1 - lr * weight_decay)
    elif weight_decay:
        grad = grad + weight_decay * param
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = exp_avg_sq.sqrt() / math.sqrt(1 - beta2**t) + eps
    param.addcdiv_(exp_avg, denom, value=-lr / (1 - beta1**t))
