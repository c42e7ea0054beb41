# expect: the cosine runs over all total_steps
"""Measures the cosine's progress from step 0 instead of from the end of the warmup."""
import math


def cosine_warmup_lr(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    progress = min(1.0, step / total_steps)
    return min_lr + (base_lr - min_lr) * 0.5 * (1 + math.cos(math.pi * progress))
