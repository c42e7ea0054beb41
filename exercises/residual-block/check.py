"""Checker for `residual-block`: the forward pass of a ResNet basic block with batch norm
in eval mode, against F.conv2d / F.batch_norm in float64. Nothing is banned: the block's
structure is the exercise, convolution and batch norm have katas of their own."""

import math

import torch
import torch.nn.functional as F

from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

# (name, N, C_in, C_out, H, W, stride, projection, eps)
_SHAPES = [
    ("identity shortcut, 4 channels, 6x6", 2, 4, 4, 6, 6, 1, False, 1e-5),
    ("projection: 3 -> 6 channels, stride 1, odd 7x7", 2, 3, 6, 7, 7, 1, True, 1e-5),
    ("downsampling: stride 2, 4 -> 8 channels, 8x8", 2, 4, 8, 8, 8, 2, True, 1e-5),
    ("stride 2 on odd sizes 9x7, 3 -> 5 channels", 3, 3, 5, 9, 7, 2, True, 1e-5),
    ("batch of 1, one channel, identity", 1, 1, 1, 5, 5, 1, False, 1e-5),
    ("1x1 spatial size, identity", 2, 4, 4, 1, 1, 1, False, 1e-5),
    ("projection given although the shapes match: use it", 2, 4, 4, 5, 5, 1, True, 1e-5),
    ("stride 3, 2 -> 4 channels, 10x11", 3, 2, 4, 10, 11, 3, True, 1e-5),
    ("stride 2 from a 2x2 input to 1x1", 2, 3, 6, 2, 2, 2, True, 1e-5),
    ("eps = 0.1 and small running variances (eps goes inside the square root)",
     2, 4, 4, 5, 6, 1, False, 0.1),
    ("eps = 0.1 with a projection, stride 2", 2, 3, 5, 7, 6, 2, True, 0.1),
]


def _bn(c, seed, small_var=False):
    weight = randn(c, seed=seed, scale=0.3, mean=1.0)
    bias = randn(c, seed=seed + 1, scale=0.3)
    mean = randn(c, seed=seed + 2, scale=0.3)
    var = rand(c, seed=seed + 3, low=0.05, high=0.3) if small_var else \
        rand(c, seed=seed + 3, low=0.5, high=2.0)
    return (weight, bias, mean, var)


@also_in(torch.float64)
def cases():
    for i, (name, n, c_in, c_out, h, w, s, proj, eps) in enumerate(_SHAPES):
        seed = 1000 + 20 * i
        small = eps > 1e-3
        x = randn(n, c_in, h, w, seed=seed, scale=1.5)
        w1 = randn(c_out, c_in, 3, 3, seed=seed + 1, scale=1.0 / math.sqrt(9 * c_in))
        w2 = randn(c_out, c_out, 3, 3, seed=seed + 2, scale=1.0 / math.sqrt(9 * c_out))
        args = {"x": x, "conv1_weight": w1, "bn1": _bn(c_out, seed + 3, small),
                "conv2_weight": w2, "bn2": _bn(c_out, seed + 7, small), "stride": s,
                "shortcut_weight": None, "shortcut_bn": None, "eps": eps}
        if proj:
            args["shortcut_weight"] = randn(c_out, c_in, 1, 1, seed=seed + 11,
                                            scale=1.0 / math.sqrt(c_in))
            args["shortcut_bn"] = _bn(c_out, seed + 12, small)
        # float32 error: two 3x3 convolutions of 9·C terms, each scaled by up to
        # weight/sqrt(var + eps) (about 4 with the small variances).
        gain = 4.0 if small else 1.5
        terms = 9 * max(c_in, c_out)
        atol = 2e-7 * math.sqrt(terms) * float(x.abs().max()) * gain * gain * 3
        yield Case(name, args, tol=Tol(atol=max(atol, 1e-6), rtol=1e-5))


def _bn_eval(x, bn, eps, batch_stats=False, eps_outside=False):
    weight, bias, mean, var = bn
    if batch_stats:
        mean = x.mean(dim=(0, 2, 3))
        var = x.var(dim=(0, 2, 3), unbiased=False)
    shape = (1, -1, 1, 1)
    denom = var.sqrt() + eps if eps_outside else (var + eps).sqrt()
    return ((x - mean.view(shape)) / denom.view(shape) * weight.view(shape)
            + bias.view(shape))


