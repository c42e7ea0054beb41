# expect: weight decay is applied the wrong way round
"""Always folds weight decay into the gradient (Adam's L2), even when
decoupled_weight_decay=True asks for AdamW's decoupled decay."""
import math


def adam_step(param, grad, exp_avg, exp_avg_sq, step, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
              weight_decay=0.0, decoupled_weight_decay=False):
    beta1, beta2 = betas
    if weight_decay:
        grad = grad + weight_decay * param
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = exp_avg_sq.sqrt() / math.sqrt(1 - beta2**step) + eps
    param.addcdiv_(exp_avg, denom, value=-lr / (1 - beta1**step))
