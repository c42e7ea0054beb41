"""Checker for `vae-loss`: (loss, recon, kl) and their gradients, against float64
F.binary_cross_entropy_with_logits(reduction="sum") / B and the closed-form Gaussian KL."""

import math

import torch
import torch.nn.functional as F

from study.kata.presets import BCE
from study.kata.toolkit import Ban, Case, Tol, Variant, rand, randn

BAN = Ban(BCE.functions, BCE.aten, modules=("torch.distributions",), families=BCE.families,
          reason="the reconstruction term and the KL are what this kata asks you to write; "
                 "build them from softplus (or logsigmoid), exp and sums")


def _tol(logits, mu, logvar) -> Tol:
    # float32 sums of D (or Z) terms of size up to |l| (or e^logvar, mu²), per sample.
    d = logits[0].numel()
    z = mu.shape[1]
    lmax = max(1.0, float(logits.abs().max()))
    kmax = max(1.0, float(logvar.exp().max()), float((mu ** 2).max()), float(logvar.abs().max()))
    return Tol(atol=1e-6 + 3e-7 * (math.sqrt(d) * lmax + math.sqrt(z) * kmax), rtol=1e-5)


def _case(name, shape, z, seed, beta=1.0, scale=2.0, binary=False, lv_scale=0.5, mu_scale=1.0):
    logits = randn(*shape, seed=seed, scale=scale).clamp(-100.0, 100.0)
    x = rand(*shape, seed=seed + 1)
    if binary:
        x = (x > 0.5).float()
    mu = randn(shape[0], z, seed=seed + 2, scale=mu_scale)
    logvar = randn(shape[0], z, seed=seed + 3, scale=lv_scale) - 0.3
    args = {"recon_logits": logits, "x": x, "mu": mu, "logvar": logvar, "beta": beta}
    return Case(name, args, tol=_tol(logits, mu, logvar), grad=("recon_logits", "mu", "logvar"))


def cases():
    yield _case("one sample, one latent [1, 5], Z = 1", (1, 5), 1, 10)
    yield _case("batch [4, 12], Z = 3, soft targets", (4, 12), 3, 20)
    yield _case("images [3, 1, 7, 7], Z = 8, binary pixels", (3, 1, 7, 7), 8, 30, binary=True)
    yield _case("images [2, 3, 5, 5], Z = 16, beta = 4 (β-VAE)", (2, 3, 5, 5), 16, 40, beta=4.0)
    yield _case("beta = 0 (autoencoder) [5, 9], Z = 2", (5, 9), 2, 50, beta=0.0)
    yield _case("MNIST-sized [8, 784], Z = 20", (8, 784), 20, 60, binary=True)
    yield _case("large logits (±100) [4, 17], Z = 4", (4, 17), 4, 70, scale=60.0, binary=True)
    yield _case("wide posterior (logvar up to ±4) [3, 6], Z = 7", (3, 6), 7, 80, lv_scale=2.0,
                mu_scale=2.0, beta=0.5)


def _kl_per_sample(mu, logvar):
    return -0.5 * (1 + logvar - mu ** 2 - logvar.exp()).sum(dim=1)


def reference(case):
    a = case.args
    batch = a["x"].shape[0]
    recon = F.binary_cross_entropy_with_logits(a["recon_logits"], a["x"], reduction="sum") / batch
    kl = _kl_per_sample(a["mu"], a["logvar"]).mean()
    return recon + a["beta"] * kl, recon, kl


def _bce(a):
    logits, x = a["recon_logits"], a["x"]
    return F.softplus(logits) - x * logits


def _assemble(recon, kl, beta):
    return recon + beta * kl, recon, kl


def _mean_all(case):
    a = case.args
    return _assemble(_bce(a).mean(), _kl_per_sample(a["mu"], a["logvar"]).mean(), a["beta"])


