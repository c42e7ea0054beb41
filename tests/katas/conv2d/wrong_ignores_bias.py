# expect: you forgot the bias
"""Computes the cross-correlation correctly but never adds the bias."""
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    cols = F.unfold(x, (kh, kw), padding=padding, stride=stride)
    out = weight.reshape(c_out, -1) @ cols
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    return out.reshape(n, c_out, h_out, w_out)
