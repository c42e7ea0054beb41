# expect: you flipped the kernel
"""Implements the textbook (signal-processing) convolution: the kernel is flipped
before sliding it, which is not what PyTorch's conv2d (a cross-correlation) does."""
import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    x = F.pad(x, (padding, padding, padding, padding))
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    k = torch.flip(weight, dims=(2, 3))  # "convolution flips the kernel"
    out = x.new_zeros(n, c_out, h_out, w_out)
    for a in range(kh):
        for b in range(kw):
            window = x[:, :, a:a + stride * (h_out - 1) + 1:stride,
                       b:b + stride * (w_out - 1) + 1:stride]
            out += torch.einsum("nchw,oc->nohw", window, k[:, :, a, b])
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out
