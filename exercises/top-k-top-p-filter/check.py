"""Checker for `top-k-top-p-filter`.

The reference is Hugging Face's `TopKLogitsWarper` followed by `TopPLogitsWarper`
(filter_value=-inf, min_tokens_to_keep=1), transcribed line for line and run in float64
(transformers is not a dependency):

    TopK:  indices_to_remove = scores < torch.topk(scores, min(top_k, V))[0][..., -1, None]
    TopP:  sorted_logits, sorted_indices = torch.sort(scores, descending=False)
           cumulative_probs = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
           sorted_indices_to_remove = cumulative_probs <= (1 - top_p)
           sorted_indices_to_remove[..., -1:] = 0
           indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, ...)

In descending order, a token's ascending cumulative probability is 1 - (mass of the
better tokens), so HF removes exactly the tokens whose better tokens already reach
top_p: it keeps the smallest set reaching top_p, the crossing token included, as the
contract says. Every case keeps the mass before each token at least 1e-4 (+1e-7 per
token) away from top_p, and never has tied logits on both sides of the top-p cut, so
the answer does not depend on rounding or on how a sort orders ties.
"""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, generator

NEG_INF = float("-inf")


def _top_k(x: torch.Tensor, top_k: int, keep_ties: bool = True) -> torch.Tensor:
    if top_k <= 0:
        return x.clone()
    k = min(top_k, x.size(-1))
    if keep_ties:
        kth = torch.topk(x, k)[0][..., -1, None]
        return x.masked_fill(x < kth, NEG_INF)
    keep = torch.zeros_like(x, dtype=torch.bool).scatter(-1, torch.topk(x, k).indices, True)
    return x.masked_fill(~keep, NEG_INF)


def _top_p(x: torch.Tensor, top_p: float, keep_crossing: bool = True,
           keep_one: bool = True) -> torch.Tensor:
    if top_p >= 1.0:
        return x.clone()
    sorted_logits, sorted_indices = torch.sort(x, descending=False)
    probs = sorted_logits.softmax(dim=-1)
    cumulative_probs = probs.cumsum(dim=-1)
    if keep_crossing:
        sorted_remove = cumulative_probs <= (1 - top_p)
    else:  # the mistake: the crossing token goes too (keeps inclusive mass <= top_p)
        sorted_remove = (1 - cumulative_probs + probs) > top_p
    if keep_one:
        sorted_remove[..., -1:] = False
    remove = sorted_remove.scatter(-1, sorted_indices, sorted_remove)
    return x.masked_fill(remove, NEG_INF)


def _filter(x, top_k, top_p):
    return _top_p(_top_k(x, top_k), top_p)


def _margin(v: int) -> float:
    return 1e-4 + 1e-7 * v


def _unambiguous(x: torch.Tensor, top_k: int, top_p: float) -> bool:
    x = x.double()
    if top_p >= 1.0:
        return True
    after_k = _top_k(x, top_k)
    probs = after_k.softmax(-1).sort(-1, descending=True).values
    before = probs.cumsum(-1) - probs
    if bool(((before - top_p).abs() <= _margin(x.size(-1))).any()):
        return False
    kept = torch.isfinite(_filter(x, top_k, top_p))
    finite = torch.isfinite(after_k)
    tied = (x[:, :, None] == x[:, None, :]) & finite[:, :, None] & finite[:, None, :]
    return not bool((tied & (kept[:, :, None] != kept[:, None, :])).any())


def _draw(b, v, top_k, top_p, seed, scale=2.0, integer=False, masked=0, offset=0.0):
    """The first seeded draw whose answer does not depend on rounding or tie order."""
    for attempt in range(500):
        gen = generator(seed * 1000 + attempt)
        if integer:
            x = torch.randint(-3, 4, (b, v), generator=gen).double()
        else:
            x = torch.randn(b, v, generator=gen, dtype=torch.float64) * scale + offset
        if masked:
            for row in range(b):
                idx = torch.randperm(v, generator=gen)[: masked + row]
                x[row, idx] = NEG_INF
        x = x.float()
        if _unambiguous(x, top_k, top_p):
            return x
    raise AssertionError("no unambiguous draw found")


def _case(name, logits, top_k, top_p):
    return Case(name, {"logits": logits, "top_k": top_k, "top_p": top_p},
                tol=Tol(atol=1e-6, rtol=1e-6))


