# expect: banned operation
"""Reads the size off nn.MaxPool2d, whose output size follows the same formula."""
import torch


def conv_output_shape(input_size, kernel_size, stride=1, padding=0, dilation=1):
    pool = torch.nn.MaxPool2d(kernel_size, stride=stride, padding=0, dilation=dilation)
    pad = (padding, padding) if isinstance(padding, int) else padding
    x = torch.zeros(1, 1, input_size[0] + 2 * pad[0], input_size[1] + 2 * pad[1])
    try:
        y = pool(x)
    except RuntimeError as e:
        raise ValueError(str(e)) from e
    return tuple(int(v) for v in y.shape[-2:])
