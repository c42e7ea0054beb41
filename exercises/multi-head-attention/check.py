"""Checker for `multi-head-attention`.

The reference is written out by hand in float64; it equals
`nn.MultiheadAttention(D, num_heads, bias=False, batch_first=True)` with
`in_proj_weight = cat(w_q.T, w_k.T, w_v.T)`, `out_proj.weight = w_o.T` and
`attn_mask = ~mask` (repeat_interleave'd over the heads for a 3-D mask), which was
verified to 1e-15 when this checker was written.
"""

import math

import torch

from study.kata.presets import ATTENTION
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

BAN = ATTENTION.because(
    "multi-head attention is what this kata asks you to write; build it from matmul, "
    "reshape and softmax"
)

ARGS = ("query", "key", "value", "w_q", "w_k", "w_v", "w_o", "num_heads", "mask")


def _mha(query, key, value, w_q, w_k, w_v, w_o, num_heads, mask=None, *, split="contiguous",
         merge="contiguous", scale=None, mask_mode="ok", axis=-1, transposed=False,
         use_w_o=True):
    """Multi-head attention, with switches for the classic mistakes."""
    B, Tq, D = query.shape
    Tk = key.shape[1]
    H = num_heads
    dh = D // H
    if transposed:
        w_q, w_k, w_v, w_o = w_q.T, w_k.T, w_v.T, w_o.T

    def heads(x, T):
        if split == "interleaved":  # head h takes columns h, h+H, h+2H, ...
            return x.reshape(B, T, dh, H).permute(0, 3, 1, 2)
        return x.reshape(B, T, H, dh).transpose(1, 2)

    q, k, v = heads(query @ w_q, Tq), heads(key @ w_k, Tk), heads(value @ w_v, Tk)
    scores = q @ k.transpose(-2, -1) * (1 / math.sqrt(dh) if scale is None else scale)
    if mask is not None and mask_mode != "ignored":
        m = mask
        if m.dim() == 3:
            if mask_mode == "repeat":  # [B*H] rows in b-major order got mask[n % B]
                idx = torch.arange(B * H).reshape(B, H) % B
                m = mask[idx]  # [B, H, Tq, Tk]
            else:
                m = m.unsqueeze(1)
        if mask_mode == "inverted":
            m = ~m
        scores = scores.masked_fill(~m, float("-inf"))
    weights = torch.softmax(scores, dim=axis)
    out = weights @ v  # [B, H, Tq, dh]
    if merge == "interleaved":
        out = out.permute(0, 2, 3, 1).reshape(B, Tq, D)
    elif merge == "no-transpose":
        out = out.reshape(B, Tq, D)
    else:
        out = out.transpose(1, 2).reshape(B, Tq, D)
    return out @ w_o if use_w_o else out


