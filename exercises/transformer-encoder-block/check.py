"""Checker for `transformer-encoder-block`.

The reference is written out by hand in float64 (`_layer`); it equals
`nn.TransformerEncoderLayer(D, num_heads, F, dropout=0.0, activation=..., eps=...,
batch_first=True, norm_first=...)` in training mode with the case's weights loaded into
`self_attn.in_proj_weight/bias`, `self_attn.out_proj`, `linear1`, `linear2`, `norm1`,
`norm2` and `src_key_padding_mask=key_padding_mask`, which was verified to 1e-14 when
this checker was written.
"""

import math

import torch

from study.kata.presets import ATTENTION, NORM_LAYER_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, randn

_LAYER_NORM = Ban(
    functions=(
        "torch.nn.functional.layer_norm", "torch.layer_norm", "torch.native_layer_norm",
        "torch.nn.LayerNorm", "torch.nn.functional.group_norm", "torch.group_norm",
        "torch.native_group_norm", "torch.nn.TransformerEncoderLayer",
        "torch.nn.TransformerEncoder", "torch.nn.Transformer",
    ),
    aten=("aten::layer_norm", "aten::native_layer_norm", "aten::group_norm",
          "aten::native_group_norm"),
    modules=("torch.nn.modules.transformer",),
    families=(NORM_LAYER_FAMILY,),
)

BAN = (ATTENTION + _LAYER_NORM).because(
    "the encoder layer is what this kata asks you to write: build the attention "
    "and the layer norms from matmul, softmax, mean and var"
)

ARGS = ("x", "in_proj_weight", "in_proj_bias", "out_proj_weight", "out_proj_bias",
        "linear1_weight", "linear1_bias", "linear2_weight", "linear2_bias", "norm1_weight",
        "norm1_bias", "norm2_weight", "norm2_bias", "num_heads", "key_padding_mask",
        "norm_first", "activation", "eps")


def _ln(x, w, b, eps, on=True, eps_outside=False, unbiased=False):
    if not on:
        return x
    mu = x.mean(-1, keepdim=True)
    var = x.var(-1, unbiased=unbiased, keepdim=True)
    if eps_outside:
        return (x - mu) / (torch.sqrt(var) + eps) * w + b
    return (x - mu) / torch.sqrt(var + eps) * w + b


def _layer(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias, linear1_weight,
           linear1_bias, linear2_weight, linear2_bias, norm1_weight, norm1_bias, norm2_weight,
           norm2_bias, num_heads, key_padding_mask=None, norm_first=False, activation="relu",
           eps=1e-5, *, scale="dh", split="contiguous", mask_mode="ok", attn_residual=True,
           ffn_residual=True, act=None, final_norm=False, eps_outside=False, unbiased=False):
    """One encoder layer, with switches for the classic mistakes."""
    B, T, D = x.shape
    H = num_heads
    dh = D // H

    def heads(z):
        if split == "interleaved":
            return z.reshape(B, T, dh, H).permute(0, 3, 1, 2)
        return z.reshape(B, T, H, dh).transpose(1, 2)

    def attention(z):
        q, k, v = (z @ in_proj_weight.T + in_proj_bias).chunk(3, dim=-1)
        q, k, v = heads(q), heads(k), heads(v)
        s = {"dh": 1 / math.sqrt(dh), "none": 1.0, "D": 1 / math.sqrt(D)}[scale]
        scores = q @ k.transpose(-2, -1) * s  # [B, H, T, T]
        if key_padding_mask is not None and mask_mode != "ignored":
            pad = key_padding_mask if mask_mode == "ok" else ~key_padding_mask
            scores = scores.masked_fill(pad[:, None, None, :], float("-inf"))
        o = torch.softmax(scores, dim=-1) @ v
        if split == "interleaved":
            o = o.permute(0, 2, 3, 1).reshape(B, T, D)
        else:
            o = o.transpose(1, 2).reshape(B, T, D)
        return o @ out_proj_weight.T + out_proj_bias

    def ffn(z):
        h = z @ linear1_weight.T + linear1_bias
        a = act or activation
        if a == "relu":
            h = torch.relu(h)
        else:  # "gelu_tanh" is only the known mistake, never a case's activation
            h = torch.nn.functional.gelu(h, approximate="tanh" if a == "gelu_tanh" else "none")
        return h @ linear2_weight.T + linear2_bias

    n1 = lambda z: _ln(z, norm1_weight, norm1_bias, eps, eps_outside=eps_outside,  # noqa: E731
                       unbiased=unbiased)
    n2 = lambda z: _ln(z, norm2_weight, norm2_bias, eps, eps_outside=eps_outside,  # noqa: E731
                       unbiased=unbiased)
    ra = 1.0 if attn_residual else 0.0
    rf = 1.0 if ffn_residual else 0.0
    if norm_first:
        x = ra * x + attention(n1(x))
        x = rf * x + ffn(n2(x))
        if final_norm:
            x = _ln(x, norm2_weight, norm2_bias, eps)
    else:
        x = n1(ra * x + attention(x))
        x = n2(rf * x + ffn(x))
    return x


