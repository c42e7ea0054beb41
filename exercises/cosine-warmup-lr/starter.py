import math


def cosine_warmup_lr(step: int, base_lr: float, warmup_steps: int, total_steps: int,
                     min_lr: float = 0.0) -> float:
    """Learning rate at 0-based `step`: linear warmup from 0 over `warmup_steps`, then a
    cosine decay from base_lr to min_lr reached at `total_steps`, min_lr afterwards."""
    raise NotImplementedError
