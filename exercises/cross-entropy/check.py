"""Checker for `cross-entropy`."""

import torch

from study.kata.presets import CROSS_ENTROPY_FAMILY, SOFTMAX_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randint, randn

BAN = Ban(
    functions=(
        "torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss",
        "torch.nn.CrossEntropyLoss", "torch.nn.NLLLoss",
        "torch._C._nn.cross_entropy_loss", "torch._C._nn.nll_loss", "torch._C._nn.nll_loss2d",
        "torch._C._nn.nll_loss_nd",
        "torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax",
        "torch.log_softmax", "torch.nn.functional.log_softmax", "torch.Tensor.log_softmax",
        "torch.special.softmax", "torch.special.log_softmax", "torch._softmax",
        "torch._log_softmax", "torch.nn.functional.softmin", "torch.nn.functional.gumbel_softmax",
    ),
    aten=(
        "aten::cross_entropy_loss", "aten::nll_loss", "aten::nll_loss_nd", "aten::nll_loss2d",
        "aten::nll_loss_forward", "aten::nll_loss2d_forward",
        "aten::_softmax", "aten::_log_softmax", "aten::softmax", "aten::log_softmax",
        "aten::special_softmax", "aten::special_log_softmax", "aten::_safe_softmax",
        "aten::_masked_softmax",
    ),
    # Python copies of the same ops elsewhere in torch (reference implementations).
    modules=("torch._refs", "torch._decomp"),
    families=(SOFTMAX_FAMILY, CROSS_ENTROPY_FAMILY,),
    reason="cross-entropy is what this kata asks you to write; build the log-probabilities "
           "from torch.logsumexp (allowed) or from max, exp, sum and log",
)


def _tol(logits: torch.Tensor) -> Tol:
    # logsumexp(x) - x[y] in float32 loses about 1e-7·M for logits of magnitude M.
    m = max(1.0, float(logits.abs().max()))
    return Tol(atol=1e-6 + 3e-7 * m, rtol=2e-6)


def _case(name, logits, target, label_smoothing=0.0, ignore_index=-100):
    args = {"logits": logits, "target": target, "label_smoothing": label_smoothing,
            "ignore_index": ignore_index}
    return Case(name, args, tol=_tol(logits))


def _with_ignored(target: torch.Tensor, rows: list[int], ignore_index: int = -100):
    target = target.clone()
    target[rows] = ignore_index
    return target


@also_in(torch.float64)
def cases():
    yield _case("one row, 5 classes", randn(1, 5, seed=1, scale=3.0), randint(0, 5, (1,), seed=2))
    yield _case("random [4, 10]", randn(4, 10, seed=3, scale=3.0), randint(0, 10, (4,), seed=4))
    yield _case("[7, 3] with label smoothing 0.1", randn(7, 3, seed=5, scale=2.0),
                randint(0, 3, (7,), seed=6), label_smoothing=0.1)
    yield _case("a single class [5, 1] (the loss is 0)", randn(5, 1, seed=7, scale=2.0),
                torch.zeros(5, dtype=torch.int64), label_smoothing=0.2)
    t = _with_ignored(randint(0, 37, (16,), seed=9), [0, 3, 4, 10, 15])
    yield _case("[16, 37], 5 targets are ignore_index=-100", randn(16, 37, seed=8, scale=3.0), t)
    t = _with_ignored(randint(0, 37, (16,), seed=11), [1, 2, 7, 8, 9, 14])
    yield _case("[16, 37], ignored targets and label smoothing 0.2",
                randn(16, 37, seed=10, scale=3.0), t, label_smoothing=0.2)
    t = randint(0, 17, (33,), seed=13)
    t[[0, 5, 6, 20, 31]] = 0
    t[[1, 2, 3]] = 16
    yield _case("[33, 17], ignore_index=0 is a real class id", randn(33, 17, seed=12, scale=3.0),
                t, label_smoothing=0.1, ignore_index=0)
    t = _with_ignored(randint(0, 6, (5,), seed=15), [0, 1, 3, 4])
    yield _case("only one row of five is not ignored", randn(5, 6, seed=14, scale=3.0), t,
                label_smoothing=0.3)
    yield _case("[12, 20] with label smoothing 1.0", randn(12, 20, seed=16, scale=3.0),
                randint(0, 20, (12,), seed=17), label_smoothing=1.0)
    big = randn(6, 9, seed=18, scale=1e4).clamp(-1e4, 1e4)
    yield _case("large logits (±1e4)", big, randint(0, 9, (6,), seed=19))
    big = randn(8, 11, seed=20, scale=1e4).clamp(-1e4, 1e4)
    t = _with_ignored(randint(0, 11, (8,), seed=21), [2, 5])
    yield _case("large logits (±1e4), smoothing 0.1 and ignored rows", big, t,
                label_smoothing=0.1)
    yield _case("all logits near 5000", randn(3, 8, seed=22) + 5000.0, randint(0, 8, (3,), seed=23))
    yield _case("all logits near -3000", randn(5, 4, seed=24) - 3000.0,
                randint(0, 4, (5,), seed=25), label_smoothing=0.05)


