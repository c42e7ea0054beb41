"""Checker for `kv-cache-attention`.

Each case decodes a stream of new tokens `x[B, T, D]` chunk by chunk (a custom `drive`):
the chunk sizes are in `case.extra["chunks"]` (a prefill of several tokens, then single
tokens, then a chunk of several again, ...), every call gets the caches the previous call
returned, and the outputs of all calls are concatenated along time. The drive checks after
every call that each cache grew by exactly the chunk's tokens.

The reference is written out in float64: new token i of a chunk sits at position
T_past + i and attends to every cached position and to the new positions <= its own.
When the initial cache holds the projected keys / values of a prefix, this equals
`nn.MultiheadAttention(D, H, bias=False, batch_first=True)` (in_proj_weight =
cat(w_q.T, w_k.T, w_v.T), out_proj.weight = w_o.T) run over prefix + x with a causal
mask, at the positions of x; that was verified when this checker was written (to 1e-15
with an empty initial cache, to 1e-6 with a cache, which is stored rounded to float32).
"""

import math

import torch

from study.kata.presets import ATTENTION
from study.kata.toolkit import Case, Tol, Variant, randn

BAN = ATTENTION.because(
    "attention over the cache is what this kata asks you to write; build it from matmul, "
    "cat and softmax"
)

ARGS = ("x", "w_q", "w_k", "w_v", "w_o", "num_heads", "k_cache", "v_cache")


def _decode(case, *, scale=None, split="contiguous", transposed=False, use_w_o=True,
            mask="causal", order="append"):
    """Chunk-by-chunk decoding in float64, with switches for the classic mistakes."""
    a = case.args
    x, H = a["x"], a["num_heads"]
    w_q, w_k, w_v, w_o = a["w_q"], a["w_k"], a["w_v"], a["w_o"]
    if transposed:
        w_q, w_k, w_v, w_o = w_q.T, w_k.T, w_v.T, w_o.T
    B, _, D = x.shape
    dh = D // H

    def heads(t):
        n = t.shape[1]
        if split == "interleaved":
            return t.reshape(B, n, dh, H).permute(0, 3, 1, 2)
        return t.reshape(B, n, H, dh).transpose(1, 2)

    k_cache, v_cache = a["k_cache"], a["v_cache"]
    outs, start = [], 0
    for n in case.extra["chunks"]:
        xt = x[:, start:start + n]
        start += n
        q, k, v = heads(xt @ w_q), heads(xt @ w_k), heads(xt @ w_v)
        t_past = k_cache.shape[2]
        if order == "prepend":
            keys, values = torch.cat((k, k_cache), 2), torch.cat((v, v_cache), 2)
        else:
            keys, values = torch.cat((k_cache, k), 2), torch.cat((v_cache, v), 2)
        i = torch.arange(n)[:, None] + t_past  # global positions of the new queries
        j = torch.arange(t_past + n)[None, :]
        if mask == "none":
            allowed = j >= 0
        elif mask == "top-left":  # tril() of [n, T_past + n]: query i sees keys j <= i
            allowed = j <= i - t_past
        elif mask == "strict":
            allowed = j < i
        elif mask == "ignore-cache":  # attends to the new tokens only
            allowed = (j <= i) & (j >= t_past)
        else:
            allowed = j <= i
        s = q @ keys.transpose(-2, -1) * (1 / math.sqrt(dh) if scale is None else scale)
        s = s.masked_fill(~allowed, float("-inf"))
        o = torch.softmax(s, -1) @ values
        if split == "interleaved":
            o = o.permute(0, 2, 3, 1).reshape(B, n, D)
        else:
            o = o.transpose(1, 2).reshape(B, n, D)
        outs.append(o @ w_o if use_w_o else o)
        k_cache, v_cache = keys, values
    out = torch.cat(outs, 1)
    if torch.isnan(out).float().mean() > 0.25:  # a variant that is mostly NaN matches nothing
        raise ValueError("mostly undefined")
    return out, k_cache, v_cache


def reference(case):
    return _decode(case)


def _case(name, B, D, H, chunks, *, seed, t_past=0, scale=1.0):
    T = sum(chunks)
    dh = D // H
    ws = [randn(D, D, seed=seed + i, scale=1 / math.sqrt(D)) for i in range(4)]
    x = randn(B, T, D, seed=seed + 4, scale=scale)
    # The initial cache: the projected keys / values of a prefix of t_past tokens.
    prefix = randn(B, t_past, D, seed=seed + 5, scale=scale).double()
    k_cache = (prefix @ ws[1].double()).reshape(B, t_past, H, dh).transpose(1, 2)
    v_cache = (prefix @ ws[2].double()).reshape(B, t_past, H, dh).transpose(1, 2)
    args = dict(zip(ARGS, (x, *ws, H, k_cache.float().contiguous(),
                           v_cache.float().contiguous()), strict=True))
    case = Case(name, args, extra={"chunks": list(chunks), "prefix": prefix})
    # Tolerance as in multi-head-attention: float32 score error grows with the largest
    # score S, the output is about as large as M, the projections add error in D.
    a64 = {k: (v.double() if isinstance(v, torch.Tensor) else v) for k, v in args.items()}
    c64 = Case(name, a64, extra=case.extra)
    q = (a64["x"] @ a64["w_q"]).reshape(B, T, H, dh).transpose(1, 2)
    keys = torch.cat((a64["k_cache"], (a64["x"] @ a64["w_k"]).reshape(B, T, H, dh)
                      .transpose(1, 2)), 2)
    s = (q @ keys.transpose(-2, -1)).abs().max().item() / math.sqrt(dh)
    m = max(1.0, _decode(c64)[0].abs().max().item(), a64["v_cache"].abs().max().item()
            if t_past else 1.0)
    case.tol = Tol(atol=(2e-6 + 2e-7 * s) * m * D ** 0.25, rtol=1e-5)
    return case


