"""Checker for `ddpm-q-sample`: x_t = sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise, per sample."""


import torch

from study.kata.schedules import cosine_betas, linear_betas, scaled_linear_betas
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randint, randn

# Nothing is banned: the kata is about the formula and per-sample indexing.


def _t(values) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.int64)


def _tol(a: dict) -> Tol:
    # The contract: about 1e-4 times the largest value (float32 cumprod over T = 1000 steps
    # and 1 − ᾱ_t near t = 0 lose a few 1e-5 relative).
    m = max(1.0, float(a["x0"].abs().max()), float(a["noise"].abs().max()))
    return Tol(atol=1e-4 * m, rtol=0.0)


@also_in(torch.float64)
def cases():
    specs = [
        ("[B, D] = [4, 6], linear schedule T = 1000, t = 0 and t = T − 1 in one batch",
         randn(4, 6, seed=1), _t([0, 999, 500, 1]), linear_betas(1000)),
        ("B = 1", randn(1, 5, seed=2, scale=2.0), _t([250]), linear_betas(1000)),
        ("images [3, 2, 5, 7] in [-1, 1], cosine schedule T = 1000",
         rand(3, 2, 5, 7, seed=3, low=-1.0, high=1.0), _t([0, 999, 37]), cosine_betas(1000)),
        ("[6, 6]: batch size equal to the feature size", randn(6, 6, seed=4),
         _t([3, 999, 0, 640, 120, 998]), linear_betas(1000)),
        ("images [5, 3, 4, 5]: batch size equal to the width",
         rand(5, 3, 4, 5, seed=5, low=-1.0, high=1.0), _t([999, 0, 10, 400, 800]),
         cosine_betas(1000)),
        ("small T = 7 with uneven betas, repeated t", randn(8, 3, seed=6),
         _t([0, 6, 3, 3, 0, 6, 1, 5]), rand(7, seed=60, low=0.01, high=0.3)),
        ("T = 1 (a single step)", randn(3, 4, seed=7), _t([0, 0, 0]), torch.tensor([0.3])),
        ("sequences [4, 9, 2], scaled-linear schedule T = 1000", randn(4, 9, 2, seed=8),
         randint(0, 1000, (4,), seed=80), scaled_linear_betas(1000)),
        ("larger batch [16, 33], T = 50", randn(16, 33, seed=9, scale=3.0),
         randint(0, 50, (16,), seed=90), linear_betas(50, 1e-3, 0.2)),
    ]
    for i, (name, x0, t, betas) in enumerate(specs):
        noise = randn(*x0.shape, seed=1000 + i)
        a = {"x0": x0, "t": t, "noise": noise, "betas": betas}
        yield Case(name, a, tol=_tol(a))


# --- reference and known mistakes (float64) --------------------------------------------------

def _per_sample(v: torch.Tensor, x0: torch.Tensor) -> torch.Tensor:
    return v.reshape(-1, *([1] * (x0.dim() - 1)))


