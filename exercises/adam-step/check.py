"""Checker for `adam-step`.

Each case runs the learner's `adam_step` for K consecutive steps on the same state
tensors (a custom `drive`), with the per-step gradients stacked in the `grads` argument
and `step` the number of the first update (1 for a fresh optimizer, more when resuming).
The reference is torch.optim.Adam / AdamW itself, in float64, over the same gradients,
starting from the same state.
"""

import math

import torch

from study.kata.presets import FUSED_OPTIM_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, generator, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_STATE = _drive._STATE

BAN = Ban(
    functions=("torch._fused_adam_", "torch._fused_adamw_", "torch._fused_adam",
               "torch._fused_adamw", "torch._fused_sgd_", "torch._fused_adagrad_"),
    aten=("aten::_fused_adam_", "aten::_fused_adam", "aten::_fused_adamw_", "aten::_fused_adamw",
          "aten::_fused_sgd_", "aten::_fused_sgd", "aten::_fused_adagrad_",
          "aten::_fused_adagrad"),
    modules=("torch.optim", "torch.distributed.optim"),
    families=(FUSED_OPTIM_FAMILY,),
    reason="the Adam update is what this kata asks you to write; everything in torch.optim "
           "is off limits (torch._foreach_* ops are fine)",
)


def reference(case):
    a = case.args
    param = a["param"]
    opt_cls = torch.optim.AdamW if a["decoupled_weight_decay"] else torch.optim.Adam
    opt = opt_cls([param], lr=a["lr"], betas=a["betas"], eps=a["eps"],
                  weight_decay=a["weight_decay"], amsgrad=False, foreach=False)
    # Resume from the case's state (a fresh optimizer when step == 1 and the moments are 0).
    opt.state[param] = {"step": torch.tensor(float(a["step"] - 1)),
                        "exp_avg": a["exp_avg"].clone(), "exp_avg_sq": a["exp_avg_sq"].clone()}
    for g in a["grads"]:
        param.grad = g.clone()
        opt.step()
    a["exp_avg"].copy_(opt.state[param]["exp_avg"])
    a["exp_avg_sq"].copy_(opt.state[param]["exp_avg_sq"])
    param.grad = None
    return {}


def _manual(case, *, bias_correction=True, step_offset=0, swap_decay=False, no_decay=False,
            decay_without_lr=False, eps_in_sqrt=False, eps_hat=False, store_corrected=False,
            swap_betas=False):
    """Adam in float64 written out, with one known mistake switched on."""
    a = case.args
    p, m, v = a["param"].clone(), a["exp_avg"].clone(), a["exp_avg_sq"].clone()
    lr, eps, wd = a["lr"], a["eps"], a["weight_decay"]
    b1, b2 = a["betas"][::-1] if swap_betas else a["betas"]
    decoupled = a["decoupled_weight_decay"] != swap_decay
    if no_decay:
        wd = 0.0
    for i, g in enumerate(a["grads"]):
        t = a["step"] + i + step_offset
        if wd:
            if decoupled:
                p = p * (1 - (wd if decay_without_lr else lr * wd))
            else:
                g = g + wd * p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        bc1 = 1 - b1**t if bias_correction else 1.0
        bc2 = 1 - b2**t if bias_correction else 1.0
        if eps_hat:  # the paper's "efficient" form: eps is not scaled by sqrt(bc2)
            p = p - lr * math.sqrt(bc2) / bc1 * m / (v.sqrt() + eps)
        elif eps_in_sqrt:
            p = p - lr * (m / bc1) / (v / bc2 + eps).sqrt()
        else:
            p = p - lr * (m / bc1) / ((v / bc2).sqrt() + eps)
        if store_corrected:
            m, v = m / bc1, v / bc2
    if not all(bool(torch.isfinite(t).all()) for t in (p, m, v)):
        return None  # e.g. 1 - beta**0 = 0 at step 1: a NaN variant would match anything
    return {"param": p, "exp_avg": m, "exp_avg_sq": v}  # flattened to out.param, ...


def _v(**kw):
    return lambda case: _manual(case, **kw)


def _if_decay(**kw):
    return lambda case: _manual(case, **kw) if case.args["weight_decay"] else None


