# expect: you padded the width only
"""F.pad(x, (p, p)) pads only the last dimension (W); H is left unpadded, and the
output height comes out too small."""
import torch
import torch.nn.functional as F


def conv2d(x, weight, bias=None, stride=1, padding=0):
    n = x.shape[0]
    c_out, _, kh, kw = weight.shape
    x = F.pad(x, (padding, padding))
    h_out = (x.shape[2] - kh) // stride + 1
    w_out = (x.shape[3] - kw) // stride + 1
    cols = F.unfold(x, (kh, kw), stride=stride)
    out = weight.reshape(c_out, -1) @ cols
    if bias is not None:
        out = out + bias.reshape(1, -1, 1)
    return out.reshape(n, c_out, h_out, w_out)