@also_in(torch.float64)
def cases():
    yield _case("top-k only (k=5)", _draw(3, 20, 5, 1.0, seed=1), 5, 1.0)
    yield _case("top-p only (p=0.9)", _draw(4, 30, 0, 0.9, seed=2), 0, 0.9)
    yield _case("top-k then top-p (k=10, p=0.8)", _draw(4, 50, 10, 0.8, seed=3), 10, 0.8)
    yield _case("top-k then top-p (k=20, p=0.3)", _draw(5, 37, 20, 0.3, seed=4, scale=1.0),
                20, 0.3)
    yield _case("top-p after a tight top-k (k=3, p=0.6): renormalise first",
                _draw(6, 40, 3, 0.6, seed=5, scale=1.0), 3, 0.6)
    yield _case("both filters off (k=0, p=1.0): an unchanged copy",
                _draw(2, 9, 0, 1.0, seed=6), 0, 1.0)
    yield _case("top_k equal to the vocabulary keeps everything", _draw(3, 11, 11, 1.0, seed=7),
                11, 1.0)
    yield _case("top_k larger than the vocabulary, then p=0.9",
                _draw(3, 12, 40, 0.9, seed=8), 40, 0.9)
    yield _case("top_k=1 (greedy)", _draw(4, 25, 1, 1.0, seed=9), 1, 1.0)
    yield _case("tiny top_p keeps just the best token", _draw(3, 15, 0, 0.01, seed=10), 0, 0.01)
    yield _case("tied logits at the k-th value are all kept (k=4)",
                _draw(4, 16, 4, 1.0, seed=11, integer=True), 4, 1.0)
    yield _case("tied logits, k=5 then p=0.9", _draw(4, 16, 5, 0.9, seed=12, integer=True),
                5, 0.9)
    yield _case("a vocabulary of one token", _draw(2, 1, 0, 0.5, seed=13), 0, 0.5)
    yield _case("large vocabulary (V=1000, k=50, p=0.9)",
                _draw(2, 1000, 50, 0.9, seed=14, scale=3.0), 50, 0.9)
    yield _case("large vocabulary, top-p only (V=500, p=0.5)",
                _draw(2, 500, 0, 0.5, seed=15, scale=4.0), 0, 0.5)
    yield _case("large logits (around +1000, p=0.95): a stable softmax",
                _draw(3, 20, 0, 0.95, seed=16, scale=3.0, offset=1000.0), 0, 0.95)
    yield _case("large negative logits (around -3000, k=8, p=0.7)",
                _draw(2, 24, 8, 0.7, seed=19, scale=2.0, offset=-3000.0), 8, 0.7)
    yield _case("logits already -inf (masked vocabulary), k=10, p=0.9",
                _draw(3, 16, 10, 0.9, seed=17, masked=5), 10, 0.9)
    x = _draw(1, 8, 6, 0.7, seed=18)
    peaked = x.clone()
    peaked[0, 3] = 8.0
    x = torch.cat([x, peaked])
    assert _unambiguous(x, 6, 0.7)
    yield _case("a flat row and a row whose best token alone passes top_p", x, 6, 0.7)


def reference(case):
    a = case.args
    return _filter(a["logits"], a["top_k"], a["top_p"])


def _drop_crossing(case):
    a = case.args
    return _top_p(_top_k(a["logits"], a["top_k"]), a["top_p"], keep_crossing=False)


def _drop_crossing_none_kept(case):
    a = case.args
    return _top_p(_top_k(a["logits"], a["top_k"]), a["top_p"], keep_crossing=False,
                  keep_one=False)


def _p_then_k(case):
    a = case.args
    return _top_k(_top_p(a["logits"], a["top_p"]), a["top_k"])


def _not_renormalised(case):
    # Top-p cumulates the probabilities of the full softmax, not of what top-k left.
    a = case.args
    x = a["logits"]
    after_k = _top_k(x, a["top_k"])
    if a["top_p"] >= 1.0:
        return None
    probs = x.softmax(-1).masked_fill(~torch.isfinite(after_k), 0.0)
    p_sorted, idx = probs.sort(-1, descending=True)
    before = p_sorted.cumsum(-1) - p_sorted
    remove_sorted = before >= a["top_p"]
    remove_sorted[..., 0] = False
    remove = remove_sorted.scatter(-1, idx, remove_sorted) | ~torch.isfinite(after_k)
    return x.masked_fill(remove, NEG_INF)


def _ties_broken(case):
    a = case.args
    return _top_p(_top_k(a["logits"], a["top_k"], keep_ties=False), a["top_p"])


_CROSSING = ("you dropped the token that crosses top_p: keep the smallest set whose "
             "cumulative probability reaches top_p, so the token that takes the sum past "
             "top_p stays (remove a token only if the tokens before it already reach top_p)")
_TIES = ("logits tied with the k-th largest must all be kept (keep every logit >= the k-th "
         "value, as `logits < topk(...).values[..., -1:]` removes), not exactly k of them")

_FULL = ("top-p must run after top-k, on the softmax of the logits top-k left (renormalised "
         "over the survivors): you measured the nucleus on the full distribution (top-p "
         "applied before top-k, or probabilities computed before top-k)")

VARIANTS = [
    Variant(_CROSSING, _drop_crossing),
    Variant(_CROSSING + "; and at least one token must always survive", _drop_crossing_none_kept),
    # Both prefixes come from the same ordering, so top-p-then-top-k and top-p on the
    # full-vocabulary probabilities both keep the shorter of the two prefixes: one mistake.
    Variant(_FULL, _p_then_k),
    Variant(_FULL, _not_renormalised),
    Variant(_TIES, _ties_broken),
]


def diagnose(case, got, want):
    out = got.get("out")
    w = want["out"]
    if not isinstance(out, torch.Tensor) or out.shape != w.shape or not out.is_floating_point():
        return None
    g = out.double()
    g_fin, w_fin = torch.isfinite(g), torch.isfinite(w)
    if bool(g_fin.all()) and bool((g >= 0).all() and (g <= 1).all()) and bool(
            (g.sum(-1) - 1).abs().max() < 1e-3):
        return "return the filtered logits (removed entries -inf), not probabilities"
    bad = ~w_fin & g_fin
    if bool(bad.any()) and g[bad].unique().numel() == 1:
        return ("removed entries must be -inf (not 0 or a large negative number), so that a "
                "later softmax gives them probability exactly 0")
    if bool((~g_fin).all(dim=-1).any()):
        return "at least one token (the most probable) must always be kept"
    if case.args["top_p"] >= 1.0 and bool((~g_fin & w_fin).any()):
        return ("top_p = 1.0 switches top-p off: skip it (a float32 cumulative sum can reach "
                "1.0 before the last token and would drop tokens)")
    top_k = case.args["top_k"]
    if top_k > 0:
        n_got, n_want = g_fin.sum(-1), w_fin.sum(-1)
        if bool(((n_got == top_k) & (n_want > top_k)).any()):
            return _TIES
    return None
