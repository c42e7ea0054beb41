"""Checker for `ddpm-step`: one ancestral DDPM reverse step with an ε-prediction.

With `noise` given the step is deterministic and compared with the float64 formula. With
`noise=None` the solution draws its own noise: `drive` seeds torch's RNG first (so a run
never flakes), and `check` verifies the distribution of z = (out − mean)/σ_t on a batch of
32768 values: mean 0, std 1, Gaussian, fresh per sample, independent of eps_pred.
"""

import math

import torch

from study.kata.schedules import cosine_betas, linear_betas, scaled_linear_betas
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

# Nothing is banned: the kata is about the formula, the variance and the t = 0 step.


# --- the formula (float64) -------------------------------------------------------------------

def _terms(betas: torch.Tensor, t: int) -> tuple[float, float, float, float]:
    """β_t, α_t, ᾱ_t, ᾱ_{t−1} (ᾱ_{−1} = 1), as Python floats in float64."""
    b = betas.double()
    abar = torch.cumprod(1 - b, 0)
    prev = float(abar[t - 1]) if t > 0 else 1.0
    return float(b[t]), float(1 - b[t]), float(abar[t]), prev


def _mean(x_t, eps, betas, t):
    beta, alpha, abar, _ = _terms(betas, t)
    return (x_t - beta / math.sqrt(1 - abar) * eps) / math.sqrt(alpha)


def _sigma(betas, t) -> float:
    beta, _, abar, prev = _terms(betas, t)
    return math.sqrt(beta * (1 - prev) / (1 - abar))


def _step(a: dict) -> torch.Tensor:
    mean = _mean(a["x_t"], a["eps_pred"], a["betas"], a["t"])
    if a["t"] == 0:
        return mean
    return mean + _sigma(a["betas"], a["t"]) * a["noise"]


# --- cases -----------------------------------------------------------------------------------

def _case(name: str, shape: tuple, t: int, betas: torch.Tensor, seed: int,
          with_noise: bool = True, images: bool = False) -> Case:
    x_t = (rand(*shape, seed=seed, low=-1.0, high=1.0) if images
           else randn(*shape, seed=seed))
    a = {"x_t": x_t, "eps_pred": randn(*shape, seed=seed + 1), "t": t, "betas": betas,
         "noise": randn(*shape, seed=seed + 2) if with_noise else None}
    d = {k: v.double() if isinstance(v, torch.Tensor) else v for k, v in a.items()}
    if not with_noise and t > 0:  # only the distribution is checked
        return Case(name, a, extra={"random": True, "seed": seed})
    # The contract: about 1e-4 times the largest value. The factor 2 is headroom for
    # diffusers' float32 form, whose β_t = 1 − ᾱ_t/ᾱ_{t−1} loses ~1e-7/β_t relative near
    # t = 0 (it reaches 0.8e-4 of the largest value at t = 2 of the linear schedule).
    m = float(_step(d).abs().max())
    return Case(name, a, tol=Tol(atol=_REL * max(1.0, m), rtol=0.0), extra={"seed": seed})


_REL = 2e-4


@also_in(torch.float64)
def cases():
    lin, cos = linear_betas(1000), cosine_betas(1000)
    yield _case("[B, D] = [4, 6], linear schedule T = 1000, t = 500", (4, 6), 500, lin, 1)
    yield _case("t = T − 1 = 999, the first reverse step", (3, 7), 999, lin, 2)
    yield _case("t = 1: the posterior variance is far from β_t", (2, 3, 4, 4), 1, lin, 3,
                images=True)
    yield _case("t = 0 returns the mean (the given noise is not used)", (3, 5), 0, lin, 4)
    yield _case("t = 0 with noise=None returns the mean", (2, 9), 0,
                linear_betas(50, 1e-3, 0.2), 5, with_noise=False)
    yield _case("B = 1, cosine schedule, t = 999 (β clipped at 0.999)", (1, 8), 999, cos, 6)
    yield _case("images [2, 3, 8, 8], cosine schedule, t = 10", (2, 3, 8, 8), 10, cos, 7,
                images=True)
    yield _case("small T = 5 with uneven betas, t = 2", (6, 3), 2,
                rand(5, seed=80, low=0.02, high=0.4), 8)
    yield _case("T = 1 (a single step), t = 0", (3, 4), 0, torch.tensor([0.3]), 9)
    yield _case("sequences [5, 7, 3], scaled-linear schedule, t = 37", (5, 7, 3), 37,
                scaled_linear_betas(1000), 10)
    yield _case("T = 50, t = 49", (4, 11), 49, linear_betas(50, 1e-3, 0.2), 11)
    # noise=None: only the distribution of the drawn noise is checked.
    yield _case("noise=None at t = 500 (linear): fresh Gaussian noise", (8, 4, 32, 32), 500,
                lin, 12, with_noise=False)
    yield _case("noise=None at t = 300 (cosine), batch of 16", (16, 2048), 300, cos, 13,
                with_noise=False)


