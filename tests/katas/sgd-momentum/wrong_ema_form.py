# expect: exponential-moving-average form
"""Treats momentum as an exponential moving average: buf = m*buf + (1-m)*grad, starting
from zero."""


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay:
        grad = grad + weight_decay * param
    if step == 1:
        momentum_buffer.zero_()
    momentum_buffer.mul_(momentum).add_(grad, alpha=1 - momentum)
    d = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    param.add_(d, alpha=-lr)
