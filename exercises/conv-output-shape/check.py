"""Checker for `conv-output-shape`.

The reference runs torch.nn.functional.conv2d on `meta` tensors (no data, shapes only)
and reads off the output size; a size PyTorch refuses is expected to raise ValueError.
"""


import torch
import torch.nn.functional as F

from study.kata.presets import CONV_FAMILY, POOL_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant

BAN = Ban(
    functions=(
        "torch.conv1d", "torch.conv2d", "torch.conv3d", "torch.convolution",
        "torch._convolution", "torch.nn.functional.conv1d", "torch.nn.functional.conv2d",
        "torch.nn.functional.conv3d", "torch.nn.functional.max_pool2d",
        "torch.nn.functional.avg_pool2d", "torch.max_pool2d", "torch.avg_pool2d",
    ),
    # every convolution and pooling kernel, in any namespace, on any device (meta too)
    families=(CONV_FAMILY, POOL_FAMILY,),
    reason="compute the output size with integer arithmetic, not by running a convolution "
           "or a pooling op",
)

# (name, input_size, kernel_size, stride, padding, dilation)
_CASES = [
    ("3x3 kernel, defaults", (8, 8), 3, 1, 0, 1),
    ("'same' padding: 3x3 kernel, padding 1", (7, 7), 3, 1, 1, 1),
    ("stride 2 that divides evenly", (9, 9), 3, 2, 1, 1),
    ("stride 2 that does not divide: floor", (10, 10), 3, 2, 0, 1),
    ("stride 3 that does not divide, padding 2", (10, 11), (3, 2), 3, 2, 1),
    ("non-square kernel (2, 5)", (7, 9), (2, 5), 1, 0, 1),
    ("non-square input, per-dimension stride and padding", (13, 6), (5, 3), (2, 1), (2, 0), 1),
    ("1x1 kernel", (5, 4), 1, 1, 0, 1),
    ("1x1 kernel, stride 2, padding 1", (6, 5), 1, 2, 1, 1),
    ("1x1 input, 1x1 kernel", (1, 1), 1, 1, 0, 1),
    ("1x1 input, 3x3 kernel, padding 1", (1, 1), 3, 1, 1, 1),
    ("kernel exactly the padded input", (5, 5), 7, 1, 1, 1),
    ("dilation 2 (3x3 kernel spans 5)", (9, 9), 3, 1, 0, 2),
    ("dilation 2, padding 2, stride 2", (16, 15), 3, 2, 2, 2),
    ("per-dimension dilation (1, 3)", (12, 12), 3, 1, 1, (1, 3)),
    ("ResNet stem: 7x7, stride 2, padding 3 on 224", (224, 224), 7, 2, 3, 1),
    ("stride larger than the kernel", (11, 7), 2, 5, 0, 1),
    ("large padding (3) around a 3x3 input", (3, 3), 3, 1, 3, 1),
    ("tall input with a wide kernel", (20, 4), (1, 4), (3, 2), 0, 1),
    ("kernel larger than the input: ValueError", (4, 6), 5, 1, 0, 1),
    ("dilated kernel larger than the padded input: ValueError", (6, 6), 3, 1, 0, 4),
    ("only W too small: ValueError", (9, 2), (3, 3), 1, 0, 1),
]


def cases():
    for name, size, k, s, p, d in _CASES:
        args = {"input_size": size, "kernel_size": k, "stride": s, "padding": p,
                "dilation": d}
        yield Case(name, args, tol=Tol(atol=0.0, rtol=0.0))


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def reference(case):
    a = case.args
    kh, kw = _pair(a["kernel_size"])
    x = torch.empty(1, 1, *a["input_size"], device="meta")
    w = torch.empty(1, 1, kh, kw, device="meta")
    try:
        y = F.conv2d(x, w, stride=a["stride"], padding=a["padding"], dilation=a["dilation"])
    except RuntimeError:
        return "ValueError"
    return torch.tensor(tuple(y.shape[-2:]), dtype=torch.int64)


def _formula(case, *, span=lambda k, d: d * (k - 1) + 1, pad=lambda p: 2 * p,
             ceil=False, plus_one=True, swap=False):
    a = case.args
    out = []
    for size, k, s, p, d in zip(a["input_size"], _pair(a["kernel_size"]), _pair(a["stride"]),
                                _pair(a["padding"]), _pair(a["dilation"]), strict=True):
        num = size + pad(p) - span(k, d)
        if num < 0:
            raise ValueError("not a valid size")
        q = -(-num // s) if ceil else num // s
        out.append(q + 1 if plus_one else q)
    if swap:
        out = out[::-1]
    return torch.tensor(out, dtype=torch.int64)


VARIANTS = [
    Variant("you ignored dilation: a kernel of size k with dilation d spans d·(k − 1) + 1 "
            "input positions, not k", lambda c: _formula(c, span=lambda k, d: k)),
    Variant("a dilated kernel spans d·(k − 1) + 1 positions, not d·k",
            lambda c: _formula(c, span=lambda k, d: d * k)),
    Variant("padding is added on both sides: the padded length is H + 2·padding, not "
            "H + padding", lambda c: _formula(c, pad=lambda p: p)),
    Variant("a window that does not fit is dropped: floor the division (//), do not round "
            "up", lambda c: _formula(c, ceil=True)),
    Variant("you forgot the + 1: (H + 2p − span) // s counts the steps between windows; "
            "the number of windows is one more", lambda c: _formula(c, plus_one=False)),
    Variant("the H and W results are swapped: the first entry of every pair is for H",
            lambda c: _formula(c, swap=True)),
]


def diagnose(case, got, want):
    if want.get("out") == "ValueError" and got.get("out") != "ValueError":
        return ("the dilated kernel does not fit in the padded input here: raise ValueError "
                "when H + 2·padding < dilation·(kernel − 1) + 1 (in either dimension)")
    if got.get("out") == "ValueError" and want.get("out") != "ValueError":
        return ("you raised ValueError, but the kernel fits here: raise it only when "
                "H + 2·padding < dilation·(kernel − 1) + 1")
    return None