def cases():
    yield _case("one token into an empty cache (T_past = 0), one head", 1, 4, 1, [1], seed=1)
    yield _case("token by token from an empty cache, 6 steps", 2, 12, 3, [1] * 6, seed=10)
    yield _case("prefill 5 tokens at once into an empty cache", 2, 8, 2, [5], seed=20)
    yield _case("prefill 4, then 3 single tokens", 2, 16, 4, [4, 1, 1, 1], seed=30)
    yield _case("a cache of 7 earlier tokens, then 1 + 1 + 3 + 1 + 2 new tokens", 3, 20, 5,
                [1, 1, 3, 1, 2], seed=40, t_past=7)
    yield _case("several new tokens after a long cache (T_past = 13): 4 then 4", 1, 12, 2,
                [4, 4], seed=50, t_past=13)
    yield _case("a single head (num_heads = 1), cache of 3, chunks 2 + 1", 2, 8, 1, [2, 1],
                seed=60, t_past=3)
    yield _case("num_heads = D (dh = 1), chunks 3 + 1 + 2", 2, 6, 6, [3, 1, 2], seed=70)
    yield _case("odd sizes: D = 15, 5 heads, B = 3, chunks 1 + 2 + 1", 3, 15, 5, [1, 2, 1],
                seed=80, t_past=2)
    yield _case("larger: D = 64, 8 heads, prefill 9 then 8 single tokens", 2, 64, 8,
                [9] + [1] * 8, seed=90)
    yield _case("large inputs (scores up to ~100), cache of 5, chunks 3 + 1 + 2", 2, 16, 2,
                [3, 1, 2], seed=100, t_past=5, scale=6.0)


def _no_scale(case):
    if case.args["w_q"].shape[0] // case.args["num_heads"] == 1:
        raise ValueError("same as the reference when dh = 1")
    return _decode(case, scale=1.0)


def _sqrt_d_model(case):
    if case.args["num_heads"] == 1:
        raise ValueError("same as the reference with one head")
    return _decode(case, scale=1 / math.sqrt(case.args["w_q"].shape[0]))


def _v(**how):
    return lambda case: _decode(case, **how)


_OUT = ("out.0",)
_CACHES = ("out.1", "out.2")

VARIANTS = [
    Variant("your causal mask is aligned to the top-left corner: new token i sits at position "
            "T_past + i, so it sees keys j <= T_past + i (every cached key and the new ones up "
            "to itself); a plain tril() of the [T_new, T_past + T_new] scores (or "
            "is_causal=True) wrongly hides the cache", _v(mask="top-left"), keys=_OUT),
    Variant("with several new tokens in one call you did not mask among them: new token i "
            "must not see the new tokens after it (key j is allowed when j <= T_past + i)",
            _v(mask="none"), keys=_OUT),
    Variant("your causal mask is off by one: a token also attends to itself (j <= T_past + i, "
            "the diagonal included)", _v(mask="strict"), keys=_OUT),
    Variant("the new tokens attended only to each other: the queries must attend to the cached "
            "keys too (concatenate k_cache with the new keys before the scores)",
            _v(mask="ignore-cache"), keys=_OUT),
    Variant("the new keys and values go at the END of the cache: torch.cat((k_cache, k_new), "
            "dim=2), not (k_new, k_cache)", _v(order="prepend"), keys=_CACHES),
    Variant("you scaled by 1/sqrt(D); each head's scores are scaled by 1/sqrt(dh), "
            "dh = D / num_heads", _sqrt_d_model, keys=_OUT),
    Variant("you did not scale the scores: divide each head's q·kᵀ by sqrt(dh)", _no_scale,
            keys=_OUT),
    Variant("head h must take the contiguous columns h·dh:(h+1)·dh of each projection; you "
            "took interleaved columns (reshape to [B, T, num_heads, dh], not [B, T, dh, "
            "num_heads])", _v(split="interleaved"), keys=_OUT + _CACHES),
    Variant("the weights are stored [D_in, D_out]: project with x @ w, not x @ w.T",
            _v(transposed=True), keys=_OUT + _CACHES),
    Variant("you forgot the output projection: multiply the concatenated heads by w_o",
            _v(use_w_o=False), keys=_OUT),
]


def diagnose(case, got, want):
    out = got.get("out.0")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and not torch.isfinite(
            out).all():
        return ("a query row ended up with every score at -inf (NaN after the softmax): new "
                "token i may see keys j <= T_past + i, which always includes itself")
    return None
