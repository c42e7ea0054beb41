"""Checker for `skipgram-negative-sampling` (the SGNS loss of word2vec)."""

import torch
import torch.nn.functional as F

from study.kata.toolkit import Case, Tol, Variant, randint, randn


def _scores(a):
    v = a["in_embed"][a["center"]]
    u = torch.cat([a["out_embed"][a["context"]][:, None], a["out_embed"][a["negatives"]]], 1)
    return torch.einsum("bkd,bd->bk", u, v)


def _case(name, in_embed, out_embed, center, context, negatives):
    args = {"in_embed": in_embed, "out_embed": out_embed, "center": center,
            "context": context, "negatives": negatives}
    k = negatives.shape[1]
    m = float(_scores({n: (t.double() if t.is_floating_point() else t)
                       for n, t in args.items()}).abs().max())
    tol = Tol(atol=1e-6 * (k + 1) * (1.0 + m), rtol=1e-5)
    return Case(name, args, tol=tol, grad=("in_embed", "out_embed"))


def _random(v, d, b, k, seed, scale=0.5):
    return (randn(v, d, seed=seed, scale=scale), randn(v, d, seed=seed + 1, scale=scale),
            randint(0, v, (b,), seed=seed + 2), randint(0, v, (b,), seed=seed + 3),
            randint(0, v, (b, k), seed=seed + 4))


def cases():
    dims = [(5, 3, 1, 1), (10, 8, 4, 5), (50, 16, 16, 5), (7, 1, 6, 3), (30, 33, 9, 15),
            (100, 24, 32, 7)]
    for i, (v, d, b, k) in enumerate(dims):
        yield _case(f"V={v}, D={d}, B={b}, K={k}", *_random(v, d, b, k, seed=10 * i + 1))
    # Repeated words: the same center twice, a negative equal to the context.
    ie, oe, _, _, _ = _random(6, 4, 1, 1, seed=100)
    center = torch.tensor([2, 2, 5, 0])
    context = torch.tensor([3, 1, 3, 2])
    negatives = torch.tensor([[3, 4], [0, 0], [1, 3], [5, 2]])
    yield _case("repeated indices (gradients accumulate)", ie, oe, center, context, negatives)
    # Large scores: aligned and anti-aligned vectors of norm ~14, scores up to ±200.
    ie, oe, c, o, n = _random(12, 8, 10, 4, seed=200, scale=5.0)
    yield _case("large scores (up to about ±200)", ie, oe, c, o, n)
    yield _case("a single pair, K = 20 negatives", *_random(40, 10, 1, 20, seed=300))


def reference(case):
    a = case.args
    s = _scores(a)
    return -(F.logsigmoid(s[:, 0]) + F.logsigmoid(-s[:, 1:]).sum(1)).mean()


def _from(case, neg_sign=-1.0, neg_reduce="sum", swap=False, batch="mean", same_table=False):
    a = dict(case.args)
    if swap:
        a["in_embed"], a["out_embed"] = a["out_embed"], a["in_embed"]
    if same_table:
        a["out_embed"] = a["in_embed"]
    s = _scores(a)
    neg = F.logsigmoid(neg_sign * s[:, 1:])
    neg = neg.sum(1) if neg_reduce == "sum" else neg.mean(1)
    per = -(F.logsigmoid(s[:, 0]) + neg)
    return per.mean() if batch == "mean" else per.sum()


VARIANTS = [
    Variant("the negatives need a minus sign inside the sigmoid: −log σ(−u_k·v) (a negative "
            "word should score low)", lambda c: _from(c, neg_sign=1.0)),
    Variant("you averaged over the K negatives; they are summed, Σ_k −log σ(−u_k·v)",
            lambda c: _from(c, neg_reduce="mean")),
    Variant("the tables are swapped: the center word comes from in_embed, the context and "
            "the negatives from out_embed", lambda c: _from(c, swap=True)),
    Variant("you used in_embed for every word; the context and the negatives come from "
            "out_embed", lambda c: _from(c, same_table=True)),
    Variant("you summed over the batch; the loss is the mean over the B pairs",
            lambda c: _from(c, batch="sum")),
]


def diagnose(case, got, want):
    for key, value in got.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() \
                and not torch.isfinite(value).all():
            return (f"`{key}` is not finite: log(sigmoid(x)) underflows to log(0) = −inf for "
                    "large |x|; use F.logsigmoid(x) (or −F.softplus(−x))")
    return None