def _mean_all_both(case):
    a = case.args
    kl = (-0.5 * (1 + a["logvar"] - a["mu"] ** 2 - a["logvar"].exp())).mean()
    return _assemble(_bce(a).mean(), kl, a["beta"])


def _sum_batch(case):
    a = case.args
    return _assemble(_bce(a).sum(), _kl_per_sample(a["mu"], a["logvar"]).sum(), a["beta"])


def _kl_no_half(case):
    a = case.args
    return _assemble(_bce(a).sum() / a["x"].shape[0],
                     2 * _kl_per_sample(a["mu"], a["logvar"]).mean(), a["beta"])


def _logvar_as_logstd(case):
    a = case.args
    mu, lv = a["mu"], a["logvar"]
    kl = -0.5 * (1 + 2 * lv - mu ** 2 - (2 * lv).exp()).sum(dim=1).mean()
    return _assemble(_bce(a).sum() / a["x"].shape[0], kl, a["beta"])


def _logvar_as_std(case):
    a = case.args
    mu, lv = a["mu"], a["logvar"]
    kl = -0.5 * (1 + lv - mu ** 2 - lv ** 2).sum(dim=1).mean()
    return _assemble(_bce(a).sum() / a["x"].shape[0], kl, a["beta"])


def _kl_sign(case):
    a = case.args
    return _assemble(_bce(a).sum() / a["x"].shape[0],
                     -_kl_per_sample(a["mu"], a["logvar"]).mean(), a["beta"])


def _no_beta(case):
    a = case.args
    recon = _bce(a).sum() / a["x"].shape[0]
    kl = _kl_per_sample(a["mu"], a["logvar"]).mean()
    return recon + kl, recon, kl


_ALL = ("out.0", "out.1", "out.2")

VARIANTS = [
    Variant("you averaged the reconstruction over every element (.mean()); sum it over each "
            "sample's elements and average over the batch only: .sum() / B",
            _mean_all, keys=_ALL),
    Variant("you averaged both terms over every element; sum each sample's reconstruction "
            "over its elements and its KL over the Z latent dims, then average over the batch",
            _mean_all_both, keys=_ALL),
    Variant("you summed over the batch: average the per-sample sums over the batch (/ B)",
            _sum_batch, keys=_ALL),
    Variant("the KL is -0.5·Σ(1 + logvar − mu² − exp(logvar)): you lost the factor 1/2",
            _kl_no_half, keys=_ALL),
    Variant("logvar is log σ², not log σ: the KL uses exp(logvar) = σ² and logvar itself, "
            "not 2·logvar and exp(2·logvar)", _logvar_as_logstd, keys=_ALL),
    Variant("logvar is log σ²: the KL term is exp(logvar), not logvar²", _logvar_as_std,
            keys=_ALL),
    Variant("the KL has the wrong sign: KL(q || p) ≥ 0 is -0.5·Σ(1 + logvar − mu² − "
            "exp(logvar))", _kl_sign, keys=_ALL),
    Variant("the loss is recon + beta·kl: you left out beta", _no_beta, keys=("out.0",)),
]


def diagnose(case, got, want):
    outs = [got.get(k) for k in _ALL]
    if any(isinstance(o, torch.Tensor) and not torch.isfinite(o).all() for o in outs):
        return ("a loss is not finite: log(sigmoid(l)) underflows to log(0) for large |l|; "
                "use softplus: BCE = softplus(l) − x·l")
    recon = got.get("out.1")
    if (isinstance(recon, torch.Tensor) and recon.shape == want["out.1"].shape
            and float(case.args["recon_logits"].abs().max()) > 30):
        err = abs(float(recon) - float(want["out.1"]))
        if err > case.tol.atol + case.tol.rtol * abs(float(want["out.1"])):
            return ("with large logits, sigmoid() saturates to exactly 0 or 1 in float32 and the "
                    "log (even clamped) loses the loss; compute BCE from the logits: "
                    "softplus(l) − x·l")
    return None
