"""Checker for `classifier-free-guidance`.

`drive` builds a small fixed ε-model (per-sample, nonlinear in x, t and c, with weights
from the case) on the solution's device, counts its calls and the batch each call saw, and
passes it to the solution. The reference runs the same model in float64, twice.
"""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randint, randn, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_model_fn = _drive._model_fn

# Nothing is banned: the kata is the guidance formula and the single batched call.


def _case(name, shape, E, w, seed):
    B, C = shape[0], shape[1]
    args = {"x_t": randn(*shape, seed=seed), "t": randint(0, 1000, (B,), seed=seed + 1),
            "cond": randn(B, E, seed=seed + 2), "null_cond": randn(E, seed=seed + 3, scale=0.5),
            "guidance_scale": w}
    extra = {"w_c": randn(E, C, seed=seed + 4, scale=0.7), "w_x": torch.tensor(0.8)}
    return Case(name, args, tol=Tol(atol=2e-6 * (1 + abs(w)), rtol=1e-5), extra=extra)


@also_in(torch.float64)
def cases():
    yield _case("one sample [1, 3, 4, 4], w = 7.5", (1, 3, 4, 4), 5, 7.5, 10)
    yield _case("batch [2, 4, 5, 5], w = 7.5", (2, 4, 5, 5), 8, 7.5, 20)
    yield _case("sequence-shaped [3, 2, 7], w = 3.0", (3, 2, 7), 4, 3.0, 30)
    yield _case("odd batch [5, 1, 3, 3], w = 2.0", (5, 1, 3, 3), 3, 2.0, 40)
    yield _case("w = 1 gives the conditional prediction [4, 3, 2, 2]", (4, 3, 2, 2), 6, 1.0, 50)
    yield _case("w = 0 gives the unconditional prediction [3, 2, 3]", (3, 2, 3), 5, 0.0, 60)
    yield _case("negative w = -0.5 [2, 3, 6]", (2, 3, 6), 7, -0.5, 70)
    yield _case("[B, C] inputs [6, 4], w = 5.0", (6, 4), 3, 5.0, 80)


def _eps(case):
    a = case.args
    model = _model_fn(case.extra["w_c"].double(), case.extra["w_x"].double())
    B = a["x_t"].shape[0]
    eps_u = model(a["x_t"], a["t"], a["null_cond"].expand(B, -1))
    eps_c = model(a["x_t"], a["t"], a["cond"])
    return eps_u, eps_c


def reference(case):
    eps_u, eps_c = _eps(case)
    return eps_u + case.args["guidance_scale"] * (eps_c - eps_u)


def _paper_form(case):
    eps_u, eps_c = _eps(case)
    return eps_c + case.args["guidance_scale"] * (eps_c - eps_u)


def _swapped(case):
    eps_u, eps_c = _eps(case)
    return eps_c + case.args["guidance_scale"] * (eps_u - eps_c)


def _cond_only(case):
    return _eps(case)[1]


def _uncond_only(case):
    return _eps(case)[0]


def _zero_null(case):
    a = case.args
    model = _model_fn(case.extra["w_c"].double(), case.extra["w_x"].double())
    eps_u = model(a["x_t"], a["t"], torch.zeros_like(a["cond"]))
    eps_c = model(a["x_t"], a["t"], a["cond"])
    return eps_u + a["guidance_scale"] * (eps_c - eps_u)


VARIANTS = [
    Variant("you swapped the conditional and unconditional predictions: the unconditional "
            "half is the one run with null_cond; check the order you concatenated and the "
            "order you unpack .chunk(2)", _swapped),
    Variant("you used cond + w·(cond − uncond), the paper's (1 + w)ε_c − wε_u with the same "
            "w; the contract is the diffusers convention uncond + w·(cond − uncond), where "
            "w = 1 gives the conditional prediction", _paper_form),
    Variant("you returned the conditional prediction alone: the guided prediction is "
            "eps_u + w·(eps_c − eps_u), with eps_u from the null embedding", _cond_only),
    Variant("you returned the unconditional prediction alone (did both halves use "
            "null_cond?): the guided prediction is eps_u + w·(eps_c − eps_u)", _uncond_only),
    Variant("the unconditional half must use the given null_cond (the embedding of the "
            "empty prompt), not zeros", _zero_null),
]


def check(case, got, want):
    n = got.get("info.ncalls")
    B = case.args["x_t"].shape[0]
    if n != 1:
        return [f"you called the model {n} times; call it exactly once, on a batch "
                f"of 2B = {2 * B} (torch.cat both halves, then .chunk(2) the result)"]
    rows = [got.get(f"info.{k}_rows") for k in ("x", "t", "c")]
    if rows != [2 * B] * 3:
        return [f"the model saw {rows} rows of (x, t, c); it must see 2B = {2 * B} "
                f"rows of each"]
    return []
