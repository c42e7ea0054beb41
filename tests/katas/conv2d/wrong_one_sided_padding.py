# expect: you padded one side only
"""Pads by copying x into the top-left corner of a bigger zero tensor: all 2p zeros end
up on the right and bottom, so every window is shifted by p."""
import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n, c_in, h, w = x.shape
    c_out, _, kh, kw = weight.shape
    xp = x.new_zeros(n, c_in, h + 2 * padding, w + 2 * padding)
    xp[:, :, :h, :w] = x
    cols = F.unfold(xp, (kh, kw), stride=stride)
    out = weight.reshape(c_out, -1) @ cols
    if bias is not None:
        out = out + bias.reshape(1, -1, 1)
    h_out = (h + 2 * padding - kh) // stride + 1
    w_out = (w + 2 * padding - kw) // stride + 1
    return out.reshape(n, c_out, h_out, w_out)
