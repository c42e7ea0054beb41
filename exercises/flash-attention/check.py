"""Checker for `flash-attention`.

Correctness against full attention in float64, plus the memory rule: every case
sets `max_elems = T·S`, and its shapes keep a tiled solution far below it
(`S >= 4·B·H·block_size`, so a [B, H, T, block_size] score block has at most
T·S/4 elements, and `T, S >= 2·B·H·d`, so every input and the output stay under
T·S/2), while a full [B, H, T, S] score matrix, or a [T, S] mask, is over it and
larger than every input and the output.
"""

import math

import torch

from study.kata.presets import ATTENTION
from study.kata.toolkit import Case, Tol, Variant, also_in, randn

BAN = ATTENTION.because(
    "the tiled online softmax is what this kata asks you to write; build it from "
    "matmul, exp and max over blocks of keys"
)


def _case(name, B, H, T, S, d, block_size, *, seed, causal=False, scale=1.0):
    # The memory rule's premises: a [B, H, T, block_size] block of scores stays under
    # T·S / 4, while the naive [B, H, T, S] scores are over T·S and larger than every
    # input; the inputs themselves stay under T·S / 2, so an incidental copy of one
    # (a padded k, say) is not mistaken for a score matrix.
    assert S // (B * H * block_size) >= 4 and min(T, S) >= 2 * B * H * d
    assert T == S or not causal
    q = randn(B, H, T, d, seed=seed, scale=scale)
    k = randn(B, H, S, d, seed=seed + 1, scale=scale)
    v = randn(B, H, S, d, seed=seed + 2)
    s = (q.double() @ k.double().transpose(-2, -1)).abs().max().item() / math.sqrt(d)
    atol = (2e-6 + 2e-7 * s) * max(1.0, v.abs().max().item())
    return Case(name, {"q": q, "k": k, "v": v, "causal": causal, "block_size": block_size},
                tol=Tol(atol=atol, rtol=1e-5), max_elems=T * S)


@also_in(torch.float64)
def cases():
    yield _case("one head, S = 300 (not a multiple of 64)", 1, 1, 33, 300, 8, 64, seed=1)
    yield _case("B = 2, H = 2, block 16, S = 261", 2, 2, 150, 261, 16, 16, seed=10)
    yield _case("block_size = 1", 1, 2, 20, 31, 4, 1, seed=20)
    yield _case("d = 1", 1, 1, 3, 37, 1, 4, seed=30)
    yield _case("T > S, odd sizes", 1, 1, 100, 270, 8, 64, seed=40)
    yield _case("causal, T = S = 150, block 16", 1, 2, 150, 150, 16, 16, seed=50, causal=True)
    yield _case("causal, block_size = 1", 1, 1, 24, 24, 8, 1, seed=60, causal=True)
    yield _case("causal, T = S = 300, block 64", 1, 1, 300, 300, 32, 64, seed=70, causal=True)
    yield _case("S = 613, much larger than block 16", 2, 2, 150, 613, 16, 16, seed=80)
    yield _case("large scores (up to ~150): the running max matters", 1, 2, 160, 530, 32, 64,
                seed=90, scale=6.0)
    yield _case("causal with large scores", 1, 2, 130, 130, 16, 16, seed=100, causal=True,
                scale=5.0)


