# expect: at step 1 the buffer must become the gradient
"""Never special-cases the first step: trusts that the incoming buffer is zero."""


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay:
        grad = grad + weight_decay * param
    momentum_buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
    d = grad + momentum * momentum_buffer if nesterov else momentum_buffer
    param.add_(d, alpha=-lr)
