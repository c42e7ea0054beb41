"""Checker for `depthwise-separable-conv`: values and gradients against two F.conv2d calls
(a grouped depthwise one and a 1x1 one) in float64."""

import math

import torch
import torch.nn.functional as F

from study.kata.presets import CONV
from study.kata.toolkit import Case, Tol, Variant, also_in, randn

BAN = CONV.because(
    "the depthwise and pointwise convolutions are what this kata asks you to write; "
    "build them from F.pad, Tensor.unfold (or F.unfold) and einsum / matmul"
)

# (name, N, C_in, H, W, C_out, k, stride, padding)
_SHAPES = [
    ("3x3 depthwise, 3 -> 5 channels", 2, 3, 8, 8, 5, 3, 1, 0),
    ("3x3, padding 1 ('same')", 2, 4, 7, 7, 6, 3, 1, 1),
    ("3x3, stride 2, padding 1, odd sizes", 3, 4, 9, 11, 2, 3, 2, 1),
    ("same channels in and out", 2, 5, 6, 6, 5, 3, 1, 1),
    ("single channel in and out, 5x5, padding 2", 1, 1, 7, 6, 1, 5, 1, 2),
    ("1x1 depthwise kernel (per-channel scaling)", 2, 3, 4, 5, 4, 1, 1, 0),
    ("5x5, stride 2 that does not divide, padding 2", 2, 3, 10, 13, 4, 5, 2, 2),
    ("batch of 1, expand 2 -> 8 channels", 1, 2, 5, 5, 8, 3, 1, 1),
    ("reduce 7 -> 1 channel, stride 3", 3, 7, 10, 9, 1, 3, 3, 0),
    ("kernel as large as the padded input", 2, 3, 3, 3, 2, 5, 1, 1),
]


def _out_size(size, k, s, p):
    return (size + 2 * p - k) // s + 1


@also_in(torch.float64)
def cases():
    for i, (name, n, c, h, w, c_out, k, s, p) in enumerate(_SHAPES):
        x = randn(n, c, h, w, seed=500 + i, scale=2.0 if i % 3 == 0 else 1.0)
        dw = randn(c, 1, k, k, seed=600 + i, scale=1.0 / k)
        pw = randn(c_out, c, 1, 1, seed=700 + i, scale=1.0 / math.sqrt(c))
        terms = k * k * c
        scale = float(x.abs().max()) * float(dw.abs().max()) * float(pw.abs().max())
        yield Case(name, {"x": x, "depthwise_weight": dw, "pointwise_weight": pw,
                          "stride": s, "padding": p},
                   tol=Tol(atol=1e-6 + 4e-7 * terms * scale * 4, rtol=1e-5),
                   grad=("x", "depthwise_weight", "pointwise_weight"))


def _separable(x, dw, pw, s, p):
    d = F.conv2d(x, dw, stride=s, padding=p, groups=x.shape[1])
    return F.conv2d(d, pw)


def reference(case):
    a = case.args
    return _separable(a["x"], a["depthwise_weight"], a["pointwise_weight"], a["stride"],
                      a["padding"])


def _flipped(case):
    a = case.args
    return _separable(a["x"], a["depthwise_weight"].flip(-2, -1), a["pointwise_weight"],
                      a["stride"], a["padding"])


def _pointwise_first(case):
    a = case.args
    if a["pointwise_weight"].shape[0] != a["x"].shape[1]:
        raise ValueError("only when C_out == C_in")
    y = F.conv2d(a["x"], a["pointwise_weight"])
    return F.conv2d(y, a["depthwise_weight"], stride=a["stride"], padding=a["padding"],
                    groups=y.shape[1])


def _summed_depthwise(case):
    # The depthwise step summed over input channels (a full conv with one shared
    # [C_in, k, k] kernel), broadcast to every channel.
    a = case.args
    dw = a["depthwise_weight"]
    full = F.conv2d(a["x"], dw.permute(1, 0, 2, 3), stride=a["stride"], padding=a["padding"])
    d = full.expand(-1, dw.shape[0], -1, -1)
    return F.conv2d(d, a["pointwise_weight"])


VARIANTS = [
    Variant("you flipped the kernel: deep-learning convolutions are cross-correlations, "
            "use dw[c, 0, a, b] on x_pad[..., i·s + a, j·s + b] as it is", _flipped),
    Variant("the order is depthwise first (k×k, per channel), then pointwise (1×1, mixing "
            "channels); you applied the pointwise step first", _pointwise_first),
    Variant("the depthwise step must not sum over channels: channel c is filtered only by "
            "its own kernel depthwise_weight[c, 0] and stays channel c", _summed_depthwise),
]


def diagnose(case, got, want):
    out, ref = got.get("out"), want.get("out")
    if not (isinstance(out, torch.Tensor) and isinstance(ref, torch.Tensor)):
        return None
    if out.shape == ref.shape:
        return None
    a = case.args
    n, c, h, w = a["x"].shape
    k, s, p = a["depthwise_weight"].shape[-1], a["stride"], a["padding"]
    c_out = a["pointwise_weight"].shape[0]
    if p and tuple(out.shape) == (n, c_out, _out_size(h, k, s, 0),
                                             _out_size(w, k, s, 0)):
        return "you ignored padding: pad every side of H and W with `padding` zeros"
    if tuple(out.shape[:2]) == (n, c):
        return "the pointwise 1×1 step is missing: it maps C_in channels to C_out"
    return None
