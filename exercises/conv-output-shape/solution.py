def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """(H_out, W_out) of a 2-D convolution over an input of spatial size (H, W)."""
    out = []
    for size, k, s, p, d in zip(input_size, _pair(kernel_size), _pair(stride), _pair(padding),
                                _pair(dilation), strict=True):
        span = d * (k - 1) + 1  # input positions a dilated kernel covers
        padded = size + 2 * p
        if padded < span:
            raise ValueError(f"kernel spans {span} positions but the padded input has {padded}")
        out.append((padded - span) // s + 1)
    return tuple(out)
