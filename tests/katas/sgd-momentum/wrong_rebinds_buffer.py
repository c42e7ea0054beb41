# expect: momentum_buffer was not updated
"""Computes the new buffer out of place, so the caller's buffer never changes."""


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay:
        grad = grad + weight_decay * param
    if step == 1:
        momentum_buffer = grad.clone()
    else:
        momentum_buffer = momentum * momentum_buffer + (1 - dampening) * grad
    d = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    param.add_(d, alpha=-lr)
