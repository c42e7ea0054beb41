# expect: you ignored padding
"""Never pads: the output is too small whenever padding > 0."""


def max_pool2d(x, kernel_size, stride=None, padding=0):
    s = kernel_size if stride is None else stride
    return x.unfold(2, kernel_size, s).unfold(3, kernel_size, s).amax(dim=(-2, -1))
