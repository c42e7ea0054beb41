"""Checker for `cosine-warmup-lr`: the function is called for every step of a schedule (a
custom `drive`; `step` in the case is the list of steps) and the learning rates are compared
with the formula in float64."""

import math

import torch

from study.kata.toolkit import Ban, Case, Tol, Variant

BAN = Ban(
    modules=("torch.optim",),
    reason="the schedule is what this kata asks you to write; torch.optim.lr_scheduler is "
           "off limits",
)


def _lr(s, base, warm, total, mn, *, warm_plus1=False, over_total=False, no_min=False,
        no_clamp=False, min_on_top=False, no_warmup=False, total_minus1=False):
    if s < warm and not no_warmup:
        return base * ((s + 1) if warm_plus1 else s) / warm
    start = 0 if (over_total or no_warmup) else warm
    span = total - start - (1 if total_minus1 else 0)
    p = (s - start) / span
    if not no_clamp:
        p = min(1.0, p)
    cos = 0.5 * (1 + math.cos(math.pi * p))
    if no_min:
        return base * cos
    if min_on_top:
        return mn + base * cos
    return mn + (base - mn) * cos


def _compute(case, **kw):
    a = case.args
    return torch.tensor([_lr(s, a["base_lr"], a["warmup_steps"], a["total_steps"],
                             a["min_lr"], **kw) for s in a["step"]], dtype=torch.float64)


def reference(case):
    return _compute(case)


def _v(**kw):
    return lambda case: _compute(case, **kw)


VARIANTS = [
    Variant("the warmup is off by one: step is 0-based, so the warmup is base_lr * step / "
            "warmup_steps (0 at step 0), not (step + 1) / warmup_steps", _v(warm_plus1=True)),
    Variant("the cosine runs over all total_steps: it starts after the warmup, progress = "
            "(step - warmup_steps) / (total_steps - warmup_steps)", _v(over_total=True)),
    Variant("you ignored warmup_steps: the first warmup_steps steps ramp linearly from 0",
            _v(no_warmup=True)),
    Variant("the cosine decays to 0 instead of min_lr: min_lr + (base_lr - min_lr) * 0.5 * "
            "(1 + cos(pi * progress))", _v(no_min=True)),
    Variant("min_lr is added on top of the full cosine, so the start exceeds base_lr: scale "
            "the cosine by (base_lr - min_lr)", _v(min_on_top=True)),
    Variant("after total_steps the cosine comes back up: clamp progress at 1 so the rate "
            "stays at min_lr", _v(no_clamp=True)),
    Variant("the decay reaches min_lr one step early: divide by total_steps - warmup_steps, "
            "not total_steps - warmup_steps - 1", _v(total_minus1=True)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.numel() and bool(out[0] != 0) \
            and case.args["warmup_steps"] > 0 and case.args["step"][0] == 0:
        return "at step 0 the warmup gives a learning rate of exactly 0"
    return None


def _case(name, base, warm, total, mn=0.0, extra_steps=0):
    steps = list(range(total + 1 + extra_steps))
    return Case(name, {"step": steps, "base_lr": base, "warmup_steps": warm,
                       "total_steps": total, "min_lr": mn},
                tol=Tol(atol=1e-7 * base, rtol=2e-6))


def cases():
    yield _case("warmup 10, total 100, lr 1e-3", 1e-3, 10, 100)
    yield _case("warmup 5, total 40, min_lr 1e-5, then 10 steps past the end", 3e-4, 5, 40,
                mn=1e-5, extra_steps=10)
    yield _case("no warmup (warmup_steps = 0), total 25", 0.1, 0, 25, extra_steps=5)
    yield _case("warmup 1, total 2", 1.0, 1, 2, extra_steps=2)
    yield _case("warmup 0, total 1", 0.5, 0, 1, mn=0.05, extra_steps=3)
    yield _case("warmup 99 of 100 steps", 2e-3, 99, 100, extra_steps=1)
    yield _case("long schedule: warmup 200, total 1037, min_lr = base_lr / 10", 6e-4, 200,
                1037, mn=6e-5, extra_steps=20)
    yield _case("min_lr equal to base_lr (a constant after warmup)", 1e-2, 3, 17, mn=1e-2,
                extra_steps=3)