def reference(case):
    if case.extra.get("random"):
        return {}  # nothing to compare value by value: see check()
    return _step(case.args)


# --- the distribution check for noise=None ---------------------------------------------------

def check(case, got, want):
    if not case.extra.get("random"):
        return []
    a = {k: v.double() if isinstance(v, torch.Tensor) else v for k, v in case.args.items()}
    out = got.get("out")
    if not isinstance(out, torch.Tensor):
        return [f"the result should be a tensor, got {type(out).__name__}"]
    if tuple(out.shape) != tuple(a["x_t"].shape):
        return [f"the result has shape {list(out.shape)}, expected {list(a['x_t'].shape)}"]
    if out.dtype != case.args["x_t"].dtype:
        return [f"the result has dtype {out.dtype}, expected {case.args['x_t'].dtype}"]
    if not torch.isfinite(out).all():
        return ["the result has NaN or inf values"]
    t, betas = a["t"], a["betas"]
    mean = _mean(a["x_t"], a["eps_pred"], betas, t)
    sigma = _sigma(betas, t)
    z = (out.double() - mean) / sigma  # standard normal if the step is right
    n = z.numel()
    m, s = float(z.mean()), float(z.std())
    if s < 0.05:
        return ["with noise=None the step must still add σ_t·noise for t > 0: draw the noise "
                "yourself with torch.randn_like(x_t) (the result equals the mean, "
                f"(out − mean)/σ_t has std {s:.3g})"]
    beta = _terms(betas, t)[0]
    if abs(s - math.sqrt(beta) / sigma) < 0.025 and abs(s - 1) > 0.025:
        return ["with noise=None the noise is scaled by sqrt(β_t) (the 'fixed_large' "
                "variance); this kata uses σ_t² = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t) "
                f"((out − mean)/σ_t has std {s:.4f}, expected 1)"]
    # Thresholds: about 6 standard errors of each statistic at n = 32768, so a right
    # solution never fails (and the RNG is seeded anyway).
    if abs(m) > 0.035:
        return [f"with noise=None, (out − mean)/σ_t has mean {m:.4f}, expected 0: draw "
                "zero-mean Gaussian noise with torch.randn_like(x_t) (not torch.rand_like), "
                "and add it to the posterior mean"]
    if abs(s - 1) > 0.025:
        return [f"with noise=None, (out − mean)/σ_t has std {s:.4f}, expected 1: scale "
                "standard normal noise (torch.randn_like) by σ_t = "
                "sqrt(β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t))"]
    inside = float((z.abs() < 1).double().mean())
    if abs(inside - 0.6827) > 0.015:
        return [f"with noise=None, {inside:.3f} of (out − mean)/σ_t lies in (−1, 1), "
                "expected 0.683 for Gaussian noise: draw it with torch.randn_like(x_t)"]
    per_sample = z.reshape(z.shape[0], -1)
    across = float(per_sample.var(dim=0).mean())  # 0 if every sample got the same noise
    if abs(across - 1) > 0.06:
        return [f"with noise=None every sample needs its own noise (the variance across the "
                f"batch is {across:.3f}, expected 1): draw it with the full shape of x_t, "
                "torch.randn_like(x_t)"]
    corr = float((z * (a["eps_pred"] - a["eps_pred"].mean())).mean()
                 / a["eps_pred"].std())
    if abs(corr) > 6 / math.sqrt(n):
        return [f"with noise=None the added noise is correlated with eps_pred (correlation "
                f"{corr:.3f}): draw fresh noise with torch.randn_like(x_t), do not reuse "
                "eps_pred"]
    return []


# --- known mistakes (float64; the case's noise is used as given) ---------------------------

def _at_t0(fn):
    def compute(case):
        if case.args["t"] != 0 or case.args["noise"] is None:
            raise ValueError("only at t = 0 with noise given")
        return fn(case.args)
    return compute


def _t0_noise(a):  # noise added at t = 0 with σ² = β_0
    return _step(a) + math.sqrt(_terms(a["betas"], 0)[0]) * a["noise"]


def _t0_wrapped(a):  # σ_0² with alphas_cumprod[-1] = ᾱ_{T−1} in place of ᾱ_{−1} = 1
    b = a["betas"]
    abar = torch.cumprod(1 - b, 0)
    var = float(b[0] * (1 - abar[-1]) / (1 - abar[0]))
    return _step(a) + math.sqrt(var) * a["noise"]


def _with_noise(fn):
    def compute(case):
        a = case.args
        if a["noise"] is None or a["t"] == 0:
            raise ValueError("needs t > 0 and noise")
        return fn(a)
    return compute


def _fixed_large(a):
    beta = _terms(a["betas"], a["t"])[0]
    return _mean(a["x_t"], a["eps_pred"], a["betas"], a["t"]) + math.sqrt(beta) * a["noise"]


