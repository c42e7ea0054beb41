"""Checker for `dpo-loss`: the DPO formula in float64, with gradients w.r.t. the policy."""

import torch
import torch.nn.functional as F

from study.kata.toolkit import Case, Tol, Variant, also_in, randn

_GRAD = ("policy_chosen_logps", "policy_rejected_logps")


def _args(b, seed, beta, eps=0.0, spread=5.0, level=-80.0):
    base_w = randn(b, seed=seed, scale=20.0, mean=level)
    base_l = randn(b, seed=seed + 1, scale=20.0, mean=level)
    return {"policy_chosen_logps": base_w + randn(b, seed=seed + 2, scale=spread),
            "policy_rejected_logps": base_l + randn(b, seed=seed + 3, scale=spread),
            "ref_chosen_logps": base_w, "ref_rejected_logps": base_l,
            "beta": beta, "label_smoothing": eps}


def _tol(a):
    # float32 differences of log-probs of magnitude M lose about 1e-7·M each.
    m = max(float(a[k].abs().max()) for k in ("policy_chosen_logps", "policy_rejected_logps",
                                               "ref_chosen_logps", "ref_rejected_logps"))
    return Tol(atol=1e-6 + 8e-7 * a["beta"] * m, rtol=2e-5)


@also_in(torch.float64)
def cases():
    specs = [(1, 0.1, 0.0, 1), (7, 0.1, 0.0, 2), (16, 0.5, 0.0, 3), (33, 0.05, 0.0, 4),
             (8, 0.1, 0.1, 5), (5, 1.0, 0.25, 6)]
    for b, beta, eps, seed in specs:
        a = _args(b, seed * 10, beta, eps)
        name = f"B={b}, beta={beta}" + (f", label_smoothing={eps}" if eps else "")
        yield Case(name, a, tol=_tol(a), grad=_GRAD)
    a = _args(6, 70, 1.0, 0.0, spread=300.0)
    yield Case("large margins (|z| up to ~1000): stable log-sigmoid", a, tol=_tol(a), grad=_GRAD)
    a = _args(6, 80, 0.5, 0.2, spread=300.0)
    yield Case("large margins with label smoothing", a, tol=_tol(a), grad=_GRAD)
    a = _args(4, 90, 0.1, 0.0, spread=0.0)
    yield Case("policy equals reference (z = 0, loss = log 2)", a, tol=_tol(a), grad=_GRAD)


def _loss(a, *, ref_sign=1.0, use_ref=True, beta_inside=True, smooth_swap=False,
          reduce="mean"):
    beta, eps = a["beta"], a["label_smoothing"]
    if smooth_swap:
        eps = 1 - eps
    pi = a["policy_chosen_logps"] - a["policy_rejected_logps"]
    ref = a["ref_chosen_logps"] - a["ref_rejected_logps"]
    diff = pi - ref_sign * ref if use_ref else pi
    z = beta * diff if beta_inside else diff
    losses = -(1 - eps) * F.logsigmoid(z) - eps * F.logsigmoid(-z)
    if not beta_inside:
        losses = beta * losses
    return losses.sum() if reduce == "sum" else losses.mean()


def reference(case):
    return _loss(case.args)


def _v(**kw):
    return lambda case: _loss(case.args, **kw)


def _if(cond, **kw):
    return lambda case: _loss(case.args, **kw) if cond(case.args) else None


VARIANTS = [
    Variant("the reference log-ratio enters with the wrong sign: z = beta·[(π_w − π_l) − "
            "(ref_w − ref_l)], i.e. each completion's log π − log π_ref", _v(ref_sign=-1.0)),
    Variant("you left out the reference model: z uses the log-ratios log π(y) − log "
            "π_ref(y), not the policy log-probs alone", _v(use_ref=False)),
    Variant("beta scales the log-ratio difference inside the sigmoid: −log σ(beta·Δ), not "
            "beta·(−log σ(Δ))", _v(beta_inside=False)),
    Variant("label smoothing is swapped: (1 − ε) weights −log σ(z) (the chosen completion "
            "preferred) and ε weights −log σ(−z)",
            _if(lambda a: a["label_smoothing"] not in (0.0, 0.5), smooth_swap=True)),
    Variant("the loss is the mean over the batch, not the sum",
            _if(lambda a: a["policy_chosen_logps"].shape[0] > 1, reduce="sum")),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.is_floating_point() and not bool(
            torch.isfinite(out).all()):
        return ("log(sigmoid(z)) underflows to log(0) = -inf for large |z|: use "
                "F.logsigmoid(z) (or -F.softplus(-z))")
    g = [got.get(f"grad.{k}") for k in _GRAD]
    if any(isinstance(t, torch.Tensor) and not bool(torch.isfinite(t).all()) for t in g):
        return ("the gradient is NaN/inf for large |z|: log(sigmoid(z)) is unstable, use "
                "F.logsigmoid(z)")
    return None
