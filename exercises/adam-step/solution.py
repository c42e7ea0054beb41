import math

from torch import Tensor


def adam_step(param: Tensor, grad: Tensor, exp_avg: Tensor, exp_avg_sq: Tensor, step: int,
              lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
              weight_decay: float = 0.0, decoupled_weight_decay: bool = False) -> None:
    """One Adam / AdamW update in place, as torch.optim.Adam(W) does it (amsgrad off)."""
    beta1, beta2 = betas
    if weight_decay != 0:
        if decoupled_weight_decay:
            param.mul_(1 - lr * weight_decay)  # AdamW: shrink the weights directly
        else:
            grad = grad + weight_decay * param  # Adam's L2: a new tensor, grad is untouched
    # Exponential moving averages of the gradient and of its square (the state).
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    # Both averages start at 0 and are biased towards it: divide by 1 - beta**step,
    # step being 1 at the first update. eps goes outside the square root.
    bias_correction1 = 1 - beta1**step
    bias_correction2 = 1 - beta2**step
    denom = (exp_avg_sq.sqrt() / math.sqrt(bias_correction2)).add_(eps)
    param.addcdiv_(exp_avg, denom, value=-lr / bias_correction1)