def _if_decoupled(**kw):
    return lambda case: (_manual(case, **kw) if case.args["weight_decay"]
                         and case.args["decoupled_weight_decay"] else None)


# A variant must match all three tensors: matching the parameter alone would blame a
# mistake in the moments on a variant that only differs from the reference elsewhere.
_P = ("out.param", "out.exp_avg", "out.exp_avg_sq")

VARIANTS = [
    Variant("you skipped the bias correction: divide exp_avg by 1 - beta1**step and exp_avg_sq "
            "by 1 - beta2**step (both moments start at 0, so early averages are too small)",
            _v(bias_correction=False), keys=_P),
    Variant("the bias correction uses the wrong step: `step` is already 1 at the first update, "
            "so use 1 - beta**step, not 1 - beta**(step + 1)", _v(step_offset=1), keys=_P),
    Variant("the bias correction uses the wrong step: `step` is 1 at the first update, so use "
            "1 - beta**step, not 1 - beta**(step - 1)", _v(step_offset=-1), keys=_P),
    Variant("weight decay is applied the wrong way round: decoupled_weight_decay=False is "
            "Adam's L2 (grad = grad + weight_decay * param, before the moments); True is "
            "AdamW (param *= 1 - lr * weight_decay, outside the moments)",
            _if_decay(swap_decay=True), keys=_P),
    Variant("you ignored weight_decay", _if_decay(no_decay=True), keys=_P),
    Variant("AdamW's decay is scaled by the learning rate: param *= 1 - lr * weight_decay, not "
            "1 - weight_decay", _if_decoupled(decay_without_lr=True), keys=_P),
    Variant("eps goes outside the square root: denom = sqrt(exp_avg_sq / (1 - beta2**step)) "
            "+ eps, not sqrt(... + eps)", _v(eps_in_sqrt=True), keys=_P),
    Variant("you used the Adam paper's 'efficient' form (step size lr * sqrt(1 - beta2**t) / "
            "(1 - beta1**t) with sqrt(exp_avg_sq) + eps): PyTorch divides sqrt(exp_avg_sq) by "
            "sqrt(1 - beta2**t) first and then adds eps, which differs when eps matters",
            _v(eps_hat=True), keys=_P),
    Variant("you stored the bias-corrected moments back into exp_avg / exp_avg_sq: the state "
            "must keep the raw moving averages; correct a copy", _v(store_corrected=True),
            keys=_P),
    Variant("beta1 and beta2 are swapped: betas = (beta1, beta2), beta1 for exp_avg (the "
            "gradient), beta2 for exp_avg_sq (the squared gradient)", _v(swap_betas=True),
            keys=_P),
]


def diagnose(case, got, want):
    a = case.args
    p = got.get("after.param")
    if isinstance(p, torch.Tensor) and not bool(torch.isfinite(p).all()):
        if a["step"] == 1:
            return ("at the first update step = 1, so 1 - beta**step is 1 - beta, not 0: did "
                    "you use step - 1, or divide by zero somewhere?")
        return "your update produced inf/NaN: eps belongs in the denominator, after the sqrt"
    for name in _STATE:
        t = got.get(f"after.{name}")
        if isinstance(t, torch.Tensor) and t.shape == a[name].shape and torch.equal(
                t.to(a[name].dtype), a[name]) and not torch.equal(
                want[f"after.{name}"].to(a[name].dtype), a[name]):
            hint = (" (if you did, the update came out as 0: is 1 - beta2**step zero at the "
                    "first step?)" if name == "param" and a["step"] == 1 else "")
            return (f"{name} was not updated: change it in place ({name}.mul_, .add_, "
                    f".addcdiv_, .copy_); `{name} = ...` only rebinds your local name{hint}")
    return None


def _tol(case_args) -> Tol:
    # K steps in float32: the parameter picks up about half an ulp of rounding per step
    # (rtol grows with K), the moments about 1e-7 of the gradient scale (atol), and the
    # update itself a few float32 ulps of lr per step.
    a = case_args
    k = a["grads"].shape[0]
    scale = max(float(a["param"].abs().max()), float(a["grads"].abs().max()), 1e-3)
    return Tol(atol=2e-7 * scale + 2e-5 * a["lr"] * k, rtol=4e-6 + 4e-7 * k)


