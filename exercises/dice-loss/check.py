"""Checker for `dice-loss` (soft Dice, per sample and per class, MONAI's DiceLoss)."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randint, randn


def _case(name, logits, target, smooth=1.0, grad=True):
    # The loss is O(1) (float32 sums of values in [0, 1]: rtol covers it); the gradient
    # entries are O(1 / numel), so atol is scaled down with the size.
    tol = Tol(atol=max(2e-7, 2e-4 / logits.numel()), rtol=1e-4)
    return Case(name, {"logits": logits, "target": target, "smooth": smooth}, tol=tol,
                grad=("logits",) if grad else ())


@also_in(torch.float64)
def cases():
    shapes = [(1, 2, (7,)), (2, 3, (5, 4)), (3, 4, (6,)), (2, 5, (3, 3, 2)), (4, 3, (1, 1)),
              (1, 6, (9, 11))]
    for i, (n, c, sp) in enumerate(shapes):
        logits = randn(n, c, *sp, seed=10 + i, scale=2.0)
        target = randint(0, c, (n, *sp), seed=30 + i)
        yield _case(f"random logits{[n, c, *sp]}", logits, target)
    # Class 3 is absent from the target of every sample: its dice is s / (Σp + s).
    logits = randn(2, 4, 6, 5, seed=50, scale=2.0)
    target = randint(0, 3, (2, 6, 5), seed=51)
    yield _case("a class absent from the target", logits, target)
    yield _case("smooth = 1e-5", randn(3, 3, 8, seed=52, scale=2.0),
                randint(0, 3, (3, 8), seed=53), smooth=1e-5)
    yield _case("smooth = 10", randn(2, 3, 4, 4, seed=54), randint(0, 3, (2, 4, 4), seed=55),
                smooth=10.0)
    yield _case("a single class (C = 1): the loss is 0", randn(2, 1, 5, seed=56),
                torch.zeros(2, 5, dtype=torch.int64))
    # Samples of very different sizes of foreground: pooling them changes the answer.
    target = torch.zeros(2, 10, 10, dtype=torch.int64)
    target[0, :8, :8] = 1
    target[1, 4:5, 4:6] = 1
    yield _case("one large and one tiny foreground (samples are not pooled)",
                randn(2, 2, 10, 10, seed=57, scale=2.0), target)
    target = randint(0, 4, (2, 7, 3), seed=58)
    perfect = torch.nn.functional.one_hot(target, 4).movedim(-1, 1).float() * 40.0 - 20.0
    yield _case("confident, correct predictions (the loss is about 0)", perfect, target)
    big = randn(2, 3, 9, seed=59, scale=1e4).clamp(-1e4, 1e4)
    yield _case("large logits (±1e4)", big, randint(0, 3, (2, 9), seed=60))


def _parts(case, act="softmax", squared=False):
    logits, target = case.args["logits"], case.args["target"]
    c = logits.shape[1]
    if act == "softmax":
        p = logits.softmax(1)
    elif act == "sigmoid":
        p = logits.sigmoid()
    else:
        p = logits.softmax(-1)
    y = torch.nn.functional.one_hot(target, c).movedim(-1, 1).to(logits.dtype)
    return p, y


def _dice(case, act="softmax", squared=False, dims=None, two=2.0, nr=True, dr=True,
          skip_bg=False):
    p, y = _parts(case, act)
    s = case.args["smooth"]
    if dims is None:
        dims = tuple(range(2, p.dim()))
    inter = (p * y).sum(dims)
    total = (p * p).sum(dims) + (y * y).sum(dims) if squared else p.sum(dims) + y.sum(dims)
    dice = (two * inter + (s if nr else 0.0)) / (total + (s if dr else 0.0))
    if skip_bg:
        dice = dice[:, 1:]
    return 1.0 - dice.mean()


def reference(case):
    return _dice(case)


def _batch_dice(case):
    dims = (0,) + tuple(range(2, case.args["logits"].dim()))
    return _dice(case, dims=dims)


def _whole(case):
    if case.args["logits"].shape[1] < 2:
        raise ValueError("no background to skip")
    return _dice(case, skip_bg=True)


VARIANTS = [
    Variant("you used a sigmoid per class; the classes are exclusive here: p = softmax over "
            "dim 1", lambda c: _dice(c, act="sigmoid")),
    Variant("you took the softmax over the last (spatial) dim; the classes are dim 1",
            lambda c: _dice(c, act="last")),
    Variant("you pooled the whole batch (sums over dim 0 too, 'batch Dice'); compute the "
            "Dice per sample and per class, sums over the spatial dims only, then average",
            _batch_dice),
    Variant("you squared p and y in the denominator (the V-Net form Σp² + Σy²); this kata "
            "uses Σp + Σy", lambda c: _dice(c, squared=True)),
    Variant("the numerator is 2·I + s: you left out the factor 2",
            lambda c: _dice(c, two=1.0)),
    Variant("`smooth` goes in both the numerator and the denominator: (2·I + s) / (S + s)",
            lambda c: _dice(c, nr=False)),
    Variant("`smooth` goes in both the numerator and the denominator: (2·I + s) / (S + s) "
            "(you left it out of the denominator)", lambda c: _dice(c, dr=False)),
    Variant("you skipped the background class 0; every class counts here",
            _whole),
]


def diagnose(case, got, want):
    for key, value in got.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() \
                and not torch.isfinite(value).all():
            return (f"`{key}` is not finite: with logits of ±1e4, exp() overflows; use a "
                    "stable softmax (subtract the max over dim 1, or logits.softmax(1))")
    out, ref = got.get("out"), want.get("out")
    if isinstance(out, torch.Tensor) and out.shape == ref.shape and want.get("grad.logits") \
            is not None and got.get("grad.logits") is None:
        return "the loss is not differentiable w.r.t. the logits: no argmax, no .detach()"
    if isinstance(out, torch.Tensor) and isinstance(ref, torch.Tensor) \
            and out.shape == ref.shape and abs(float(out.double() + ref) - 1) < 1e-4:
        return "you returned the mean Dice coefficient; the loss is 1 − mean Dice"
    return None
