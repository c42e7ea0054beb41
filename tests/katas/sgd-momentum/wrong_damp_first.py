# expect: the first step dampens the gradient
"""Applies dampening on the first step too: buf = (1 - dampening) * grad."""


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay:
        grad = grad + weight_decay * param
    if step == 1:
        momentum_buffer.copy_(grad).mul_(1 - dampening)
    else:
        momentum_buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
    d = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    param.add_(d, alpha=-lr)
