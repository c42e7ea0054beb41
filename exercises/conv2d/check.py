"""Checker for `conv2d`."""

import math

import torch
import torch.nn.functional as F

from study.kata.presets import CONV
from study.kata.toolkit import Case, Tol, Variant, also_in, randn

BAN = CONV.because(
    "the convolution is what this kata asks you to write; build it from F.pad, "
    "F.unfold (or slicing) and matmul / einsum"
)

# (name, N, C_in, H, W, C_out, kH, kW, stride, padding, with bias)
_SHAPES = [
    ("3x3 kernel", 2, 3, 8, 8, 4, 3, 3, 1, 0, True),
    ("non-square 2x5 kernel, padding=1, no bias", 2, 3, 7, 9, 2, 2, 5, 1, 1, False),
    ("stride=2, padding=1, odd sizes", 3, 2, 9, 9, 5, 3, 3, 2, 1, True),
    ("stride=3 that does not divide the size, padding=2", 2, 3, 10, 11, 3, 3, 2, 3, 2, True),
    ("single channel in and out, 5x5 kernel, padding=2", 1, 1, 6, 6, 1, 5, 5, 1, 2, True),
    ("1x1 kernel", 2, 7, 5, 4, 3, 1, 1, 1, 0, True),
    ("1x1 kernel, stride=2, padding=1", 2, 3, 6, 5, 2, 1, 1, 2, 1, True),
    ("kernel as large as the padded input", 2, 2, 5, 5, 3, 7, 7, 1, 1, True),
    ("non-square kernel covering the whole input, no bias", 3, 1, 4, 6, 2, 4, 6, 1, 0, False),
    ("stride=2 patchify (2x2 kernel)", 2, 3, 8, 8, 6, 2, 2, 2, 0, True),
    ("batch of 5, same channels in and out, padding=1", 5, 4, 12, 12, 4, 3, 3, 1, 1, True),
    ("tall 5x3 kernel, stride=2, padding=2", 1, 3, 13, 6, 5, 5, 3, 2, 2, True),
    ("wide 1x4 kernel, stride=2", 4, 5, 3, 10, 1, 1, 4, 2, 0, False),
    ("large padding (3) around a small input", 1, 2, 3, 3, 2, 3, 3, 1, 3, True),
]


def _tol(x: torch.Tensor, weight: torch.Tensor) -> Tol:
    # Each output sums C_in*kH*kW products; float32 accumulates about 1e-7 relative
    # error of sum(|x|*|w|) over the window.
    terms = weight[0].numel()
    scale = float(x.abs().max()) * float(weight.abs().max())
    return Tol(atol=1e-6 + 4e-7 * terms * scale, rtol=1e-5)


@also_in(torch.float64)
def cases():
    for i, (name, n, c_in, h, w, c_out, kh, kw, stride, padding, with_bias) in enumerate(_SHAPES):
        x = randn(n, c_in, h, w, seed=100 + i, scale=2.0 if i % 3 == 0 else 1.0)
        weight = randn(c_out, c_in, kh, kw, seed=200 + i, scale=1.0 / math.sqrt(c_in * kh * kw))
        bias = randn(c_out, seed=300 + i) if with_bias else None
        args = {"x": x, "weight": weight, "bias": bias, "stride": stride, "padding": padding}
        yield Case(name, args, tol=_tol(x, weight))


def reference(case):
    a = case.args
    return F.conv2d(a["x"], a["weight"], a["bias"], a["stride"], a["padding"])


def _conv_padded(case, pads, weight=None, bias="same"):
    a = case.args
    w = a["weight"] if weight is None else weight
    b = a["bias"] if bias == "same" else bias
    return F.conv2d(F.pad(a["x"], pads), w, b, a["stride"])


def _flipped(case):
    a = case.args
    p = a["padding"]
    return _conv_padded(case, (p, p, p, p), weight=a["weight"].flip(-1, -2))


def _start_only(case):
    p = case.args["padding"]
    return _conv_padded(case, (p, 0, p, 0)) if p else None


