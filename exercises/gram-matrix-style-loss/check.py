"""Checker for `gram-matrix-style-loss`: the loss and its gradient w.r.t. `generated`,
against the d2l formula in float64. Variants name the usual normalisation slips."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn


def _gram(f, norm):
    b, c = f.shape[:2]
    x = f.reshape(b, c, -1)
    return x @ x.transpose(1, 2) / norm(f)


def _loss(case, norm=lambda f: f[0].numel(), reduce="mean"):
    gen, sty = case.args["generated"], case.args["style"]
    d = _gram(gen, norm) - _gram(sty, norm)
    if reduce == "sum":
        return (d**2).sum()
    if reduce == "gatys":  # the paper's E_l = 1 / (4 N^2 M^2) sum (G - A)^2, unnormalised G
        c, m = gen.shape[1], gen[0, 0].numel()
        return (d**2).sum() / (4 * c**2 * m**2)
    return (d**2).mean()


def reference(case):
    return _loss(case)


def _variant(**kw):
    def compute(case):
        out = _loss(case, **kw)
        (g,) = torch.autograd.grad(out, case.args["generated"]) \
            if case.args["generated"].requires_grad else (None,)
        return {"out": out} if g is None else {"out": out, "grad.generated": g}
    return compute


def _same_norm(case):
    gen, sty = case.args["generated"], case.args["style"]
    n = gen[0].numel()
    d = _gram(gen, lambda f: n) - _gram(sty, lambda f: n)
    out = (d**2).mean()
    if gen.requires_grad:
        (g,) = torch.autograd.grad(out, gen)
        return {"out": out, "grad.generated": g}
    return {"out": out}


VARIANTS = [
    Variant("the Gram matrix is not normalised: divide X X^T by C*H*W (each map by its own "
            "size)", _variant(norm=lambda f: 1.0)),
    Variant("the Gram matrix is divided by H*W only: the contract divides by C*H*W",
            _variant(norm=lambda f: f[0, 0].numel())),
    Variant("the Gram matrix is divided by B*C*H*W (the PyTorch tutorial's a*b*c*d, written "
            "for a batch of one): divide each sample's Gram by its own C*H*W",
            _variant(norm=lambda f: f.numel())),
    Variant("you summed the squared differences: the loss is their mean over the B*C*C "
            "entries", _variant(reduce="sum")),
    Variant("you used the paper's 1/(4 N^2 M^2) sum with unnormalised Gram matrices: this "
            "contract normalises G by C*H*W and takes the mean",
            _variant(norm=lambda f: 1.0, reduce="gatys")),
    Variant("both Gram matrices are divided by the generated map's size: the style map has its "
            "own H and W, so divide it by its own C*Hs*Ws",
            _same_norm),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.dim() != 0:
        return "return a single 0-dim tensor: the mean over every entry of the batch"
    return None


def _case(name, gen, sty):
    # The scale of the loss and of its gradient if no cancellation happened: float32 error
    # in G(gen) - G(style) is about 1e-7 of |G|, so atol is a small part of those scales.
    g64, s64 = gen.double(), sty.double()
    b, c = gen.shape[:2]
    ga = _gram(g64.abs(), lambda f: f[0].numel()) + _gram(s64.abs(), lambda f: f[0].numel())
    loss_scale = float((ga**2).mean())
    grad_scale = float((ga @ g64.abs().reshape(b, c, -1)).max()) * 4 / (b * c * c * gen[0].numel())
    return Case(name, {"generated": gen, "style": sty}, grad=("generated",),
                tol=Tol(atol=2e-6 * min(loss_scale, grad_scale), rtol=1e-4))


@also_in(torch.float64)
def cases():
    shapes = [((1, 1, 1, 1), (1, 1, 1, 1)), ((1, 3, 5, 7), (1, 3, 5, 7)),
              ((2, 4, 6, 6), (2, 4, 6, 6)), ((3, 5, 4, 3), (3, 5, 7, 9)),
              ((2, 16, 9, 11), (2, 16, 5, 5)), ((1, 8, 1, 13), (1, 8, 3, 2))]
    for i, (gs, ss) in enumerate(shapes):
        gen = randn(*gs, seed=20 + i)
        sty = randn(*ss, seed=40 + i, scale=1.5).abs()  # like post-ReLU features
        yield _case(f"generated {list(gs)}, style {list(ss)}", gen, sty)
    relu = randn(2, 6, 8, 8, seed=3).clamp_min(0)
    yield _case("post-ReLU features (many exact zeros)", relu, randn(2, 6, 8, 8, seed=4).relu())
    same = randn(2, 3, 4, 5, seed=5)
    yield _case("generated equals style: loss 0, gradient 0", same, same.clone())
    big = randn(1, 32, 16, 16, seed=6, scale=2.0)
    yield _case("a larger map [1, 32, 16, 16] vs a [1, 32, 10, 12] style", big,
                randn(1, 32, 10, 12, seed=7, scale=2.0))
