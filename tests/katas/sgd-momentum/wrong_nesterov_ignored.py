# expect: nesterov=True was ignored
"""Plain heavy-ball momentum whatever `nesterov` says."""


def sgd_momentum_step(param, grad, momentum_buffer, step, lr=0.01, momentum=0.9,
                      dampening=0.0, weight_decay=0.0, nesterov=False):
    if weight_decay:
        grad = grad + weight_decay * param
    if step == 1:
        momentum_buffer.copy_(grad)
    else:
        momentum_buffer.mul_(momentum).add_(grad, alpha=1 - dampening)
    param.add_(momentum_buffer, alpha=-lr)