def _mix(a: dict, signal: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
    """signal/noise coefficients per sample ([B]) applied the right way."""
    return _per_sample(signal, a["x0"]) * a["x0"] + _per_sample(noise, a["x0"]) * a["noise"]


def _abar(a: dict) -> torch.Tensor:
    return torch.cumprod(1 - a["betas"], 0)


def reference(case):
    ab = _abar(case.args)[case.args["t"]]
    return _mix(case.args, ab.sqrt(), (1 - ab).sqrt())


def _beta_not_abar(case):
    b = case.args["betas"][case.args["t"]]
    return _mix(case.args, (1 - b).sqrt(), b.sqrt())


def _no_sqrt(case):
    ab = _abar(case.args)[case.args["t"]]
    return _mix(case.args, ab, 1 - ab)


def _no_sqrt_noise(case):
    ab = _abar(case.args)[case.args["t"]]
    return _mix(case.args, ab.sqrt(), 1 - ab)


def _abar_prev(case):  # exclusive cumprod: ᾱ_{t−1}, with ᾱ_{−1} = 1
    a = case.args
    ab = torch.cat([torch.ones(1, dtype=a["betas"].dtype), _abar(a)])[a["t"]]
    return _mix(a, ab.sqrt(), (1 - ab).sqrt())


def _abar_wrapped(case):  # alphas_cumprod[t - 1]: t read as 1-based, t = 0 wraps to T − 1
    a = case.args
    ab = _abar(a)[a["t"] - 1]
    return _mix(a, ab.sqrt(), (1 - ab).sqrt())


def _abar_next(case):  # ᾱ_{t+1}: t read as 1-based
    a = case.args
    ab = _abar(a)[a["t"] + 1]
    return _mix(a, ab.sqrt(), (1 - ab).sqrt())


def _cumprod_betas(case):
    ab = torch.cumprod(case.args["betas"], 0)[case.args["t"]]
    return _mix(case.args, ab.sqrt(), (1 - ab).sqrt())


def _whole_schedule(case):
    a = case.args
    ab = torch.prod(1 - a["betas"]).expand(a["t"].shape)
    return _mix(a, ab.sqrt(), (1 - ab).sqrt())


def _first_t(case):
    a = case.args
    ab = _abar(a)[a["t"][0]].expand(a["t"].shape)
    return _mix(a, ab.sqrt(), (1 - ab).sqrt())


def _last_dim(case):  # ᾱ_t[B] broadcast against the LAST dim of x0 (only runs if it is B)
    a = case.args
    ab = _abar(a)[a["t"]]
    if a["x0"].shape[-1] != ab.shape[0] or a["x0"].dim() < 2:
        raise ValueError("does not broadcast")
    return ab.sqrt() * a["x0"] + (1 - ab).sqrt() * a["noise"]


VARIANTS = [
    Variant("you used β_t, the one-step noise, instead of ᾱ_t = ∏_{s≤t}(1 − β_s): "
            "q(x_t | x_0) jumps from x_0 in one go, so it needs the cumulative product",
            _beta_not_abar),
    Variant("ᾱ_t is the product of α_s = 1 − β_s, not of the β_s themselves",
            _cumprod_betas),
    Variant("take square roots: x_t = sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise (the coefficients "
            "are standard deviations, not variances)", _no_sqrt),
    Variant("the noise coefficient is sqrt(1 − ᾱ_t), not 1 − ᾱ_t", _no_sqrt_noise),
    Variant("off by one: you used ᾱ_{t−1} (an exclusive cumprod, alphas_cumprod_prev); "
            "t is 0-based and ᾱ_t = ∏_{s≤t}(1 − β_s) includes step t, so t = 0 already "
            "adds noise", _abar_prev),
    Variant("off by one: you indexed alphas_cumprod[t − 1] as if t were 1-based (and t = 0 "
            "wrapped around to the last step); t is 0-based: ᾱ_t = cumprod(1 − betas)[t]",
            _abar_wrapped),
    Variant("off by one: you used ᾱ_{t+1}; t is 0-based, so ᾱ_t = cumprod(1 − betas)[t]",
            _abar_next),
    Variant("you used ᾱ of the whole schedule (the full product) for every sample; gather "
            "each sample's own ᾱ_t with alphas_cumprod[t]", _whole_schedule),
    Variant("every sample got the timestep of the first one; t holds one timestep per "
            "sample: gather alphas_cumprod[t] (shape [B])", _first_t),
    Variant("ᾱ_t has shape [B] and broadcast against the LAST dim of x0; reshape it to "
            "[B, 1, ..., 1] so each sample gets its own coefficient", _last_dim),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and torch.isnan(out).any():
        return "NaN: is 1 − ᾱ_t negative somewhere? ᾱ_t = cumprod(1 − betas) lies in (0, 1]"
    return None
