"""Checker for `clip-grad-norm`: torch.nn.utils.clip_grad_norm_ on a list of gradients."""

import math

import torch

from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randn

BAN = Ban(
    functions=("torch.nn.utils.clip_grad_norm_", "torch.nn.utils.clip_grad_norm",
               "torch.nn.utils.get_total_norm", "torch.nn.utils.clip_grads_with_norm_",
               "torch.nn.utils.clip_grad.clip_grad_norm_",
               "torch.nn.utils.clip_grad._get_total_norm",
               "torch.nn.utils.clip_grad._clip_grads_with_norm_"),
    modules=("torch.nn.utils.clip_grad",),
    reason="clipping by the global norm is what this kata asks you to write; build it from "
           "a norm, a clamp and an in-place multiply",
)

INF = float("inf")


def _case(name, shapes, max_norm, norm_type=2.0, seed=0, scales=None, zero=()):
    grads = []
    for i, shape in enumerate(shapes):
        s = 1.0 if scales is None else scales[i]
        g = randn(max(1, math.prod(shape)), seed=100 * seed + i, scale=s).reshape(shape)
        if i in zero:
            g = torch.zeros(shape)
        grads.append(g)
    n = sum(g.numel() for g in grads)
    # float32 sums of n terms; the result and the factor carry ~1e-7·sqrt(n) relative error.
    tol = Tol(atol=1e-7, rtol=2e-6 + 2e-7 * math.sqrt(n))
    return Case(name, {"grads": grads, "max_norm": max_norm, "norm_type": norm_type}, tol=tol)


@also_in(torch.float64)
def cases():
    yield _case("one vector [10], norm about 3, max_norm 1", [(10,)], 1.0, seed=1)
    yield _case("a small model: [4, 3], [4], [2, 4], [2]", [(4, 3), (4,), (2, 4), (2,)], 0.5,
                seed=2)
    yield _case("a single element [1], max_norm 0.25", [(1,)], 0.25, seed=3, scales=[3.0])
    yield _case("a 0-dim gradient among others", [(), (3, 5), (7,)], 1.5, seed=4)
    yield _case("total norm below max_norm: nothing changes", [(5, 5), (5,)], 100.0, seed=5)
    yield _case("norm_type = 1", [(6, 2), (3,), (9,)], 2.0, norm_type=1.0, seed=6)
    yield _case("norm_type = inf (largest absolute value)", [(8,), (4, 4), (2,)], 0.7,
                norm_type=INF, seed=7)
    yield _case("norm_type = 3", [(5, 3), (11,)], 1.0, norm_type=3.0, seed=8)
    yield _case("gradients of very different scales (one tensor dominates)",
                [(20,), (3, 3), (6,)], 1.0, seed=9, scales=[100.0, 0.01, 1.0])
    yield _case("an all-zero gradient tensor in the list", [(4,), (3, 2), (5,)], 0.3, seed=10,
                zero=(1,))
    yield _case("exploding gradients (norm ~1e4) of an RNN-sized model",
                [(32, 16), (32, 32), (32,), (32,)], 5.0, seed=11, scales=[300.0] * 4)


def _clip(a, total, mode="global"):
    grads, max_norm = a["grads"], a["max_norm"]
    if mode == "per_tensor":
        out = []
        for g in grads:
            n = torch.linalg.vector_norm(g, a["norm_type"])
            out.append(g * (max_norm / (n + 1e-6)).clamp(max=1.0))
        return out
    coef = max_norm / (total + 1e-6)
    if mode != "no_clamp":
        coef = coef.clamp(max=1.0)
    return [g * coef for g in grads]


def _total(a, p=None):
    p = a["norm_type"] if p is None else p
    return torch.linalg.vector_norm(
        torch.stack([torch.linalg.vector_norm(g, p) for g in a["grads"]]), p)


def reference(case):
    a = case.args
    total = _total(a)
    return {"norm": total, "grads": _clip(a, total)}


def _flat(norm, grads):
    out = {"out.norm": norm}
    for i, g in enumerate(grads):
        out[f"out.grads.{i}"] = g
    return out


def _variant(fn):
    def compute(case):
        return fn(case.args)
    return compute


def _no_clamp(a):
    total = _total(a)
    return _flat(total, _clip(a, total, "no_clamp"))


def _per_tensor(a):
    return _flat(_total(a), _clip(a, None, "per_tensor"))


def _sum_of_norms(a):
    total = torch.stack([torch.linalg.vector_norm(g, a["norm_type"]) for g in a["grads"]]).sum()
    return _flat(total, _clip(a, total))


def _l2_always(a):
    total = _total(a, 2.0)
    return _flat(total, _clip(a, total))


def _norm_after(a):
    total = _total(a)
    grads = _clip(a, total)
    return _flat(_total({**a, "grads": grads}), grads)


def _v(message, fn, with_norm=True):
    # Every case has at least one gradient: judge a variant on the norm and the first one.
    keys = (("out.norm",) if with_norm else ()) + ("out.grads.0",)
    return Variant(message, _variant(fn), keys=keys)


VARIANTS = [
    _v("never scale gradients up: the factor is min(1, max_norm / (norm + 1e-6)); when the "
       "total norm is below max_norm the gradients stay as they are", _no_clamp),
    _v("you clipped each tensor by its own norm: clip_grad_norm_ computes ONE total norm over "
       "all the gradients (as if concatenated) and scales them all by the same factor",
       _per_tensor, with_norm=False),
    _v("the total norm is not the sum of the per-tensor norms: it is the p-norm of the vector "
       "of per-tensor norms (for p = 2, sqrt of the sum of squares)", _sum_of_norms),
    _v("use norm_type: the total is the p-norm with p = norm_type (inf = the largest absolute "
       "value), not always the 2-norm", _l2_always),
    _v("return the total norm BEFORE clipping (what clip_grad_norm_ returns), not after",
       _norm_after),
]


def diagnose(case, got, want):
    orig = case.args["grads"]
    unchanged = all(isinstance(got.get(f"out.grads.{i}"), torch.Tensor)
                    and torch.equal(got[f"out.grads.{i}"].cpu(), g) for i, g in enumerate(orig))
    if unchanged:
        return ("the gradients in the list were not changed: scale them in place "
                "(g.mul_(coef)), the caller keeps its own tensors")
    return None
