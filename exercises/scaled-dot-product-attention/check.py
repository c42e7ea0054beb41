"""Checker for `scaled-dot-product-attention`."""

import math

import torch

from study.kata.presets import ATTENTION
from study.kata.toolkit import Case, Tol, Variant, also_in, rand, randn

BAN = ATTENTION.because(
    "attention is what this kata asks you to write; build it from matmul and softmax"
)


def _mask(*shape: int, seed: int, p: float = 0.5) -> torch.Tensor:
    """A random boolean mask where every query row (last dim) keeps at least one key."""
    m = rand(*shape, seed=seed) < p
    keep = torch.randint(0, shape[-1], shape[:-1], generator=torch.Generator().manual_seed(seed))
    return m | torch.nn.functional.one_hot(keep, shape[-1]).bool()


def _case(name: str, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
          mask: torch.Tensor | None = None) -> Case:
    # float32 error of the scores grows with their magnitude S (1e-7 relative); the
    # softmax turns an absolute score error e into a relative weight error of about e,
    # and the output mixes values of size |v|.
    s = (q.double() @ k.double().transpose(-2, -1)).abs().max().item() / math.sqrt(q.shape[-1])
    vmax = max(1.0, v.abs().max().item())
    atol = (2e-6 + 2e-7 * s) * vmax
    return Case(name, {"q": q, "k": k, "v": v, "mask": mask}, tol=Tol(atol=atol, rtol=1e-5))


@also_in(torch.float64)
def cases():
    yield _case("one query, one key, no batch dims",
                randn(1, 1, seed=1), randn(1, 1, seed=2), randn(1, 3, seed=3))
    yield _case("no batch dims, Tq != Tk, dv != d",
                randn(5, 8, seed=4), randn(7, 8, seed=5), randn(7, 3, seed=6))
    yield _case("batch of 2, self-attention sizes",
                randn(2, 6, 16, seed=7), randn(2, 6, 16, seed=8), randn(2, 6, 16, seed=9))
    yield _case("several batch dims [2, 3, 4]",
                randn(2, 3, 4, 5, 12, seed=10), randn(2, 3, 4, 9, 12, seed=11),
                randn(2, 3, 4, 9, 5, seed=12))
    yield _case("a single query (decoding), odd sizes",
                randn(3, 1, 33, seed=13), randn(3, 17, 33, seed=14), randn(3, 17, 7, seed=15))
    yield _case("d = 1, many keys",
                randn(2, 4, 1, seed=16, scale=2.0), randn(2, 50, 1, seed=17, scale=2.0),
                randn(2, 50, 6, seed=18))
    causal = torch.ones(6, 6, dtype=torch.bool).tril()
    yield _case("causal mask [Tq, Tk] broadcast over batch dims [2, 3]",
                randn(2, 3, 6, 8, seed=19), randn(2, 3, 6, 8, seed=20), randn(2, 3, 6, 8, seed=21),
                causal)
    lengths = torch.tensor([3, 7])
    padding = (torch.arange(7) < lengths[:, None])[:, None, None, :]  # [B, 1, 1, Tk]
    yield _case("key-padding mask [B, 1, 1, Tk] with 4-D inputs",
                randn(2, 2, 5, 8, seed=22), randn(2, 2, 7, 8, seed=23), randn(2, 2, 7, 4, seed=24),
                padding)
    yield _case("random mask [B, Tq, Tk] (Tq != Tk)",
                randn(3, 5, 10, seed=25), randn(3, 11, 10, seed=26), randn(3, 11, 6, seed=27),
                _mask(3, 5, 11, seed=28))
    yield _case("mask [B, 1, Tk] broadcast over the queries",
                randn(2, 4, 6, seed=29), randn(2, 9, 6, seed=30), randn(2, 9, 3, seed=31),
                _mask(2, 1, 9, seed=32, p=0.6))
    yield _case("mask allowing exactly one key per query",
                randn(2, 5, 4, seed=33), randn(2, 8, 4, seed=34), randn(2, 8, 5, seed=35),
                _mask(2, 5, 8, seed=36, p=0.0))
    yield _case("mask that allows everything",
                randn(4, 6, seed=37), randn(9, 6, seed=38), randn(9, 2, seed=39),
                torch.ones(4, 9, dtype=torch.bool))
    yield _case("large scores (|q·k|/sqrt(d) up to a few hundred)",
                randn(2, 7, 16, seed=40, scale=8.0), randn(2, 13, 16, seed=41, scale=8.0),
                randn(2, 13, 4, seed=42), _mask(2, 7, 13, seed=43, p=0.7))
    yield _case("large d = 128, longer sequences",
                randn(2, 31, 128, seed=44), randn(2, 45, 128, seed=45), randn(2, 45, 20, seed=46))


