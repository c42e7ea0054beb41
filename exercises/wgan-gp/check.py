"""Checker for `wgan-gp`.

`drive` builds a small fixed critic (a per-sample two-layer tanh MLP, weights from the case,
on the solution's device), calls the solution with it and takes the gradients of the
penalty w.r.t. `real` and `fake` (they exist only if the solution used create_graph=True).
The reference does the same in float64.
"""

import torch

from study.kata.toolkit import Case, Tol, Variant, rand, randn, sibling

_drive = sibling(__file__, "drive")  # the model and helpers the sandbox uses too
_critic = _drive._critic

# Nothing is banned: torch.autograd.grad is the tool this kata is about.


def _case(name, shape, seed, lam=10.0, hidden=16, wscale=1.0, alpha=None):
    d = 1
    for s in shape[1:]:
        d *= s
    B = shape[0]
    args = {"real": randn(*shape, seed=seed), "fake": randn(*shape, seed=seed + 1, scale=0.5),
            "alpha": rand(B, seed=seed + 2) if alpha is None else alpha, "lambda_gp": lam}
    extra = {"w1": randn(d, hidden, seed=seed + 3, scale=wscale / d ** 0.5),
             "b1": randn(hidden, seed=seed + 4, scale=0.1),
             "w2": randn(hidden, 1, seed=seed + 5, scale=2.0 / hidden ** 0.5)}
    return Case(name, args, tol=Tol(atol=1e-5 * max(1.0, lam), rtol=1e-4),
                grad=("real", "fake"), extra=extra)


def cases():
    yield _case("one sample [1, 4]", (1, 4), 10)
    yield _case("batch [6, 10]", (6, 10), 20)
    yield _case("images [3, 2, 4, 4] (norm over C·H·W)", (3, 2, 4, 4), 30)
    yield _case("odd batch [5, 3, 7], lambda = 1", (5, 3, 7), 40, lam=1.0)
    yield _case("steep critic (gradient norms > 1) [4, 8]", (4, 8), 50, wscale=4.0)
    yield _case("flat critic (gradient norms < 1) [4, 8]", (4, 8), 60, wscale=0.2)
    yield _case("alpha at the ends (0 and 1) [2, 5]", (2, 5), 70,
                alpha=torch.tensor([0.0, 1.0]))


def _penalty(case, mix=None, norm=None, at=None, lam=True, one_sided=False):
    a = case.args
    real, fake, alpha = a["real"], a["fake"], a["alpha"]
    critic = _critic(case.extra["w1"].double(), case.extra["w2"].double(),
                     case.extra["b1"].double())
    al = alpha.view(-1, *([1] * (real.dim() - 1)))
    x_hat = mix(al, real, fake) if mix else al * real + (1 - al) * fake
    if at is not None:
        x_hat = at(real, fake)
    if not x_hat.requires_grad:
        x_hat.requires_grad_(True)
    (g,) = torch.autograd.grad(critic(x_hat).sum(), x_hat, create_graph=True)
    n = norm(g) if norm else g.flatten(1).norm(2, dim=1)
    gap = torch.relu(n - 1) if one_sided else n - 1
    return (a["lambda_gp"] if lam else 1.0) * (gap ** 2).mean()


def reference(case):
    return _penalty(case)


VARIANTS = [
    Variant("alpha weighs the real sample: x̂ = alpha·real + (1 − alpha)·fake; you swapped "
            "them", lambda c: _penalty(c, mix=lambda a, r, f: a * f + (1 - a) * r)),
    Variant("you took one norm over the whole batch's gradient: the norm is per sample, over "
            "that sample's elements (grads.flatten(1).norm(dim=1))",
            lambda c: _penalty(c, norm=lambda g: g.norm().expand(g.shape[0]))),
    Variant("you used the squared norm ‖g‖²: the penalty is (‖g‖₂ − 1)², with the norm itself",
            lambda c: _penalty(c, norm=lambda g: (g.flatten(1) ** 2).sum(1))),
    Variant("the norm runs over all of a sample's elements, not only the last dimension: "
            "flatten each sample first",
            lambda c: _penalty(c, norm=lambda g: g.norm(dim=-1))),
    Variant("the WGAN-GP penalty is two-sided: (‖g‖ − 1)² also when ‖g‖ < 1 (you used "
            "max(0, ‖g‖ − 1)²)", lambda c: _penalty(c, one_sided=True)),
    Variant("you left out lambda_gp: multiply the mean by it",
            lambda c: _penalty(c, lam=False)),
    Variant("the gradient is taken at the interpolates x̂, not at the real samples",
            lambda c: _penalty(c, at=lambda r, f: r.detach().clone())),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.shape == want["out"].shape:
        err = abs(float(out) - float(want["out"]))
        if err <= case.tol.atol + case.tol.rtol * abs(float(want["out"])):
            if got.get("grad.real") is None or got.get("grad.fake") is None:
                return ("the value is right but no gradient flows back through it: call "
                        "torch.autograd.grad(..., create_graph=True) and do not detach")
            return ("the value is right but its gradients are not: keep the graph from real "
                    "and fake to x̂ (no .detach(), no torch.no_grad) and use create_graph=True")
    return None