def _case(name, B, Tq, Tk, D, H, *, seed, mask=None, self_attention=False, scale=1.0):
    query = randn(B, Tq, D, seed=seed, scale=scale)
    if self_attention:
        key, value = query.clone(), query.clone()
    else:
        key = randn(B, Tk, D, seed=seed + 1, scale=scale)
        value = randn(B, Tk, D, seed=seed + 2)
    ws = [randn(D, D, seed=seed + 3 + i, scale=1 / math.sqrt(D)) for i in range(4)]
    args = dict(zip(ARGS, (query, key, value, *ws, H, mask), strict=True))
    # Tolerance: float32 score error grows with the largest score S; the output is
    # about as large as M; projections add sqrt-ish error in D.
    a64 = {n: (t.double() if isinstance(t, torch.Tensor) and t.is_floating_point() else t)
           for n, t in args.items()}
    q = (a64["query"] @ a64["w_q"]).reshape(B, Tq, H, D // H).transpose(1, 2)
    k = (a64["key"] @ a64["w_k"]).reshape(B, Tk, H, D // H).transpose(1, 2)
    s = (q @ k.transpose(-2, -1)).abs().max().item() / math.sqrt(D // H)
    m = max(1.0, _mha(**a64).abs().max().item())
    atol = (2e-6 + 2e-7 * s) * m * D ** 0.25
    return Case(name, args, tol=Tol(atol=atol, rtol=1e-5))


def _random_mask(*shape, seed, p=0.5):
    m = rand(*shape, seed=seed) < p
    keep = torch.randint(0, shape[-1], shape[:-1], generator=torch.Generator().manual_seed(seed))
    return m | torch.nn.functional.one_hot(keep, shape[-1]).bool()


@also_in(torch.float64)
def cases():
    yield _case("one token, one head", 1, 1, 1, 4, 1, seed=1)
    yield _case("self-attention, 3 heads", 2, 5, 5, 12, 3, seed=10, self_attention=True)
    yield _case("a single head (num_heads = 1)", 2, 6, 6, 8, 1, seed=20)
    yield _case("num_heads = D (dh = 1)", 2, 4, 4, 6, 6, seed=30, self_attention=True)
    yield _case("cross-attention, Tq != Tk, key != value", 2, 4, 9, 16, 4, seed=40)
    yield _case("causal mask [T, T], 5 heads of 4", 3, 7, 7, 20, 5, seed=50,
                self_attention=True, mask=torch.ones(7, 7, dtype=torch.bool).tril())
    lengths = torch.tensor([3, 8, 5])
    padding = (torch.arange(8) < lengths[:, None])[:, None, :].expand(3, 5, 8).clone()
    yield _case("key-padding mask [B, Tq, Tk], cross-attention", 3, 5, 8, 12, 2, seed=60,
                mask=padding)
    yield _case("random mask [B, Tq, Tk], odd sizes (D = 15, 5 heads)", 2, 7, 11, 15, 5,
                seed=70, mask=_random_mask(2, 7, 11, seed=71))
    yield _case("mask [Tq, Tk] in cross-attention", 2, 3, 10, 8, 2, seed=80,
                mask=_random_mask(3, 10, seed=81))
    yield _case("larger: B = 2, T = 17, D = 64, 8 heads", 2, 17, 17, 64, 8, seed=90)
    yield _case("large inputs (scores up to ~100)", 2, 6, 9, 16, 2, seed=100, scale=6.0,
                mask=_random_mask(2, 6, 9, seed=101, p=0.7))


def reference(case):
    return _mha(**case.args)


def _variant(**how):
    def compute(case):
        out = _mha(**case.args, **how)
        if torch.isnan(out).float().mean() > 0.25:  # NaN entries match anything
            raise ValueError("mostly undefined")
        return out
    return compute


def _no_scale(case):
    if case.args["w_q"].shape[0] // case.args["num_heads"] == 1:
        raise ValueError("same as the reference when dh = 1")
    return _mha(**case.args, scale=1.0)


def _sqrt_d_model(case):
    if case.args["num_heads"] == 1:
        raise ValueError("same as the reference with one head")
    return _mha(**case.args, scale=1 / math.sqrt(case.args["w_q"].shape[0]))


VARIANTS = [
    Variant("head h must take the contiguous columns h·dh:(h+1)·dh of each projection; you "
            "took interleaved columns (reshape to [B, T, num_heads, dh], not [B, T, dh, "
            "num_heads])", _variant(split="interleaved", merge="interleaved")),
    Variant("you reshaped the heads [B, H, Tq, dh] straight to [B, Tq, D]: transpose them to "
            "[B, Tq, H, dh] first so each token's heads are concatenated",
            _variant(merge="no-transpose")),
    Variant("you forgot the output projection: multiply the concatenated heads by w_o",
            _variant(use_w_o=False)),
    Variant("the weights are stored [D_in, D_out]: project with x @ w, not x @ w.T (that is "
            "nn.Linear's [D_out, D_in] layout)", _variant(transposed=True)),
    Variant("you scaled by 1/sqrt(D); each head's scores are scaled by 1/sqrt(dh), "
            "dh = D / num_heads", _sqrt_d_model),
    Variant("you did not scale the scores: divide each head's q·kᵀ by sqrt(dh)", _no_scale),
    Variant("the mask is inverted: True means the query MAY attend, so fill the scores where "
            "the mask is False with -inf", _variant(mask_mode="inverted")),
    Variant("you ignored the mask: scores where it is False must become -inf before the "
            "softmax", _variant(mask_mode="ignored")),
    Variant("the [B, Tq, Tk] mask reached the wrong batch rows: with heads flattened as "
            "b·H + h, expand it with repeat_interleave(num_heads, 0), not repeat (or "
            "unsqueeze(1) with [B, H, Tq, Tk] scores)", _variant(mask_mode="repeat")),
    Variant("you took the softmax over the queries (dim=-2); each query's weights must sum "
            "to 1 over the keys", _variant(axis=-2)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and not torch.isfinite(
            out).all():
        return ("a query row ended up with every score at -inf (NaN after the softmax): fill "
                "-inf only where the mask is False (~mask); True means may attend")
    return None