def _rows(case, target_weight=None, class_weight=None):
    """Per-row losses target_weight·(−log p_y) + class_weight·Σ_c(−log p_c) in float64
    (the right weights, 1 − ε and ε/C, by default) and the mask of rows not ignored."""
    a = case.args
    logits, target, eps = a["logits"], a["target"], a["label_smoothing"]
    c = logits.shape[1]
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    keep = target != a["ignore_index"]
    safe = torch.where(keep, target, torch.zeros_like(target))
    nll = -log_probs.gather(1, safe.unsqueeze(1)).squeeze(1)
    tw = 1.0 - eps if target_weight is None else target_weight(eps, c)
    cw = eps / c if class_weight is None else class_weight(eps, c)
    return tw * nll + cw * (-log_probs.sum(dim=1)), keep


def reference(case):
    per_row, keep = _rows(case)
    return per_row[keep].sum() / keep.sum()


def _mean_kept(target_weight=None, class_weight=None):
    def compute(case):
        per_row, keep = _rows(case, target_weight, class_weight)
        return per_row[keep].mean()
    return compute


def _all_rows(case):
    per_row, keep = _rows(case)
    return per_row[keep].sum() / keep.numel()


def _summed(case):
    per_row, keep = _rows(case)
    return per_row[keep].sum()


def _not_ignored(case):
    per_row, _ = _rows(case)
    return per_row.mean()


def _over_classes_too(case):
    if case.args["logits"].shape[1] == 1:
        raise ValueError("the same as the right answer with one class")
    return reference(case) / case.args["logits"].shape[1]


# (1−ε)·(−log p_y) + ε/(C−1)·Σ_{c≠y}(−log p_c), written with the sum over all classes
_others_only = _mean_kept(lambda e, c: 1.0 - e - e / (c - 1), lambda e, c: e / (c - 1))
_no_div_c = _mean_kept(class_weight=lambda e, c: e)
_no_one_minus = _mean_kept(target_weight=lambda e, c: 1.0)
_no_smoothing = _mean_kept(lambda e, c: 1.0, lambda e, c: 0.0)


VARIANTS = [
    Variant("you averaged over all N rows, including the ignored ones: divide by the number "
            "of rows whose target is not ignore_index", _all_rows),
    Variant("you summed the row losses: the loss is their mean over the rows that are not "
            "ignored", _summed),
    Variant("rows whose target equals ignore_index must be left out of the loss (even when "
            "ignore_index is a valid class id)", _not_ignored),
    Variant("label smoothing: ε/C goes to every class, including the target (you spread ε "
            "over the C−1 other classes only)", _others_only),
    Variant("label smoothing: each class gets ε/C of the mass, you gave it ε (divide the "
            "smoothing term by C)", _no_div_c),
    Variant("label smoothing: the target term is weighted by (1−ε): "
            "loss = (1−ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c)", _no_one_minus),
    Variant("you averaged over the classes too: sum −q_c·log p_c over the classes of a row, "
            "then average over the rows", _over_classes_too),
    Variant("label_smoothing was ignored: with smoothing ε each row's loss is "
            "(1−ε)·(−log p_y) + (ε/C)·Σ_c(−log p_c)", _no_smoothing),
]


def diagnose(case, got, want):
    out = got.get("out")
    logits = case.args["logits"]
    if isinstance(out, torch.Tensor) and not torch.isfinite(out).all():
        if logits.abs().max() > 80:
            return ("with large logits exp() overflows to inf, and log of a probability that "
                    "underflowed to 0 is -inf: work with log-probabilities, "
                    "logits - logsumexp(logits) (logsumexp subtracts the row max for you), "
                    "never exp of raw logits or log(softmax)")
        return ("the loss is not finite: check for log(0) and for a division by a count "
                "of zero")
    return None
