"""Checker for `broadcasting-puzzles`: four classic broadcasting results in one call.

The values are compared with float64 references; a custom `drive` also counts the tensor
operations (aten ops at dispatch, views and indexing included) the call makes, and
`check` rejects more than _MAX_OPS of them: a vectorised answer needs about 20, a Python
loop over the rows or the classes of the big case needs hundreds.
"""

import torch

from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randint, randn

BAN = Ban(
    functions=("torch.cdist", "torch.nn.functional.pdist", "torch.pdist",
               "torch.nn.functional.pairwise_distance", "torch.pairwise_distance",
               "torch.nn.functional.one_hot", "torch.nn.functional.normalize",
               "torch.nn.functional.cosine_similarity", "torch.cosine_similarity",
               "torch._euclidean_dist", "torch._cdist_forward",
               # leaving torch for lists or NumPy would hide a loop from the op count
               "torch.Tensor.tolist", "torch.Tensor.numpy", "torch.Tensor.item"),
    aten=("aten::cdist", "aten::_cdist_forward", "aten::_euclidean_dist", "aten::pdist",
          "aten::_pdist_forward", "aten::pairwise_distance", "aten::one_hot",
          "aten::cosine_similarity"),
    families=(r"cdist|pdist|pairwise_distance|one_hot|cosine_similarity|euclidean_dist",),
    reason="these puzzles are about writing the broadcast yourself: torch.cdist, pdist, "
           "pairwise_distance, F.one_hot and F.normalize would do it for you, and "
           ".tolist()/.numpy()/.item() loops leave tensors behind (stay in torch)",
)

_MAX_OPS = 100


def _sq_dists(x, y):
    return ((x[:, None, :] - y[None, :, :]) ** 2).sum(dim=-1)


def reference(case):
    a = case.args
    x, y, labels, c = a["x"], a["y"], a["labels"], a["num_classes"]
    norms = x.norm(dim=1, keepdim=True)
    one_hot = (labels[:, None] == torch.arange(c)[None, :]).long()
    mask = one_hot.double()
    counts = mask.sum(0)[:, None]
    means = (mask.T @ x) / counts.clamp_min(1.0)
    return _sq_dists(x, y), x / norms.clamp_min(1e-12), one_hot, means


def _case(name, n, m, d, c, seed, *, scale=1.0, mean=0.0, labels=None, zero_rows=(),
          copy_rows=(), tiny_rows=()):
    x = randn(n, d, seed=seed, scale=scale, mean=mean)
    y = randn(m, d, seed=seed + 1, scale=scale, mean=mean)
    for i in zero_rows:
        x[i] = 0.0
    for i in tiny_rows:  # norm 1e-8: still normalised to length 1 (the clamp is 1e-12)
        x[i] = x[i] * (1e-8 / x[i].norm())
    for i, j in copy_rows:  # y[j] = x[i]: a squared distance of exactly 0
        y[j] = x[i]
    if labels is None:
        labels = randint(0, c, (n,), seed=seed + 2)
    xx, yy = (x.double() ** 2).sum(1), (y.double() ** 2).sum(1)
    big = float(xx.max() + yy.max()) if n and m else 1.0
    # ||x||^2 + ||y||^2 - 2 x.y in float32 loses a few ulps of ||x||^2 + ||y||^2.
    tol = Tol(atol=1e-6 * max(1.0, big), rtol=1e-5)
    return Case(name, {"x": x, "y": y, "labels": labels, "num_classes": c}, tol=tol)


