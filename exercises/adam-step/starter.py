import torch
from torch import Tensor


def adam_step(param: Tensor, grad: Tensor, exp_avg: Tensor, exp_avg_sq: Tensor, step: int,
              lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
              weight_decay: float = 0.0, decoupled_weight_decay: bool = False) -> None:
    """One Adam / AdamW update, as torch.optim.Adam(W) does it (amsgrad off).

    Updates `param`, `exp_avg` (first moment) and `exp_avg_sq` (second moment) in place and
    returns None. `step` counts updates: 1 for the first. `grad` must not be modified.
    decoupled_weight_decay=False: Adam's L2 penalty, grad + weight_decay * param.
    decoupled_weight_decay=True: AdamW, param *= 1 - lr * weight_decay.
    """
    raise NotImplementedError
