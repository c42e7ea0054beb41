# expect: you forgot the + 1 in the size
"""Computes the output size as (H + 2p - kH) // stride, forgetting the + 1: the last
window row and column are lost."""
import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    x = F.pad(x, (padding, padding, padding, padding))
    h_out = (h + 2 * padding - kh) // stride
    w_out = (w + 2 * padding - kw) // stride
    out = x.new_zeros(n, c_out, h_out, w_out)
    for i in range(h_out):
        for j in range(w_out):
            patch = x[:, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
            out[:, :, i, j] = torch.einsum("nchw,ochw->no", patch, weight)
    if bias is not None:
        out += bias.view(1, -1, 1, 1)
    return out