@also_in(torch.float64)
def cases():
    yield _case("one point each, D = 1, one class", 1, 1, 1, 1, seed=1)
    yield _case("N = 5, M = 7, D = 3, 4 classes", 5, 7, 3, 4, seed=2)
    yield _case("square: N = M = D = 6, 3 classes", 6, 6, 6, 3, seed=3)
    yield _case("a zero row in x (its normalised row is 0) and a class with no samples",
                7, 5, 4, 5, seed=4, zero_rows=(2,),
                labels=torch.tensor([0, 1, 1, 3, 0, 4, 3]))
    yield _case("a row of x with a tiny norm (1e-8): it still normalises to unit length",
                6, 4, 5, 3, seed=9, tiny_rows=(1,))
    yield _case("y holds copies of rows of x far from 0 (squared distance exactly 0)",
                9, 6, 8, 3, seed=5, mean=20.0, copy_rows=((0, 0), (3, 2), (8, 5), (5, 4)))
    yield _case("every label the same class, 6 classes", 8, 3, 5, 6, seed=6,
                labels=torch.full((8,), 4, dtype=torch.int64))
    yield _case("odd sizes N = 33, M = 17, D = 16, values near 2", 33, 17, 16, 10, seed=7,
                mean=2.0)
    yield _case("big: N = 300, M = 257, D = 24, 200 classes (loops would need hundreds of ops)",
                300, 257, 24, 200, seed=8)


def _as_dict(i, t):
    return {str(i): t}


def _ref(case):
    return reference(case)


VARIANTS = [
    Variant("output 1 is the *squared* distance: you took the square root (that is the "
            "Euclidean distance, torch.cdist)",
            lambda case: _as_dict(0, _ref(case)[0].sqrt()), keys=("out.0",)),
    Variant("output 1 is transposed: entry [i, j] pairs x[i] (rows) with y[j] (columns), "
            "shape [N, M]", lambda case: _as_dict(0, _ref(case)[0].T), keys=("out.0",)),
    Variant("you normalised the columns (norm over dim 0): each *row* x[i] is divided by its "
            "own L2 norm, ||x[i]|| = sqrt(sum over d of x[i, d]**2)",
            lambda case: _as_dict(1, case.args["x"] / case.args["x"].norm(dim=0, keepdim=True)
                                  .clamp_min(1e-12)), keys=("out.1",)),
    Variant("the row norms lost their dimension: x.norm(dim=1) has shape [N] and broadcasts "
            "along the *last* dim, dividing column j by row j's norm; keep it [N, 1] "
            "(keepdim=True or [:, None])",
            lambda case: _as_dict(1, case.args["x"] / case.args["x"].norm(dim=1)[None, :]
                                  .clamp_min(1e-12)), keys=("out.1",)),
    Variant("one_hot is transposed: its shape is [N, C], row i has a 1 in column labels[i]",
            lambda case: _as_dict(2, _ref(case)[2].T), keys=("out.2",)),
    Variant("class_means holds the per-class *sums*: divide each by its number of samples",
            lambda case: _as_dict(3, _ref(case)[2].double().T @ case.args["x"]),
            keys=("out.3",)),
    Variant("class_means is divided by N, the number of all samples: divide each class's sum "
            "by that class's own count",
            lambda case: _as_dict(3, _ref(case)[2].double().T @ case.args["x"]
                                  / case.args["x"].shape[0]), keys=("out.3",)),
]


def diagnose(case, got, want):
    for key, msg in (("out.1", "a row of zeros has norm 0 and 0/0 is NaN: divide by "
                               "norm.clamp_min(1e-12), so a zero row stays zero"),
                     ("out.3", "a class with no samples has count 0 and 0/0 is NaN: divide "
                               "by count.clamp_min(1), so its mean is 0")):
        t = got.get(key)
        if isinstance(t, torch.Tensor) and t.is_floating_point() and bool(torch.isnan(t).any()):
            return msg
    return None


def check(case, got, want):
    d = got.get("out.0")
    if isinstance(d, torch.Tensor) and bool((d < 0).any()):
        return [f"output 1 has negative squared distances (min {float(d.min()):.3g}): "
                "||x||² + ||y||² − 2x·y can round below 0 when two points coincide; "
                "clamp it with .clamp_min(0)"]
    ops = got.get("ops")
    if isinstance(ops, int) and ops > _MAX_OPS:
        return [f"your call made {ops} tensor operations (at most {_MAX_OPS} allowed): a "
                "Python loop over rows, pairs or classes? Broadcast instead: a [N, 1] column "
                "against a [1, M] row gives the whole [N, M] table in one operation"]
    return []
