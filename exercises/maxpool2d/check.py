"""Checker for `maxpool2d`: values and gradients against F.max_pool2d in float64."""

import torch
import torch.nn.functional as F

from study.kata.presets import MAX_POOL_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, rand, randn, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_out_size, _stride = _drive._out_size, _drive._stride

BAN = Ban(
    functions=(
        "torch.max_pool1d", "torch.max_pool2d", "torch.max_pool3d",
        "torch.max_pool1d_with_indices", "torch.mkldnn_max_pool2d",
        "torch.quantized_max_pool2d", "torch.adaptive_max_pool1d",
        "torch.nn.functional.max_pool1d", "torch.nn.functional.max_pool2d",
        "torch.nn.functional.max_pool3d", "torch.nn.functional.max_pool1d_with_indices",
        "torch.nn.functional.max_pool2d_with_indices",
        "torch.nn.functional.max_pool3d_with_indices",
        "torch.nn.functional.adaptive_max_pool1d", "torch.nn.functional.adaptive_max_pool2d",
        "torch.nn.functional.adaptive_max_pool3d",
        "torch.nn.functional.fractional_max_pool2d",
        "torch.nn.functional.fractional_max_pool3d",
        "torch.nn.functional.max_unpool2d",
    ),
    # every max-pooling kernel in any namespace (aten, mkldnn, quantized, adaptive,
    # fractional, the *_with_indices forms and their backwards)
    families=(MAX_POOL_FAMILY,),
    reason="max pooling is what this kata asks you to write; build it from F.pad, "
           "Tensor.unfold (or F.unfold / slicing) and amax",
)

# (name, N, C, H, W, kernel_size, stride, padding, all negative)
_SHAPES = [
    ("2x2 windows, stride defaults to the kernel", 2, 3, 8, 8, 2, None, 0, False),
    ("3x3, stride 2, padding 1 (ResNet stem)", 2, 4, 9, 9, 3, 2, 1, False),
    ("overlapping 3x3 windows, stride 1", 1, 2, 6, 7, 3, 1, 0, False),
    ("stride=None with odd sizes: the last row/column is dropped", 3, 2, 7, 9, 2, None, 0,
     False),
    ("3x3, stride 2 that does not divide, odd sizes", 2, 3, 10, 11, 3, 2, 0, False),
    ("all values negative, padding 1: pad with -inf, not 0", 2, 3, 6, 6, 3, 1, 1, True),
    ("all values negative, 2x2, stride 2, padding 1", 1, 4, 5, 7, 2, 2, 1, True),
    ("kernel 1 is the identity (stride 1)", 2, 3, 4, 5, 1, 1, 0, False),
    ("kernel 1, stride 2 subsamples", 2, 2, 5, 6, 1, 2, 0, False),
    ("1x1 input with kernel 1", 1, 1, 1, 1, 1, None, 0, False),
    ("global pooling: kernel = input size", 3, 5, 4, 4, 4, None, 0, False),
    ("5x5, stride 2, padding 2, single channel", 1, 1, 11, 8, 5, 2, 2, False),
    ("batch of 6, 2x2, stride 1, padding 1", 6, 2, 5, 5, 2, 1, 1, False),
    ("stride larger than the kernel", 2, 3, 11, 9, 2, 3, 0, False),
    ("large values (±1e4)", 2, 2, 8, 6, 3, 2, 1, False),
    ("all values negative and large (down to -1e4), padding 2", 2, 2, 7, 6, 5, 2, 2, True),
]


def cases():
    for i, (name, n, c, h, w, k, s, p, negative) in enumerate(_SHAPES):
        if negative:
            low, high = (1e3, 1e4) if "1e4" in name else (1.0, 5.0)
            x = -rand(n, c, h, w, seed=400 + i, low=low, high=high)
        else:
            x = randn(n, c, h, w, seed=400 + i, scale=1e4 if "±1e4" in name else 1.0)
        scale = float(x.abs().max())
        yield Case(name, {"x": x, "kernel_size": k, "stride": s, "padding": p},
                   tol=Tol(atol=1e-6 * scale, rtol=1e-6), grad=("x",))


def reference(case):
    a = case.args
    return F.max_pool2d(a["x"], a["kernel_size"], _stride(a), a["padding"])


def _zero_pad(case):
    a = case.args
    if not a["padding"]:
        raise ValueError("no padding")
    p = a["padding"]
    return F.max_pool2d(F.pad(a["x"], (p, p, p, p)), a["kernel_size"], _stride(a), 0)


def _stride_one(case):
    a = case.args
    if a["stride"] is not None:
        raise ValueError("stride given")
    return F.max_pool2d(a["x"], a["kernel_size"], 1, a["padding"])


def _average(case):
    a = case.args
    return F.avg_pool2d(a["x"], a["kernel_size"], _stride(a), a["padding"])


def _min(case):
    a = case.args
    return -F.max_pool2d(-a["x"], a["kernel_size"], _stride(a), a["padding"])


VARIANTS = [
    Variant("you padded with zeros: pad with -inf (F.pad(..., value=float('-inf'))) so that a "
            "padded position never wins the max, even when every value is negative",
            _zero_pad),
    Variant("stride=None means stride = kernel_size (non-overlapping windows), not 1",
            _stride_one),
    Variant("that is average pooling: take the max of each window, not the mean", _average),
    Variant("that is the minimum of each window: take the max", _min),
]


def diagnose(case, got, want):
    out, ref = got.get("out"), want.get("out")
    if not (isinstance(out, torch.Tensor) and isinstance(ref, torch.Tensor)):
        return None
    a = case.args
    n, c, h, w = a["x"].shape
    k, s, p = a["kernel_size"], _stride(a), a["padding"]
    shape = tuple(out.shape)
    if shape == tuple(ref.shape):
        return None
    if p and shape == (n, c, _out_size(h, k, s, 0), _out_size(w, k, s, 0)):
        return "you ignored padding: pad every side of H and W by `padding` (with -inf)"
    if p and shape == (n, c, _out_size(h, k, s, 0) + (p // s if s else 0),
                       _out_size(w, k, s, 0) + (p // s if s else 0)):
        return "padding goes on both sides of H and of W: F.pad(x, (p, p, p, p), value=-inf)"
    if a["stride"] is None and shape == (n, c, _out_size(h, k, 1, p), _out_size(w, k, 1, p)):
        return "stride=None means stride = kernel_size (non-overlapping windows), not 1"
    if shape == (n, c, _out_size(h, k, s, p, ceil=True), _out_size(w, k, s, p, ceil=True)):
        return ("a window that does not fit entirely is dropped: H_out = "
                "floor((H + 2p − k)/s) + 1 (no ceil_mode)")
    return None
