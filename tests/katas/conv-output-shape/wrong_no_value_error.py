# expect: raise ValueError when H + 2·padding
"""Never checks that the kernel fits: returns zero or negative sizes instead of raising."""


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    out = []
    for size, k, s, p, d in zip(input_size, _pair(kernel_size), _pair(stride), _pair(padding),
                                _pair(dilation), strict=True):
        out.append((size + 2 * p - d * (k - 1) - 1) // s + 1)
    return tuple(out)
