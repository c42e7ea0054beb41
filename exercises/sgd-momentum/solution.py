from torch import Tensor


def sgd_momentum_step(param: Tensor, grad: Tensor, momentum_buffer: Tensor, step: int,
                      lr: float = 0.01, momentum: float = 0.9, dampening: float = 0.0,
                      weight_decay: float = 0.0, nesterov: bool = False) -> None:
    """One torch.optim.SGD update with momentum, in place on `param` and `momentum_buffer`."""
    if weight_decay != 0:
        grad = grad + weight_decay * param  # L2: a new tensor, the caller's grad is untouched
    if step == 1:
        momentum_buffer.copy_(grad)  # PyTorch starts the buffer at the first gradient
    else:
        momentum_buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
    direction = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    param.add_(direction, alpha=-lr)