def _case(name, *, shape, k, seed, step=1, lr=1e-3, betas=(0.9, 0.999), eps=1e-8,
          weight_decay=0.0, decoupled=False, grad_scale=1.0, state=False, zeros=False,
          mixed=False):
    gen = generator(seed)
    param = torch.randn(shape, generator=gen, dtype=torch.float64)
    grads = torch.randn((k, *shape), generator=gen, dtype=torch.float64) * grad_scale
    if mixed:  # every element its own gradient scale, from 1e-3 to 1e2
        grads = grads * 10.0 ** torch.empty(shape, dtype=torch.float64).uniform_(
            -3, 2, generator=gen)
    if zeros:
        grads[:, torch.rand(shape, generator=gen) < 0.3] = 0.0
    exp_avg = torch.zeros(shape, dtype=torch.float64)
    exp_avg_sq = torch.zeros(shape, dtype=torch.float64)
    if state:  # resuming: moments as a run of earlier steps would have left them
        exp_avg = torch.randn(shape, generator=gen, dtype=torch.float64) * 0.1 * grad_scale
        exp_avg_sq = (torch.rand(shape, generator=gen, dtype=torch.float64) + 0.05) * grad_scale**2
    args = {"param": param.float(), "grads": grads.float(), "exp_avg": exp_avg.float(),
            "exp_avg_sq": exp_avg_sq.float(), "step": step, "lr": lr, "betas": betas, "eps": eps,
            "weight_decay": weight_decay, "decoupled_weight_decay": decoupled}
    return Case(name, args, tol=_tol(args), mutable=_STATE)


@also_in(torch.float64)
def cases():
    yield _case("the first update, from zero moments", shape=(7,), k=1, seed=1)
    yield _case("20 steps, default hyper-parameters", shape=(5, 3), k=20, seed=2)
    yield _case("Adam with L2 weight decay 0.1 (decoupled=False), 15 steps", shape=(6, 4),
                k=15, seed=3, lr=1e-2, weight_decay=0.1)
    yield _case("AdamW, weight decay 0.05 (decoupled=True), 15 steps", shape=(6, 4), k=15,
                seed=4, lr=1e-2, weight_decay=0.05, decoupled=True)
    yield _case("AdamW with strong decay (lr 0.05, weight decay 0.5), 10 steps", shape=(9,),
                k=10, seed=5, lr=0.05, weight_decay=0.5, decoupled=True)
    yield _case("Adam L2 with strong decay (lr 0.05, weight decay 0.5), 10 steps", shape=(9,),
                k=10, seed=6, lr=0.05, weight_decay=0.5)
    yield _case("betas (0.8, 0.99), lr 0.1, 10 steps", shape=(4, 4, 2), k=10, seed=7, lr=0.1,
                betas=(0.8, 0.99))
    yield _case("betas (0.5, 0.9), 12 steps", shape=(11,), k=12, seed=8, lr=3e-3,
                betas=(0.5, 0.9))
    yield _case("eps 1e-3 with small gradients (about 0.01)", shape=(3, 5), k=8, seed=9,
                lr=1e-2, eps=1e-3, grad_scale=0.01)
    yield _case("resuming at step 51 from saved moments", shape=(8,), k=5, seed=10, step=51,
                lr=1e-2, state=True)
    yield _case("resuming at step 1000, AdamW", shape=(2, 5), k=4, seed=11, step=1000,
                lr=1e-2, weight_decay=0.1, decoupled=True, state=True)
    yield _case("a scalar (0-dim) parameter, 6 steps", shape=(), k=6, seed=12, lr=0.05)
    yield _case("a larger matrix [64, 33], AdamW, 8 steps", shape=(64, 33), k=8, seed=13,
                lr=3e-4, weight_decay=0.01, decoupled=True)
    yield _case("gradients of mixed scales (1e-3 to 1e2)", shape=(40,), k=10, seed=14,
                lr=1e-2, mixed=True)
    yield _case("some gradients exactly zero (0 / (0 + eps) = 0)", shape=(20,), k=6, seed=15,
                lr=1e-2, zeros=True)
