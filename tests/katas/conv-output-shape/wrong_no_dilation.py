# expect: you ignored dilation
"""Uses the kernel size as the span, forgetting that dilation spreads the kernel out."""


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    out = []
    for size, k, s, p in zip(input_size, _pair(kernel_size), _pair(stride), _pair(padding),
                             strict=True):
        if size + 2 * p < k:
            raise ValueError("kernel too large")
        out.append((size + 2 * p - k) // s + 1)
    return tuple(out)
