def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    """(H_out, W_out) of a 2-D convolution over an input of spatial size (H, W).

    kernel_size, stride, padding and dilation are ints or (for H, for W) pairs.
    Returns a tuple of two Python ints; raises ValueError if the (dilated) kernel does
    not fit in the padded input.
    """
    raise NotImplementedError
