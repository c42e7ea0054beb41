# expect: the cosine decays to 0 instead of min_lr
"""Copies the Hugging Face schedule and forgets min_lr."""
import math


def cosine_warmup_lr(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    progress = min(1.0, (step - warmup_steps) / (total_steps - warmup_steps))
    return base_lr * 0.5 * (1 + math.cos(math.pi * progress))
