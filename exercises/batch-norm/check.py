"""Checker for `batch-norm`."""

import torch

from study.kata.compare import compare_tensor
from study.kata.presets import NORM_LAYER_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, rand, randn

_KERNELS = (
    "aten::batch_norm", "aten::_batch_norm_impl_index", "aten::native_batch_norm",
    "aten::_native_batch_norm_legit", "aten::_native_batch_norm_legit_no_training",
    "aten::_native_batch_norm_legit_functional", "aten::_batch_norm_with_update",
    "aten::_batch_norm_with_update_functional", "aten::_batch_norm_no_update",
    "aten::cudnn_batch_norm", "aten::miopen_batch_norm",
    # the CUDA kernels of SyncBatchNorm: statistics, normalisation and running-stat update
    "aten::batch_norm_stats", "aten::batch_norm_elemt", "aten::batch_norm_update_stats",
    "aten::batch_norm_gather_stats", "aten::batch_norm_gather_stats_with_counts",
    # instance norm runs on the batch-norm kernels (with running stats it is batch norm)
    "aten::instance_norm",
)

BAN = Ban(
    functions=(
        "torch.nn.functional.batch_norm", "torch.batch_norm", "torch.native_batch_norm",
        "torch._native_batch_norm_legit", "torch._native_batch_norm_legit_no_training",
        "torch._batch_norm_impl_index", "torch.cudnn_batch_norm", "torch.miopen_batch_norm",
        "torch.batch_norm_stats", "torch.batch_norm_elemt", "torch.batch_norm_update_stats",
        "torch.batch_norm_gather_stats", "torch.batch_norm_gather_stats_with_counts",
        "torch.nn.functional.instance_norm", "torch.instance_norm",
        "torch.nn.BatchNorm1d", "torch.nn.BatchNorm2d", "torch.nn.BatchNorm3d",
    ),
    aten=_KERNELS,
    # Python copies of the same ops elsewhere in torch (reference implementations).
    modules=("torch._refs", "torch._decomp"),
    families=(NORM_LAYER_FAMILY,),
    reason="batch norm is what this kata asks you to write; build it from mean, a "
           "variance and rsqrt/sqrt, and update the running stats yourself",
)


def _tol(x: torch.Tensor, running_var: torch.Tensor, training: bool, eps: float) -> Tol:
    # Centring costs about 1e-7·|x|/σ of x̂ in float32, σ the channel's std that
    # normalises: the batch's in training, the running one in eval.
    x64 = x.double().transpose(0, 1).reshape(x.shape[1], -1)
    var = x64.var(dim=1, unbiased=False) if training else running_var.double()
    offset = float((x64.abs() / (var + eps).sqrt()[:, None]).max())
    return Tol(atol=2e-6 + 3e-7 * offset, rtol=2e-5)


def _case(name, shape, seed, training, momentum=0.1, eps=1e-5):
    c = shape[1]
    # per-channel offsets and spreads, so that channels are not interchangeable
    spread = rand(c, seed=seed + 1, low=0.5, high=3.0)
    offset = randn(c, seed=seed + 2, scale=2.0)
    view = [1, c] + [1] * (len(shape) - 2)
    x = randn(*shape, seed=seed) * spread.view(view) + offset.view(view)
    args = {
        "x": x,
        "weight": randn(c, seed=seed + 3, scale=0.5, mean=1.0),
        "bias": randn(c, seed=seed + 4, scale=0.5),
        "running_mean": randn(c, seed=seed + 5, scale=0.5),
        "running_var": rand(c, seed=seed + 6, low=0.5, high=2.0),
        "training": training,
        "momentum": momentum,
        "eps": eps,
    }
    return Case(name, args, tol=_tol(x, args["running_var"], training, eps),
                mutable=("running_mean", "running_var"))


@also_in(torch.float64)
def cases():
    yield _case("training, [8, 3]", (8, 3), 10, True)
    yield _case("training, [2, 5] (two rows)", (2, 5), 20, True)
    yield _case("training, [4, 3, 5]", (4, 3, 5), 30, True)
    yield _case("training, [1, 2, 6] (one sample, 6 positions)", (1, 2, 6), 40, True)
    yield _case("training, [3, 1, 7] (one channel)", (3, 1, 7), 50, True)
    yield _case("training, [2, 3, 4, 5]", (2, 3, 4, 5), 60, True)
    yield _case("training, [5, 2, 3, 3], momentum 0.3, eps 1e-3", (5, 2, 3, 3), 70, True,
                momentum=0.3, eps=1e-3)
    yield _case("training, [1, 4, 2, 3]", (1, 4, 2, 3), 80, True)
    yield _case("eval, [6, 3]", (6, 3), 90, False)
    yield _case("eval, [1, 5] (one row)", (1, 5), 100, False)
    yield _case("eval, [3, 4, 5]", (3, 4, 5), 110, False)
    yield _case("eval, [2, 3, 3, 4], momentum 0.3", (2, 3, 3, 4), 120, False, momentum=0.3)


def _shape(x):
    return [1, -1] + [1] * (x.dim() - 2)


def _dims(x):
    return [0] + list(range(2, x.dim()))


def _batch_stats(x, dims=None):
    dims = _dims(x) if dims is None else dims
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True)
    return mean, var