def _variance_not_std(a):
    mean = _mean(a["x_t"], a["eps_pred"], a["betas"], a["t"])
    return mean + _sigma(a["betas"], a["t"]) ** 2 * a["noise"]


def _with_mean(mean_fn):
    def compute(case):
        a = case.args
        if a["noise"] is None and a["t"] > 0:
            raise ValueError("random")
        mean = mean_fn(a)
        return mean if a["t"] == 0 else mean + _sigma(a["betas"], a["t"]) * a["noise"]
    return compute


def _mean_over_sqrt_abar(a):
    beta, _, abar, _ = _terms(a["betas"], a["t"])
    return (a["x_t"] - beta / math.sqrt(1 - abar) * a["eps_pred"]) / math.sqrt(abar)


def _x0_estimate(a):
    _, _, abar, _ = _terms(a["betas"], a["t"])
    return (a["x_t"] - math.sqrt(1 - abar) * a["eps_pred"]) / math.sqrt(abar)


def _eps_coef_no_sqrt(a):
    beta, alpha, abar, _ = _terms(a["betas"], a["t"])
    return (a["x_t"] - beta / (1 - abar) * a["eps_pred"]) / math.sqrt(alpha)


def _shifted(k):
    def compute(case):
        a = dict(case.args)
        if a["noise"] is None or not 0 <= a["t"] + k < a["betas"].shape[0]:
            raise ValueError("out of range")
        a["t"] = a["t"] + k
        return _step(a)
    return compute


VARIANTS = [
    Variant("at t = 0 the step returns the mean: add no noise on the last step (σ_0 = 0)",
            _at_t0(_t0_noise)),
    Variant("ᾱ_{−1} = 1: at t = 0, alphas_cumprod[t − 1] wrapped around to the last entry "
            "(ᾱ_{T−1}) and added noise; at t = 0 return the mean", _at_t0(_t0_wrapped)),
    Variant("you used σ_t² = β_t (the 'fixed_large' variance, or ᾱ_t where ᾱ_{t−1} "
            "belongs); this kata uses the posterior variance σ_t² = β_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)",
            _with_noise(_fixed_large)),
    Variant("σ_t is a standard deviation: multiply the noise by sqrt(β_t·(1 − ᾱ_{t−1})/"
            "(1 − ᾱ_t)), not by the variance itself", _with_noise(_variance_not_std)),
    Variant("the mean divides by sqrt(α_t) = sqrt(1 − β_t), this step's own factor, "
            "not by sqrt(ᾱ_t)", _with_mean(_mean_over_sqrt_abar)),
    Variant("(x_t − sqrt(1 − ᾱ_t)·ε)/sqrt(ᾱ_t) is the estimate of x_0, not the mean of "
            "x_{t−1}; the mean is (x_t − β_t/sqrt(1 − ᾱ_t)·ε)/sqrt(α_t)",
            _with_mean(_x0_estimate)),
    Variant("the ε coefficient is β_t / sqrt(1 − ᾱ_t): you left out the square root",
            _with_mean(_eps_coef_no_sqrt)),
    Variant("off by one: you used the schedule of step t − 1 (β_{t−1}, ᾱ_{t−1}, ᾱ_{t−2}), as if "
            "t were 1-based; t is 0-based: β_t = betas[t], ᾱ_t = cumprod(1 − betas)[t]",
            _shifted(-1)),
    Variant("off by one: you used the schedule of step t + 1 (β_{t+1}, ᾱ_{t+1}, ᾱ_t); t is "
            "0-based: β_t = betas[t], ᾱ_t = cumprod(1 − betas)[t], ᾱ_{t−1} = cumprod[t − 1]",
            _shifted(1)),
]


def diagnose(case, got, want):
    out, ref = got.get("out"), want.get("out")
    if not (isinstance(out, torch.Tensor) and isinstance(ref, torch.Tensor)
            and out.shape == ref.shape and out.is_floating_point()):
        return None
    err = float((out.double() - ref).abs().max()) / max(1.0, float(ref.abs().max()))
    if case.args["t"] == 0 and case.args["noise"] is None and err > 5e-3:
        return "at t = 0 the step returns the mean: no noise is drawn or added (σ_0 = 0)"
    if err < 5e-3:
        return (f"the result is close (off by {err:.1e} of the largest value): float32 "
                "rounding? Near t = 0, 1 − ᾱ_t = 1 − cumprod(1 − betas)[t] keeps only a few "
                "digits of a value ~1e-4, so a large coefficient built from it (such as "
                "β_t/(1 − ᾱ_t) in the x_0-form of the mean) carries that error; the ε-form "
                "(x_t − β_t/sqrt(1 − ᾱ_t)·ε)/sqrt(α_t) does not, or build the schedule in "
                "float64")
    return None