def _attention(case, scale=None, axis=-1, mask_mode="ok", dv_scale=False):
    q, k, v, mask = (case.args[n] for n in ("q", "k", "v", "mask"))
    d = q.shape[-1]
    if scale is None:
        scale = 1 / math.sqrt(v.shape[-1] if dv_scale else d)
    scores = q @ k.transpose(-2, -1) * scale
    if mask is not None and mask_mode == "inverted":
        scores = scores.masked_fill(mask, float("-inf"))
    elif mask is not None and mask_mode == "ok":
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=axis)
    if mask is not None and mask_mode == "after":
        weights = weights.masked_fill(~mask, 0.0)
    return weights @ v, weights


def reference(case):
    return _attention(case)


def _wrong(case, **how):
    out, weights = _attention(case, **how)
    # A wrong mask can leave rows with no key at all (NaN); NaN entries are skipped when
    # matching, so a variant that is mostly NaN would match anything: not a variant then.
    if torch.isnan(weights).float().mean() > 0.25:
        raise ValueError("mostly undefined")
    return out, weights


def _no_scale(case):
    return _attention(case, scale=1.0)


def _one_over_d(case):
    return _attention(case, scale=1 / case.args["q"].shape[-1])


def _times_sqrt_d(case):
    return _attention(case, scale=math.sqrt(case.args["q"].shape[-1]))


def _dv_scale(case):
    if case.args["v"].shape[-1] == case.args["q"].shape[-1]:
        raise ValueError("same as the reference")
    return _attention(case, dv_scale=True)


def _query_axis(case):
    return _wrong(case, axis=-2)


def _inverted(case):
    return _wrong(case, mask_mode="inverted")


def _ignored(case):
    return _attention(case, mask_mode="ignored")


def _after(case):
    return _attention(case, mask_mode="after")


def _raw_scores(case):
    q, k = case.args["q"], case.args["k"]
    out, _ = _attention(case)
    return out, q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])


BOTH = ("out.0", "out.1")
VARIANTS = [
    Variant("you did not scale the scores: divide q·kᵀ by sqrt(d), d = q.shape[-1]",
            _no_scale, BOTH),
    Variant("you divided the scores by d; the scale is 1/sqrt(d)", _one_over_d, BOTH),
    Variant("you multiplied the scores by sqrt(d); divide by it instead", _times_sqrt_d, BOTH),
    Variant("you scaled by 1/sqrt(dv) (the size of v); the scale uses d, the size shared by "
            "q and k", _dv_scale, BOTH),
    Variant("you took the softmax over the queries (dim=-2); each query's weights must sum to "
            "1 over the keys (dim=-1)", _query_axis, BOTH),
    Variant("the mask is inverted: True means the query MAY attend, so fill the scores where "
            "the mask is False with -inf", _inverted, BOTH),
    Variant("you ignored the mask: scores where it is False must become -inf before the "
            "softmax", _ignored, BOTH),
    Variant("you applied the mask after the softmax: zeroing weights leaves rows that no longer "
            "sum to 1; set masked scores to -inf before the softmax", _after, BOTH),
    Variant("the second output should be the attention weights (after the softmax), not the "
            "raw scores", _raw_scores, BOTH),
]


def diagnose(case, got, want):
    if "out" in got and "out.0" not in got:
        return "return a tuple (output, attention_weights), not just the output"
    for key in ("out.0", "out.1"):
        t = got.get(key)
        if isinstance(t, torch.Tensor) and t.is_floating_point() and not torch.isfinite(t).all():
            q, k = case.args["q"], case.args["k"]
            s = (q @ k.transpose(-2, -1)).abs().max().item() / math.sqrt(q.shape[-1])
            if s > 80:  # exp(88) overflows float32
                return ("exp() overflowed: subtract each row's max before exponentiating "
                        "(torch.softmax does it for you)")
            return ("a query row ended up with every score at -inf (NaN after the softmax): "
                    "fill -inf only where the mask is False (~mask); True means may attend")
    return None