def _normalise(case, mean, var, eps_outside=False):
    a = case.args
    x, s = a["x"], _shape(a["x"])
    denom = var.sqrt() + a["eps"] if eps_outside else (var + a["eps"]).sqrt()
    return (x - mean) / denom * a["weight"].view(s) + a["bias"].view(s)


def _update(case, unbiased=True, swap=False):
    """The running stats after one training step, as new tensors."""
    a = case.args
    x, m = a["x"], a["momentum"]
    mean, var = _batch_stats(x)
    n = x.numel() // x.shape[1]
    if unbiased:
        var = var * n / (n - 1)
    keep, new = (m, 1 - m) if swap else (1 - m, m)
    return (keep * a["running_mean"] + new * mean.reshape(-1),
            keep * a["running_var"] + new * var.reshape(-1))


def reference(case):
    a = case.args
    x = a["x"]
    if a["training"]:
        mean, var = _batch_stats(x)
        new_mean, new_var = _update(case)
        a["running_mean"].copy_(new_mean)
        a["running_var"].copy_(new_var)
    else:
        mean, var = a["running_mean"].view(_shape(x)), a["running_var"].view(_shape(x))
    return _normalise(case, mean, var)


# --- known wrong outputs --------------------------------------------------------------

def _in_mode(training, compute):
    # Kata-specific, not the judge's: each mistake belongs to one mode; elsewhere it names another.
    def wrapped(case):
        if case.args["training"] != training:
            raise ValueError("not this mode")
        return compute(case)
    return wrapped


def _unbiased_normalise(case):
    x = case.args["x"]
    mean, var = _batch_stats(x)
    n = x.numel() // x.shape[1]
    return _normalise(case, mean, var * n / (n - 1))


def _batch_stats_in_eval(case):
    return _normalise(case, *_batch_stats(case.args["x"]))


def _running_stats_in_training(case):
    x = case.args["x"]
    return _normalise(case, case.args["running_mean"].view(_shape(x)),
                      case.args["running_var"].view(_shape(x)))


def _updated_stats_in_training(case):
    x = case.args["x"]
    new_mean, new_var = _update(case)
    return _normalise(case, new_mean.view(_shape(x)), new_var.view(_shape(x)))


def _batch_dim_only(case):
    x = case.args["x"]
    if x.dim() < 3:
        raise ValueError("same as the reference for [N, C]")
    return _normalise(case, *_batch_stats(x, dims=[0]))


def _eps_outside(case):
    return _normalise(case, *_batch_stats(case.args["x"]), eps_outside=True)


VARIANTS = [
    Variant("you normalised with the unbiased variance (divide by n−1): batch norm "
            "normalises with the biased batch variance (divide by n); only running_var "
            "gets the unbiased one", _in_mode(True, _unbiased_normalise)),
    Variant("in eval mode (training=False) normalise with running_mean and running_var, "
            "not with the statistics of the batch", _in_mode(False, _batch_stats_in_eval)),
    Variant("in training mode normalise with the batch mean and variance; the running "
            "stats are only updated, not used", _in_mode(True, _running_stats_in_training)),
    Variant("in training mode normalise with this batch's mean and variance, not with the "
            "freshly updated running stats", _in_mode(True, _updated_stats_in_training)),
    Variant("you reduced over the batch dimension only: the statistics of channel c run "
            "over every dimension except 1 (N and all spatial positions)",
            _in_mode(True, _batch_dim_only)),
    Variant("eps goes inside the square root: (x − mean) / sqrt(var + eps)",
            _in_mode(True, _eps_outside)),
]


# --- the running stats: checked in diagnose (a Variant can only name `out` keys) --------

def _as64(case):
    args = {k: v.detach().double() if isinstance(v, torch.Tensor) else v
            for k, v in case.args.items()}
    return Case(case.name, args, tol=case.tol)


def _matches(got, key, value, case):
    return compare_tensor(key, got.get(key), value, case.tol, torch.float32) is None


def _state_hint(case, got, want):
    c64 = _as64(case)
    a = c64.args
    before = {"after.running_mean": a["running_mean"], "after.running_var": a["running_var"]}
    wrong = [k for k in before if not _matches(got, k, want[k], case)]
    if not wrong:
        return None
    if not a["training"]:
        return ("in eval mode (training=False) the running statistics must be left "
                "unchanged: only read them")
    if all(_matches(got, k, before[k], case) for k in wrong):
        return ("the running stats were not updated: update the caller's tensors in place, "
                "e.g. running_mean.mul_(1 - momentum).add_(momentum * batch_mean); "
                "assigning a new tensor to the name does not change the caller's")
    biased_var = _update(c64, unbiased=False)[1]
    if wrong == ["after.running_var"] and _matches(got, "after.running_var", biased_var, case):
        return ("running_var must be updated with the unbiased batch variance "
                "(n/(n−1) times the biased one, n = values per channel), although the "
                "normalisation uses the biased one")
    swapped = _update(c64, swap=True)
    if all(_matches(got, k, v, case) for k, v in zip(before, swapped, strict=True)):
        return ("the update is r = (1 − momentum)·r + momentum·batch_stat: momentum weighs "
                "the new statistic (you swapped momentum and 1 − momentum)")
    return None


def diagnose(case, got, want):
    out = got.get("out")
    if isinstance(out, torch.Tensor) and out.shape == want["out"].shape \
            and not torch.isfinite(out).all():
        return ("the result is not finite: is eps added inside the square root, and does "
                "the variance divide by n (not n − 1)?")
    return _state_hint(case, got, want)
