# expect: padding is added on both sides
"""Adds the padding once instead of on both sides of the dimension."""


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    out = []
    for size, k, s, p, d in zip(input_size, _pair(kernel_size), _pair(stride), _pair(padding),
                                _pair(dilation), strict=True):
        span = d * (k - 1) + 1
        if size + p < span:
            raise ValueError("kernel too large")
        out.append((size + p - span) // s + 1)
    return tuple(out)
