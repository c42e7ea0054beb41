"""Checker for `lora-linear`."""

import math

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn


def _case(name, lead, d_in, d_out, r, alpha, seed, bias=True, rslora=False, zero_b=False):
    x = randn(*lead, d_in, seed=seed, scale=1.5)
    weight = randn(d_out, d_in, seed=seed + 1, scale=d_in ** -0.5)
    b = randn(d_out, seed=seed + 2, scale=0.5) if bias else None
    lora_A = randn(r, d_in, seed=seed + 3, scale=d_in ** -0.5)
    lora_B = (torch.zeros(d_out, r) if zero_b else randn(d_out, r, seed=seed + 4, scale=0.3))
    s = alpha / (math.sqrt(r) if rslora else r)
    rows = max(1, x.numel() // d_in)
    mag = float(x.abs().max()) * (1 + abs(s)) * max(1.0, float(lora_B.abs().max()) * r)
    tol = Tol(atol=1e-6 + 2e-7 * mag * (d_in + r) ** 0.5 * rows ** 0.5, rtol=2e-5)
    return Case(name, {"x": x, "weight": weight, "bias": b, "lora_A": lora_A, "lora_B": lora_B,
                       "alpha": alpha, "use_rslora": rslora},
                tol=tol, grad=("x", "lora_A", "lora_B"))


@also_in(torch.float64)
def cases():
    yield _case("x[1, 1], r = 1", (1,), 1, 1, 1, 2.0, seed=1)
    yield _case("x[4, 8], d_out 6, r = 2, alpha 16", (4,), 8, 6, 2, 16.0, seed=10)
    yield _case("x[2, 3, 10], d_out 7, r = 4, alpha 8", (2, 3), 10, 7, 4, 8.0, seed=20)
    yield _case("no bias, x[5, 12], d_out 12, r = 3, alpha 6", (5,), 12, 12, 3, 6.0, seed=30,
                bias=False)
    yield _case("rsLoRA, x[3, 16], d_out 9, r = 4, alpha 8", (3,), 16, 9, 4, 8.0, seed=40,
                rslora=True)
    yield _case("rsLoRA, x[2, 2, 5], d_out 3, r = 9 (> d_in), alpha 3", (2, 2), 5, 3, 9, 3.0,
                seed=50, rslora=True)
    yield _case("B = 0 (fresh adapter: output equals the base layer)", (4,), 6, 5, 2, 4.0,
                seed=60, zero_b=True)
    yield _case("x[7, 13], d_out 11, r = 5, alpha 1", (7,), 13, 11, 5, 1.0, seed=70)


def reference(case):
    a = case.args
    x = a["x"]
    r = a["lora_A"].shape[0]
    s = a["alpha"] / (math.sqrt(r) if a["use_rslora"] else r)
    out = x @ a["weight"].T + s * (x @ a["lora_A"].T) @ a["lora_B"].T
    return out if a["bias"] is None else out + a["bias"]


def _with_scaling(fn):
    def compute(case):
        a = case.args
        r = a["lora_A"].shape[0]
        s = fn(a["alpha"], r, a["use_rslora"])
        right = a["alpha"] / (math.sqrt(r) if a["use_rslora"] else r)
        if abs(s - right) < 1e-12 or bool((a["lora_B"] == 0).all()):
            raise ValueError("same as the right scaling here")
        x = a["x"]
        out = x @ a["weight"].T + s * (x @ a["lora_A"].T) @ a["lora_B"].T
        return out if a["bias"] is None else out + a["bias"]
    return compute


def _no_bias(case):
    a = case.args
    if a["bias"] is None:
        raise ValueError("no bias here")
    return reference(case) - a["bias"]


VARIANTS = [
    Variant("the scaling is alpha / r; you used r / alpha",
            _with_scaling(lambda al, r, rs: (math.sqrt(r) if rs else r) / al)),
    Variant("the adapter's output must be scaled by alpha / r (alpha / sqrt(r) with "
            "use_rslora); you did not scale it", _with_scaling(lambda al, r, rs: 1.0)),
    Variant("the scaling is alpha / r, not alpha alone: divide by the rank r = lora_A.shape[0]",
            _with_scaling(lambda al, r, rs: al)),
    Variant("use_rslora was ignored or misapplied: the scaling is alpha / sqrt(r) with "
            "use_rslora=True and alpha / r without",
            _with_scaling(lambda al, r, rs: al / r if rs else al / math.sqrt(r))),
    Variant("you left out the bias of the frozen layer: y = x W^T + b + s·(x A^T) B^T",
            _no_bias),
]