def _full(case, scale=None, mask_fn=None):
    q, k, v = case.args["q"], case.args["k"], case.args["v"]
    T, S, d = q.shape[-2], k.shape[-2], q.shape[-1]
    scores = q @ k.transpose(-2, -1) * (1 / math.sqrt(d) if scale is None else scale)
    i = torch.arange(T)[:, None]
    j = torch.arange(S)[None, :]
    if mask_fn is not None:
        scores = scores.masked_fill(~mask_fn(i, j), float("-inf"))
    elif case.args["causal"]:
        scores = scores.masked_fill(j > i, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def reference(case):
    return _full(case)


def _online(case, rescale_sum=True, rescale_acc=True, normalize=True):
    """The block loop in float64, with switches for the classic online-softmax bugs."""
    q, k, v = case.args["q"], case.args["k"], case.args["v"]
    causal, bs = case.args["causal"], case.args["block_size"]
    T, S, d = q.shape[-2], k.shape[-2], q.shape[-1]
    m = torch.full((*q.shape[:-1], 1), float("-inf"), dtype=q.dtype)
    denom = torch.zeros_like(m)
    acc = torch.zeros(*q.shape[:-1], v.shape[-1], dtype=q.dtype)
    for start in range(0, S, bs):
        end = min(start + bs, S)
        s = q @ k[..., start:end, :].transpose(-2, -1) / math.sqrt(d)
        if causal:
            s = s.masked_fill(torch.arange(start, end)[None, :] > torch.arange(T)[:, None],
                              float("-inf"))
        m_new = torch.maximum(m, s.amax(-1, keepdim=True))
        p = torch.exp(s - m_new)
        c = torch.exp(m - m_new)
        denom = (denom * c if rescale_sum else denom) + p.sum(-1, keepdim=True)
        acc = (acc * c if rescale_acc else acc) + p @ v[..., start:end, :]
        m = m_new
    return acc / denom if normalize else acc


def _needs(key, value):
    def guard(compute):
        def run(case):
            if case.args[key] != value:
                raise ValueError("does not apply")
            return compute(case)
        return run
    return guard


VARIANTS = [
    Variant("when the running max grows, both the running sum and the accumulated output "
            "must be multiplied by exp(m_old - m_new); you rescaled neither",
            lambda c: _online(c, rescale_sum=False, rescale_acc=False)),
    Variant("when the running max grows, the running sum must be multiplied by "
            "exp(m_old - m_new) too; you rescaled only the accumulated output",
            lambda c: _online(c, rescale_sum=False)),
    Variant("when the running max grows, the accumulated output must be multiplied by "
            "exp(m_old - m_new) too; you rescaled only the running sum",
            lambda c: _online(c, rescale_acc=False)),
    Variant("you never divided by the running sum: the result is acc / sum",
            lambda c: _online(c, normalize=False)),
    Variant("you did not scale the scores: divide q·kᵀ by sqrt(d)", lambda c: _full(c, 1.0)),
    Variant("you divided the scores by d; the scale is 1/sqrt(d)",
            lambda c: _full(c, 1 / c.args["q"].shape[-1])),
    Variant("causal is off by one: query i sees keys j <= i (the diagonal included), you "
            "masked the diagonal too", _needs("causal", True)(
                lambda c: _full(c, mask_fn=lambda i, j: j < i))),
    Variant("causal is off by one: query i sees keys j <= i, you let it see key i + 1",
            _needs("causal", True)(lambda c: _full(c, mask_fn=lambda i, j: j <= i + 1))),
    Variant("your causal mask compares the query index with the key's index inside its block; "
            "use the key's global index (block start + offset)",
            _needs("causal", True)(lambda c: _full(
                c, mask_fn=lambda i, j: j % c.args["block_size"] <= i))),
    Variant("you ignored causal=True: query i may only see keys j <= i",
            _needs("causal", True)(lambda c: _full(c, mask_fn=lambda i, j: j >= 0))),
]


def diagnose(case, got, want):
    out = got.get("out")
    if not isinstance(out, torch.Tensor) or not out.is_floating_point():
        return None
    if torch.isnan(out).any() and case.args["causal"]:
        return ("a query row whose keys in a block are all masked has block max -inf, and "
                "exp(-inf - (-inf)) is NaN: subtract the running max (finite after the first "
                "block, which holds key 0) or stop at the keys a query can see")
    if not torch.isfinite(out).all():
        return ("exp() overflowed or 0/0: subtract the running max before exponentiating, and "
                "start the running max at -inf and the running sum at 0")
    return None
