"""Checker for `info-nce` (one-directional InfoNCE with in-batch negatives)."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn


def _case(name, q, k, temperature=0.07):
    # Logits of magnitude 1/τ: the float32 log-softmax loses about 1e-7/τ; the gradients
    # carry a further factor 1/(τ·|q|).
    inv = 1.0 / temperature
    min_norm = float(torch.cat([q, k]).norm(dim=1).min())
    tol = Tol(atol=1e-6 + 5e-7 * inv * max(1.0, 1.0 / min_norm), rtol=1e-5)
    return Case(name, {"query": q, "key": k, "temperature": temperature}, tol=tol,
                grad=("query", "key"))


@also_in(torch.float64)
def cases():
    shapes = [(1, 8), (2, 3), (5, 16), (8, 7), (13, 32), (4, 1)]
    for i, (n, d) in enumerate(shapes):
        q = randn(n, d, seed=10 + i)
        k = q + randn(n, d, seed=30 + i, scale=0.8)  # positives correlated with queries
        yield _case(f"random [{n}, {d}]", q, k)
    q = randn(6, 10, seed=50)
    yield _case("temperature 1.0", q, q + randn(6, 10, seed=51), temperature=1.0)
    yield _case("temperature 0.5, unrelated keys", randn(9, 12, seed=52), randn(9, 12, seed=53),
                temperature=0.5)
    q = randn(7, 20, seed=54)
    yield _case("temperature 0.01 (logits up to ±100)", q, q + randn(7, 20, seed=55, scale=0.5),
                temperature=0.01)
    q = randn(5, 6, seed=56, scale=100.0)
    yield _case("unnormalised inputs of norm ~250 (normalise the rows)", q,
                q + randn(5, 6, seed=57, scale=80.0), temperature=0.2)
    q = randn(8, 9, seed=58, scale=0.01)
    yield _case("inputs of norm ~0.03", q, q + randn(8, 9, seed=59, scale=0.01), temperature=0.1)


def _logits(case, normalise=True, temp_mode="div", norm_dim=1):
    q, k, t = case.args["query"], case.args["key"], case.args["temperature"]
    if normalise in (True, "query"):
        q = q / (q.norm() if norm_dim is None else q.norm(dim=norm_dim, keepdim=True))
    if normalise in (True, "key"):
        k = k / (k.norm() if norm_dim is None else k.norm(dim=norm_dim, keepdim=True))
    s = q @ k.T
    if temp_mode == "div":
        return s / t
    if temp_mode == "mul":
        return s * t
    return s


def _ce(logits):
    labels = torch.arange(logits.shape[0])
    return (torch.logsumexp(logits, 1) - logits[labels, labels]).mean()


def reference(case):
    return _ce(_logits(case))


def _symmetric(case):
    logits = _logits(case)
    return (_ce(logits) + _ce(logits.T)) / 2


def _summed(case):
    return _ce(_logits(case)) * case.args["query"].shape[0]


def _cols(case):
    return _ce(_logits(case).T)


_NORMALISATIONS = {
    "columns": lambda c: _ce(_logits(c, norm_dim=0)),
    "whole matrix": lambda c: _ce(_logits(c, norm_dim=None)),
    "raw": lambda c: _ce(_logits(c, normalise=False)),
    "query only": lambda c: _ce(_logits(c, normalise="query")),
    "key only": lambda c: _ce(_logits(c, normalise="key")),
}


def _normalisation(kind):
    """A normalisation mistake, silent on a case where another one gives the same loss
    (with large logits they all saturate to 0): there it cannot say which was made."""
    def compute(case):
        wrong = _NORMALISATIONS[kind](case)
        for other, rival in _NORMALISATIONS.items():
            r = rival(case)
            if other != kind and abs(float(wrong - r)) <= case.tol.atol + case.tol.rtol * abs(
                    float(r)):
                raise ValueError(f"indistinguishable from {other} here")
        return wrong
    return compute


VARIANTS = [
    Variant("you normalised along the wrong dimension: each embedding is a row, so divide "
            "every row of query and key by its own norm (dim=1, F.normalize's default), not "
            "every column (dim=0)", _normalisation("columns")),
    Variant("you divided by the norm of the whole matrix: each embedding is a row, so divide "
            "every row of query and key by its own norm (dim=1)", _normalisation("whole matrix")),
    Variant("the similarities are cosines, but you used raw dot products: divide each row of "
            "query and key by its norm (q / ||q|| along dim=1) before multiplying",
            _normalisation("raw")),
    Variant("only the queries were normalised: divide each row of key by its norm too, so "
            "the similarities are cosines", _normalisation("query only")),
    Variant("only the keys were normalised: divide each row of query by its norm too, so "
            "the similarities are cosines", _normalisation("key only")),
    Variant("divide the similarities by the temperature; you multiplied by it",
            lambda c: _ce(_logits(c, temp_mode="mul"))),
    Variant("the cosine similarities must be divided by the temperature; you left it out",
            lambda c: _ce(_logits(c, temp_mode="none"))),
    Variant("you averaged both directions (CLIP's symmetric loss); this kata is one "
            "direction: each query (row) against all keys", _symmetric),
    Variant("you took the cross-entropy over the columns (each key against all queries); "
            "each row — query i against every key — is one classification",
            _cols),
    Variant("you summed over the queries; the loss is their mean", _summed),
]


def diagnose(case, got, want):
    for key, value in got.items():
        if isinstance(value, torch.Tensor) and value.is_floating_point() \
                and not torch.isfinite(value).all():
            return (f"`{key}` is not finite: with a small temperature the logits reach ±1/τ "
                    "and exp() overflows; use logsumexp / F.cross_entropy, or subtract the "
                    "row max")
    return None