def _case(name, B, T, D, H, F, *, seed, norm_first=False, activation="relu", lengths=None,
          scale=1.0, eps=1e-5):
    g = seed
    x = randn(B, T, D, seed=g, scale=scale)
    ws = {
        "in_proj_weight": randn(3 * D, D, seed=g + 1, scale=1 / math.sqrt(D)),
        "in_proj_bias": randn(3 * D, seed=g + 2, scale=0.1),
        "out_proj_weight": randn(D, D, seed=g + 3, scale=1 / math.sqrt(D)),
        "out_proj_bias": randn(D, seed=g + 4, scale=0.1),
        "linear1_weight": randn(F, D, seed=g + 5, scale=1 / math.sqrt(D)),
        "linear1_bias": randn(F, seed=g + 6, scale=0.1),
        "linear2_weight": randn(D, F, seed=g + 7, scale=1 / math.sqrt(F)),
        "linear2_bias": randn(D, seed=g + 8, scale=0.1),
        "norm1_weight": randn(D, seed=g + 9, scale=0.3, mean=1.0),
        "norm1_bias": randn(D, seed=g + 10, scale=0.3),
        "norm2_weight": randn(D, seed=g + 11, scale=0.3, mean=1.0),
        "norm2_bias": randn(D, seed=g + 12, scale=0.3),
    }
    mask = None
    if lengths is not None:
        mask = torch.arange(T)[None, :] >= torch.tensor(lengths)[:, None]  # True = padding
    args = dict(zip(ARGS, (x, *ws.values(), H, mask, norm_first, activation, eps),
                    strict=True))
    a64 = {n: (t.double() if isinstance(t, torch.Tensor) and t.is_floating_point() else t)
           for n, t in args.items()}
    m = max(1.0, float(_layer(**a64).abs().max()))
    atol = 4e-6 * m * max(1.0, scale) * D ** 0.25
    return Case(name, args, tol=Tol(atol=atol, rtol=1e-5))


def cases():
    yield _case("one token, one head, D=4", 1, 1, 4, 1, 8, seed=1)
    yield _case("post-LN, ReLU, B=2, T=5, D=12, 3 heads", 2, 5, 12, 3, 24, seed=10)
    yield _case("pre-LN (norm_first), ReLU", 2, 6, 8, 2, 16, seed=20, norm_first=True)
    yield _case("post-LN, GELU, odd sizes (D=15, 5 heads, F=7)", 3, 7, 15, 5, 7, seed=30,
                activation="gelu")
    yield _case("pre-LN, GELU, key padding (lengths 6, 2, 4)", 3, 6, 16, 4, 32, seed=40,
                norm_first=True, activation="gelu", lengths=[6, 2, 4])
    yield _case("post-LN, key padding (lengths 3, 9), dh = 1", 2, 9, 6, 6, 12, seed=50,
                lengths=[3, 9])
    yield _case("post-LN, one sequence of length 1 among padding", 2, 5, 8, 2, 16, seed=60,
                lengths=[1, 5])
    yield _case("larger: B=2, T=17, D=64, 8 heads, F=128, pre-LN", 2, 17, 64, 8, 128,
                seed=70, norm_first=True)
    yield _case("large inputs (x scale 5), post-LN, eps=1e-6", 2, 6, 16, 2, 20, seed=80,
                scale=5.0, eps=1e-6, lengths=[6, 4])
    yield _case("large eps (0.1), post-LN: eps goes inside the sqrt", 2, 5, 8, 2, 16,
                seed=90, eps=0.1)


