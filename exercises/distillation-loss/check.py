"""Checker for `distillation-loss`: the loss and its gradient w.r.t. the student's logits,
against F.kl_div (batchmean, log_target) and F.cross_entropy in float64."""

import torch
import torch.nn.functional as F

from study.kata.presets import CROSS_ENTROPY_FAMILY, KL_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randint, randn

BAN = Ban(
    functions=(
        "torch.nn.functional.kl_div", "torch.kl_div", "torch.nn.KLDivLoss",
        "torch.nn.functional.cross_entropy", "torch.nn.functional.nll_loss",
        "torch.nn.CrossEntropyLoss", "torch.nn.NLLLoss",
        "torch._C._nn.cross_entropy_loss", "torch._C._nn.nll_loss", "torch._C._nn.nll_loss2d",
        "torch._C._nn.nll_loss_nd",
    ),
    aten=("aten::kl_div", "aten::cross_entropy_loss", "aten::nll_loss", "aten::nll_loss_nd",
          "aten::nll_loss2d", "aten::nll_loss_forward", "aten::nll_loss2d_forward"),
    modules=("torch._refs", "torch._decomp"),
    families=(KL_FAMILY, CROSS_ENTROPY_FAMILY,),
    reason="the distillation loss is what this kata asks you to write; build the KL and the "
           "cross-entropy from log_softmax (allowed)",
)


def _loss(case, *, reduction="batchmean", t2=True, reverse=False, hard_teacher=False,
          swap_alpha=False, soft_ce_hard=False, soft_ce=False):
    a = case.args
    s, z_t, y = a["student_logits"], a["teacher_logits"], a["target"]
    t, alpha = a["temperature"], a["alpha"]
    if swap_alpha:
        alpha = 1 - alpha
    log_q = F.log_softmax(s / t, -1)
    log_p = F.log_softmax(z_t / (1.0 if hard_teacher else t), -1)
    if reverse:
        log_p, log_q = log_q, log_p
    per = log_p.exp() * ((0 if soft_ce else log_p) - log_q)
    kl = per.sum() / s.shape[0] if reduction == "batchmean" else per.mean()
    ce = F.cross_entropy(s / t if soft_ce_hard else s, y)
    return alpha * (t * t if t2 else 1.0) * kl + (1 - alpha) * ce


def reference(case):
    a = case.args
    s, t = a["student_logits"], a["temperature"]
    kl = F.kl_div(F.log_softmax(s / t, -1), F.log_softmax(a["teacher_logits"] / t, -1),
                  reduction="batchmean", log_target=True)
    return a["alpha"] * t * t * kl + (1 - a["alpha"]) * F.cross_entropy(s, a["target"])


def _v(cond=lambda a: True, **kw):
    def compute(case):
        if not cond(case.args):
            return None
        out = _loss(case, **kw)
        s = case.args["student_logits"]
        if s.requires_grad:
            (g,) = torch.autograd.grad(out, s)
            return {"out": out, "grad.student_logits": g}
        return {"out": out}
    return compute


_soft = lambda a: a["alpha"] > 0  # noqa: E731
_hot = lambda a: a["alpha"] > 0 and a["temperature"] != 1  # noqa: E731

VARIANTS = [
    Variant("the KL is averaged over all N*C entries (reduction='mean'): distillation uses "
            "'batchmean', the sum over classes averaged over the rows",
            _v(_soft, reduction="mean")),
    Variant("the soft term is missing its T**2 factor (it keeps the soft gradients the same "
            "size whatever the temperature)", _v(_hot, t2=False)),
    Variant("the KL is the wrong way round: KL(teacher || student) = sum p_teacher * (log "
            "p_teacher - log q_student)", _v(_soft, reverse=True)),
    Variant("the teacher's logits are not divided by the temperature: soften both "
            "distributions with z / T", _v(_hot, hard_teacher=True)),
    Variant("alpha weights the wrong term: alpha * T**2 * KL + (1 - alpha) * CE",
            _v(lambda a: a["alpha"] != 0.5, swap_alpha=True)),
    Variant("the hard cross-entropy must use the student's plain logits, not logits / T",
            _v(lambda a: a["alpha"] < 1 and a["temperature"] != 1, soft_ce_hard=True)),
    Variant("you used the soft cross-entropy -sum p log q instead of the KL: they differ by the "
            "teacher's entropy (same gradient, different value); the contract asks for the KL",
            _v(_soft, soft_ce=True)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and not bool(torch.isfinite(out).all()):
        return "log(softmax(...)) underflows to -inf for large logits: use log_softmax"
    if float(case.args["student_logits"].abs().max()) > 30:
        return ("with large logits log(softmax(...)) underflows (log of 0) or loses accuracy: "
                "use log_softmax")
    if isinstance(out, torch.Tensor) and out.dim() != 0:
        return "return a single 0-dim tensor (averaged over the rows)"
    if got.get("grad.student_logits") is None and "grad.student_logits" in want:
        return "the loss must be differentiable w.r.t. student_logits (stay in torch)"
    return None


def _case(name, n, c, seed, t=2.0, alpha=0.5, scale=3.0, teacher_scale=None):
    s = randn(n, c, seed=seed, scale=scale)
    z = randn(n, c, seed=seed + 100, scale=teacher_scale or scale)
    y = randint(0, c, (n,), seed=seed + 200)
    m = max(scale, teacher_scale or scale)
    return Case(name, {"student_logits": s, "teacher_logits": z, "target": y,
                       "temperature": t, "alpha": alpha},
                grad=("student_logits",), tol=Tol(atol=2e-6 * (1 + m) * (1 + t * t),
                                                  rtol=1e-5))


@also_in(torch.float64)
def cases():
    yield _case("one row, two classes", 1, 2, seed=1)
    yield _case("[7, 5], T = 2, alpha = 0.5", 7, 5, seed=2)
    yield _case("[16, 10], T = 4, alpha = 0.9", 16, 10, seed=3, t=4.0, alpha=0.9)
    yield _case("[5, 3], T = 1, alpha = 0.3", 5, 3, seed=4, t=1.0, alpha=0.3)
    yield _case("alpha = 1 (only the soft term), T = 3", 6, 7, seed=5, t=3.0, alpha=1.0)
    yield _case("alpha = 0 (only the hard cross-entropy), T = 5", 6, 7, seed=6, t=5.0, alpha=0.0)
    yield _case("T = 0.5 (sharpened), alpha = 0.7", 4, 9, seed=7, t=0.5, alpha=0.7)
    yield _case("large logits (about ±60), T = 1, alpha = 0.8", 8, 6, seed=8, t=1.0, alpha=0.8,
                scale=20.0)
    yield _case("a confident teacher (logits × 10), T = 2.5", 9, 11, seed=9, t=2.5, alpha=0.6,
                teacher_scale=10.0)
    yield _case("[33, 100], T = 2", 33, 100, seed=10, t=2.0, alpha=0.5)
