"""Checker for `triplet-loss` (F.triplet_margin_loss, p = 2, mean, no swap)."""

import math

import torch

from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, generator

BAN = Ban(
    functions=("torch.nn.functional.triplet_margin_loss", "torch.triplet_margin_loss",
               "torch.nn.functional.triplet_margin_with_distance_loss",
               "torch.nn.TripletMarginLoss", "torch.nn.TripletMarginWithDistanceLoss",
               "torch.nn.modules.loss.TripletMarginLoss.forward",
               "torch.nn.modules.loss.TripletMarginWithDistanceLoss.forward"),
    aten=("aten::triplet_margin_loss",),
    modules=("torch._refs", "torch._decomp"),
    families=(r"triplet_margin",),
    reason="the triplet loss is what this kata asks you to write; build it from norms, "
           "clamp and mean",
)

_EPS = 1e-6  # F.pairwise_distance adds it to the difference


def _dists(a, p, n, eps=_EPS, squared=False):
    d_pos = (a - p + eps).norm(dim=1)
    d_neg = (a - n + eps).norm(dim=1)
    if squared:
        return d_pos ** 2, d_neg ** 2
    return d_pos, d_neg


def _triplets(n, d, seed, scale=1.0, margin=1.0):
    """Random triplets whose hinge stays at least 1e-2 away from 0 (no kink)."""
    for attempt in range(500):
        g = generator(seed * 1000 + attempt)
        x = (torch.randn(3, n, d, generator=g, dtype=torch.float64) * scale).float()
        dp, dn = _dists(*x.double())
        if bool(((dp - dn + margin).abs() > 1e-2).all()):
            return x[0], x[1], x[2]
    raise AssertionError("no triplets away from the kink")


def _case(name, a, p, n, margin=1.0):
    d = a.shape[1]
    mag = float(torch.stack([a, p, n]).abs().max())
    tol = Tol(atol=3e-6 * math.sqrt(d) * max(1.0, mag), rtol=1e-5)
    return Case(name, {"anchor": a, "positive": p, "negative": n, "margin": margin}, tol=tol,
                grad=("anchor", "positive", "negative"))


@also_in(torch.float64)
def cases():
    shapes = [(1, 4), (5, 1), (8, 16), (7, 33), (3, 128), (16, 10)]
    for i, (n, d) in enumerate(shapes):
        yield _case(f"random [{n}, {d}]", *_triplets(n, d, seed=10 + i))
    yield _case("margin 0", *_triplets(9, 12, seed=20, margin=0.0), margin=0.0)
    yield _case("margin 0.2, embeddings of scale 0.1", *_triplets(6, 8, seed=21, scale=0.1,
                                                                      margin=0.2), margin=0.2)
    yield _case("margin 5 (every triplet active)", *_triplets(6, 8, seed=22, margin=5.0),
                margin=5.0)
    # Negatives far away: every triplet satisfied, loss and gradients exactly 0.
    a, p, n = _triplets(5, 6, seed=23)
    p = a + 0.05 * (p - a)
    n = a + 10.0 * (n - a).sign()
    yield _case("every triplet satisfied (the loss is 0)", a, p, n)
    # Half the triplets satisfied, half not.
    a, p, n = _triplets(10, 6, seed=24)
    p[:5] = a[:5] + 0.1 * (p[:5] - a[:5])
    n[:5] = a[:5] + 3.0 * (n[:5] - a[:5]).sign()
    yield _case("half the triplets satisfied", a, p, n, margin=1.0)
    yield _case("large embeddings (scale 50)", *_triplets(4, 20, seed=25, scale=50.0))


def reference(case):
    a = case.args
    d_pos, d_neg = _dists(a["anchor"], a["positive"], a["negative"])
    return torch.clamp(d_pos - d_neg + a["margin"], min=0).mean()


def _args(case):
    a = case.args
    return a["anchor"], a["positive"], a["negative"], a["margin"]


def _squared(case):
    a, p, n, m = _args(case)
    dp, dn = _dists(a, p, n, squared=True)
    return torch.clamp(dp - dn + m, min=0).mean()


def _no_hinge(case):
    a, p, n, m = _args(case)
    dp, dn = _dists(a, p, n)
    return (dp - dn + m).mean()


def _swapped(case):
    a, p, n, m = _args(case)
    dp, dn = _dists(a, p, n)
    return torch.clamp(dn - dp + m, min=0).mean()


def _summed(case):
    a, p, n, m = _args(case)
    dp, dn = _dists(a, p, n)
    return torch.clamp(dp - dn + m, min=0).sum()


def _margin_outside(case):
    a, p, n, m = _args(case)
    dp, dn = _dists(a, p, n)
    return (torch.clamp(dp - dn, min=0) + m).mean()


def _hinge_of_mean(case):
    a, p, n, m = _args(case)
    dp, dn = _dists(a, p, n)
    return torch.clamp(dp.mean() - dn.mean() + m, min=0)


VARIANTS = [
    Variant("you squared the distances (FaceNet's paper form); F.triplet_margin_loss uses "
            "the plain Euclidean norm ||a − b||₂", _squared),
    Variant("the hinge is missing: satisfied triplets must contribute 0, "
            "max(d(a, p) − d(a, n) + margin, 0)", _no_hinge),
    Variant("positive and negative are swapped: the loss is d(a, p) − d(a, n) + margin "
            "(the positive must end up closer)", _swapped),
    Variant("you summed over the triplets; the loss is their mean", _summed),
    Variant("the margin goes inside the hinge: max(d(a, p) − d(a, n) + margin, 0)",
            _margin_outside),
    Variant("you took the hinge of the mean distances; the hinge applies to each triplet, "
            "then average", _hinge_of_mean),
]


def diagnose(case, got, want):
    for key, value in got.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() \
                and not torch.isfinite(value).all():
            return f"`{key}` is not finite: sqrt of a sum of squares at 0 has no gradient"
    return None
