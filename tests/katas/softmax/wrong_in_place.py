# expect: modified its input 'x' in place
"""Saves memory by working in place, destroying the caller's tensor."""


def softmax(x, dim=-1):
    x.sub_(x.amax(dim=dim, keepdim=True)).exp_()
    return x / x.sum(dim=dim, keepdim=True)
