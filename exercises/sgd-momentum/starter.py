import torch
from torch import Tensor


def sgd_momentum_step(param: Tensor, grad: Tensor, momentum_buffer: Tensor, step: int,
                      lr: float = 0.01, momentum: float = 0.9, dampening: float = 0.0,
                      weight_decay: float = 0.0, nesterov: bool = False) -> None:
    """One torch.optim.SGD update with momentum, in place on `param` and `momentum_buffer`.

    `step` is 1 for the first update (the buffer then becomes the gradient itself).
    weight_decay is L2 (grad + weight_decay * param); `grad` must not be modified.
    """
    raise NotImplementedError
