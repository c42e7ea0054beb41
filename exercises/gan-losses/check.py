"""Checker for `gan-losses`: (d_loss, g_loss) and their gradients against float64
F.binary_cross_entropy_with_logits."""

import torch
import torch.nn.functional as F

from study.kata.presets import BCE
from study.kata.toolkit import Case, Tol, Variant, randn

BAN = BCE.because(
    "the GAN losses are what this kata asks you to write; build them from "
    "softplus or logsigmoid"
)


def _bce(logits, target):
    return F.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def reference(case):
    r, f = case.args["d_real_logits"], case.args["d_fake_logits"]
    d_loss = _bce(r, 1.0) + _bce(f, 0.0)
    g_loss = _bce(f, 1.0) if case.args["non_saturating"] else -_bce(f, 0.0)
    return d_loss, g_loss


def _case(name, real_shape, fake_shape, seed, ns=True, scale=2.0, real_mean=1.0, fake_mean=-1.0):
    r = randn(*real_shape, seed=seed, scale=scale, mean=real_mean).clamp(-100, 100)
    f = randn(*fake_shape, seed=seed + 1, scale=scale, mean=fake_mean).clamp(-100, 100)
    m = max(1.0, float(r.abs().max()), float(f.abs().max()))
    return Case(name, {"d_real_logits": r, "d_fake_logits": f, "non_saturating": ns},
                tol=Tol(atol=1e-6 * m, rtol=1e-5), grad=("d_real_logits", "d_fake_logits"))


def cases():
    yield _case("one real, one fake [1], non-saturating", (1,), (1,), 10)
    yield _case("batch [8, 1], non-saturating", (8, 1), (8, 1), 20)
    yield _case("batch [8, 1], minimax", (8, 1), (8, 1), 20, ns=False)
    yield _case("odd batches of different sizes: 7 real, 5 fake", (7,), (5,), 30)
    yield _case("patch discriminator [3, 1, 4, 4], minimax", (3, 1, 4, 4), (3, 1, 4, 4), 40,
                ns=False)
    yield _case("patch discriminator, 2 real [2, 1, 3, 3], 3 fake [3, 1, 3, 3], "
                "non-saturating", (2, 1, 3, 3), (3, 1, 3, 3), 45)
    yield _case("confident discriminator (logits ±100), non-saturating", (16,), (16,), 50,
                scale=40.0, real_mean=30.0, fake_mean=-30.0)
    yield _case("confident discriminator (logits ±100), minimax", (16,), (16,), 60,
                scale=40.0, real_mean=30.0, fake_mean=-30.0, ns=False)
    yield _case("fooled discriminator (fake logits high) [6]", (6,), (6,), 70, real_mean=-2.0,
                fake_mean=3.0)


_KEYS = ("out.0", "out.1")


def _both(case, d_fn, g_fn):
    r, f = case.args["d_real_logits"], case.args["d_fake_logits"]
    return d_fn(r, f), g_fn(f)


def _ns(f):
    return F.softplus(-f).mean()


def _mm(f):
    return -F.softplus(f).mean()


def _right_g(case):
    return _ns if case.args["non_saturating"] else _mm


def _d(r, f):
    return F.softplus(-r).mean() + F.softplus(f).mean()


def _V(message, compute):
    return Variant(message, compute, keys=_KEYS)


VARIANTS = [
    _V("the non-saturating generator loss is −E[log D(G(z))] = softplus(−fake).mean(); "
            "you returned the minimax E[log(1 − D(G(z)))]",
            lambda c: _both(c, _d, _mm) if c.args["non_saturating"] else None),
    _V("the minimax generator loss (non_saturating=False) is E[log(1 − D(G(z)))] = "
            "−softplus(fake).mean(); you returned the non-saturating −E[log D(G(z))]",
            lambda c: None if c.args["non_saturating"] else _both(c, _d, _ns)),
    _V("the minimax generator loss is +E[log(1 − D(G(z)))] (the generator minimises "
            "it); you flipped its sign",
            lambda c: None if c.args["non_saturating"] else _both(
                c, _d, lambda f: F.softplus(f).mean())),
    _V("d_loss is the sum of the real and fake terms; you halved it (no ½ in this "
            "contract)", lambda c: _both(c, lambda r, f: 0.5 * _d(r, f), _right_g(c))),
    _V("you swapped the labels: real samples have target 1 (−log D(x)), fake ones "
            "target 0 (−log(1 − D(G(z))))",
            lambda c: _both(c, lambda r, f: F.softplus(r).mean() + F.softplus(-f).mean(),
                            _right_g(c))),
    _V("you averaged over the real and fake logits together: take the mean of each "
            "term over its own tensor, then add",
            lambda c: _both(c, lambda r, f: 2 * torch.cat(
                [F.softplus(-r).flatten(), F.softplus(f).flatten()]).mean(), _right_g(c))),
]


def diagnose(case, got, want):
    outs = [got.get(k) for k in ("out.0", "out.1", "grad.d_real_logits", "grad.d_fake_logits")]
    if any(isinstance(o, torch.Tensor) and not torch.isfinite(o).all() for o in outs):
        return ("a loss or gradient is not finite: log(sigmoid(l)) underflows to log(0) for "
                "large |l|; use softplus: −log sigmoid(l) = softplus(−l)")
    return None