def reference(case):
    return _layer(**case.args)


def _variant(need=None, **how):
    def compute(case):
        if need is not None and not need(case.args):
            raise ValueError("not distinguishable here")
        out = _layer(**case.args, **how)
        if torch.isnan(out).float().mean() > 0.6:
            raise ValueError("mostly undefined")
        return out
    return compute


def _flip_norm(case):
    a = dict(case.args)
    a["norm_first"] = not a["norm_first"]
    return _layer(**a)


def _has_mask(a):
    return a["key_padding_mask"] is not None and bool(a["key_padding_mask"].any())


VARIANTS = [
    Variant("layer norm divides by sqrt(var + eps), not std + eps: eps goes inside the "
            "square root", _variant(lambda a: a["eps"] >= 1e-3, eps_outside=True)),
    Variant("layer norm uses the biased variance (divide by D, unbiased=False); you divided "
            "by D-1 (torch.var's default)",
            _variant(lambda a: a["x"].shape[-1] > 1, unbiased=True)),
    Variant("the GELU is wrong: activation='gelu' means the exact erf GELU, not "
            "approximate='tanh'",
            _variant(lambda a: a["activation"] == "gelu", act="gelu_tanh")),
    Variant("you did not scale the scores: divide each head's q·kᵀ by sqrt(dh), "
            "dh = D / num_heads", _variant(lambda a: a["x"].shape[-1] // a["num_heads"] > 1,
                                           scale="none")),
    Variant("you scaled by 1/sqrt(D); each head's scores are scaled by 1/sqrt(dh), "
            "dh = D / num_heads", _variant(lambda a: a["num_heads"] > 1, scale="D")),
    Variant("layer norm in the wrong place: norm_first=False is post-LN, "
            "x = norm(x + sublayer(x)); norm_first=True is pre-LN, x = x + sublayer(norm(x))",
            _flip_norm),
    Variant("the attention sub-layer lost its residual connection: add its input back "
            "(x + attention(...))", _variant(attn_residual=False)),
    Variant("the feed-forward sub-layer lost its residual connection: add its input back "
            "(x + ffn(...))", _variant(ffn_residual=False)),
    Variant("head h must take the contiguous columns h·dh:(h+1)·dh of q, k and v; you took "
            "interleaved columns (reshape to [B, T, num_heads, dh])",
            _variant(lambda a: 1 < a["num_heads"] < a["x"].shape[-1], split="interleaved")),
    Variant("the key padding mask is inverted: True marks PADDING, so those keys' scores "
            "become -inf", _variant(_has_mask, mask_mode="inverted")),
    Variant("you ignored key_padding_mask: padded keys (True) must get score -inf before "
            "the softmax", _variant(_has_mask, mask_mode="ignored")),
    Variant("the activation is wrong: use ReLU for activation='relu' and the exact (erf) "
            "GELU for 'gelu'", lambda c: _layer(**c.args, act="gelu" if c.args["activation"]
                                                 == "relu" else "relu")),
    Variant("a pre-LN layer (norm_first=True) has no final layer norm: return "
            "x + ffn(norm2(x)) as is", _variant(lambda a: a["norm_first"], final_norm=True)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and not torch.isfinite(
            out).all():
        return ("NaN in the output: a row whose keys are all masked gives NaN after the "
                "softmax; mask only where key_padding_mask is True")
    return None