def _block(a, relu="after", stride_on=1, project=True, shortcut_bn=True, **bn_kw):
    eps = bn_kw.pop("eps", a["eps"])
    s = a["stride"]

    def bn(t, params):
        return _bn_eval(t, params, eps, **bn_kw)

    out = F.conv2d(a["x"], a["conv1_weight"], stride=s if stride_on == 1 else 1, padding=1)
    out = F.relu(bn(out, a["bn1"]))
    out = F.conv2d(out, a["conv2_weight"], stride=s if stride_on == 2 else 1, padding=1)
    out = bn(out, a["bn2"])
    if a["shortcut_weight"] is None or not project:
        shortcut = a["x"]
    else:
        shortcut = F.conv2d(a["x"], a["shortcut_weight"], stride=s)
        if shortcut_bn:
            shortcut = bn(shortcut, a["shortcut_bn"])
    if relu == "after":
        return F.relu(out + shortcut)
    if relu == "before":
        return F.relu(out) + shortcut
    if relu == "both":
        return F.relu(F.relu(out) + shortcut)
    return out + shortcut  # "none"


def reference(case):
    return _block(case.args)


def _variant(**kw):
    return lambda case: _block(case.args, **kw)


def _stride_on_conv2(case):
    if case.args["stride"] == 1:
        raise ValueError("no stride to misplace")
    return _block(case.args, stride_on=2)


def _identity_shortcut(case):
    a = case.args
    if a["shortcut_weight"] is None or a["x"].shape[1] != a["conv1_weight"].shape[0] \
            or a["stride"] != 1:
        raise ValueError("identity shortcut impossible here")
    return _block(case.args, project=False)


def _default_eps(case):
    if case.args["eps"] == 1e-5:
        raise ValueError("eps is the default here")
    return _block(case.args, eps=1e-5)


VARIANTS = [
    Variant("the ReLU comes after the addition: relu(bn2(conv2(...)) + shortcut); you applied "
            "it to the residual branch before adding the shortcut", _variant(relu="before")),
    Variant("you applied a ReLU to the residual branch before the addition as well: the "
            "second batch norm's output goes into the sum unclipped, and the only ReLU after "
            "it is the one on the sum", _variant(relu="both")),
    Variant("the final ReLU is missing: the block returns relu(residual + shortcut)",
            _variant(relu="none")),
    Variant("the stride belongs to the FIRST 3x3 convolution (and the 1x1 shortcut); the "
            "second 3x3 convolution has stride 1", _stride_on_conv2),
    Variant("when shortcut_weight is given the shortcut is projected, bn(conv1x1(x)), even "
            "if the shapes would allow the identity", _identity_shortcut),
    Variant("the projection shortcut has its own batch norm: shortcut = "
            "bn(conv1x1(x, stride), shortcut_bn); you left it out", _variant(shortcut_bn=False)),
    Variant("batch norm is in eval mode: normalise with the given running_mean and "
            "running_var, not with the batch's own statistics (training=False)",
            _variant(batch_stats=True)),
    Variant("you ignored the eps argument (batch norm used its default 1e-5): pass eps to "
            "every batch norm", _default_eps),
    Variant("eps goes inside the square root: (x − mean) / sqrt(var + eps), not "
            "/ (sqrt(var) + eps)", _variant(eps_outside=True)),
]


def _size(n, k, s, p):
    return (n + 2 * p - k) // s + 1


def diagnose(case, got, want):
    out, ref = got.get("out"), want.get("out")
    if not (isinstance(out, torch.Tensor) and isinstance(ref, torch.Tensor)):
        return None
    if out.shape == ref.shape:
        if not torch.isfinite(out).all():
            return ("the result is not finite: F.batch_norm takes (input, running_mean, "
                    "running_var, weight, bias) but each bn tuple is (weight, bias, "
                    "running_mean, running_var): unpack it by name, not with *params; and "
                    "eps goes inside the square root, added to the running variance")
        return None
    a = case.args
    n, _, h, w = a["x"].shape
    _c_out, s = a["conv1_weight"].shape[0], a["stride"]
    if out.dim() == 4 and tuple(out.shape[2:]) == (_size(_size(h, 3, s, 0), 3, 1, 0),
                                                    _size(_size(w, 3, s, 0), 3, 1, 0)):
        return "both 3x3 convolutions use padding 1, so that only the stride changes the size"
    if out.dim() == 4 and tuple(out.shape[2:]) == (_size(_size(h, 3, s, 1), 3, s, 1),
                                                    _size(_size(w, 3, s, 1), 3, s, 1)):
        return "only the first 3x3 convolution is strided; the second one has stride 1"
    return (f"the block maps [N, C_in, H, W] to [N, C_out, H_out, W_out] = "
            f"{list(ref.shape)}, with H_out = ⌊(H − 1)/stride⌋ + 1")