def _end_only(case):
    p = case.args["padding"]
    return _conv_padded(case, (0, p, 0, p)) if p else None


def _end_double(case):
    p = case.args["padding"]
    return _conv_padded(case, (0, 2 * p, 0, 2 * p)) if p else None


def _start_double(case):
    p = case.args["padding"]
    return _conv_padded(case, (2 * p, 0, 2 * p, 0)) if p else None


def _width_only(case):
    p = case.args["padding"]
    return _conv_padded(case, (p, p)) if p else None


def _no_plus_one(case):
    # The right output without its last row and column: H_out computed without the + 1.
    # (With stride 1 and padding 1 it is also what padding only the top/left side gives.)
    out = reference(case)
    return out[:, :, :-1, :-1] if min(out.shape[2:]) > 1 else None


def _no_bias(case):
    a = case.args
    if a["bias"] is None:
        return None
    p = a["padding"]
    return _conv_padded(case, (p, p, p, p), bias=None)


def _channels_swapped(case):
    a = case.args
    w = a["weight"]
    if w.shape[0] != w.shape[1]:
        return None
    p = a["padding"]
    return _conv_padded(case, (p, p, p, p), weight=w.transpose(0, 1))


_ONE_SIDE = ("you padded one side only: `padding` adds that many zeros on every side "
             "(left, right, top and bottom), as F.pad(x, (p, p, p, p)) does")

VARIANTS = [
    Variant("you forgot the + 1 in the size: the output is one row and one column short; "
            "H_out = (H + 2*padding - kH) // stride + 1 (or did you pad one side only?)",
            _no_plus_one),
    Variant("you flipped the kernel: that is a true convolution, but PyTorch's conv2d (and "
            "every deep-learning 'convolution') is a cross-correlation: "
            "out[i, j] = sum x[i*s + a, j*s + b] * w[a, b], no flip", _flipped),
    Variant(_ONE_SIDE, _start_only),
    Variant(_ONE_SIDE, _end_only),
    Variant(_ONE_SIDE, _end_double),
    Variant(_ONE_SIDE, _start_double),
    Variant("you padded the width only: F.pad(x, (p, p)) pads just the last dimension; "
            "use F.pad(x, (p, p, p, p)) to pad W and H", _width_only),
    Variant("you forgot the bias: add bias[o] to every position of output channel o",
            _no_bias),
    Variant("you mixed up the weight's channel axes: weight is [C_out, C_in, kH, kW], so "
            "output channel o uses weight[o] over all input channels", _channels_swapped),
]


def _out_size(size: int, k: int, s: int, p: int) -> int:
    return (size + 2 * p - k) // s + 1


def diagnose(case, got, want):
    out = got.get("out")
    expect = want["out"]
    if not isinstance(out, torch.Tensor) or out.dim() != 4 or out.shape == expect.shape:
        return None
    a = case.args
    n, c_in, h, w = a["x"].shape
    c_out, _, kh, kw = a["weight"].shape
    s, p = a["stride"], a["padding"]
    formula = ("the output is [N, C_out, H_out, W_out] with H_out = (H + 2*padding - kH) // "
               "stride + 1 (and the same for W)")
    if tuple(out.shape[:2]) != (n, c_out):
        return f"{formula}; the first two dimensions must be N={n} and C_out={c_out}"
    hw = tuple(out.shape[2:])
    guesses = [
        ((h + 2 * p - kh) // s, (w + 2 * p - kw) // s, "you forgot the + 1 in the size"),
        (math.ceil((h + 2 * p - kh) / s) + 1, math.ceil((w + 2 * p - kw) / s) + 1,
         "use floor division: a window that does not fit entirely is dropped"),
        (_out_size(h, kh, s, 0), _out_size(w, kw, s, 0), "you left the padding out"),
        (_out_size(h, kh, 1, p), _out_size(w, kw, 1, p), "you ignored the stride"),
    ]
    for gh, gw, why in guesses:
        if hw == (gh, gw):
            return f"{why}: {formula}"
    return formula
