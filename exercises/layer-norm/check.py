"""Checker for `layer-norm`."""

import torch

from study.kata.compare import compare_tensor
from study.kata.presets import NORM_LAYER_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randn

_BATCH_NORM_KERNELS = (
    # instance norm runs on the batch-norm kernels: banning "instance norm used as
    # layer norm" means banning these too (batch norm on x.T is the same trick).
    "aten::batch_norm", "aten::_batch_norm_impl_index", "aten::native_batch_norm",
    "aten::_native_batch_norm_legit", "aten::_native_batch_norm_legit_no_training",
    "aten::_native_batch_norm_legit_functional", "aten::_batch_norm_with_update",
    "aten::_batch_norm_with_update_functional", "aten::_batch_norm_no_update",
    "aten::cudnn_batch_norm", "aten::miopen_batch_norm",
)

BAN = Ban(
    functions=(
        "torch.nn.functional.layer_norm", "torch.layer_norm", "torch.native_layer_norm",
        "torch.nn.LayerNorm", "torch.nn.functional.group_norm", "torch.group_norm",
        "torch.native_group_norm", "torch.nn.functional.instance_norm", "torch.instance_norm",
        "torch.nn.functional.batch_norm", "torch.batch_norm", "torch.native_batch_norm",
    ),
    aten=("aten::layer_norm", "aten::native_layer_norm", "aten::group_norm",
          "aten::native_group_norm", "aten::instance_norm") + _BATCH_NORM_KERNELS,
    # Python copies of the same ops elsewhere in torch (reference implementations).
    modules=("torch._refs", "torch._decomp"),
    families=(NORM_LAYER_FAMILY,),
    reason="layer norm is what this kata asks you to write; build it from mean, "
           "a variance and rsqrt/sqrt",
)


def _tol(x: torch.Tensor, weight: torch.Tensor, eps: float, grads: bool) -> Tol:
    """float32 error of a stable two-pass layer norm, outputs and gradients alike.

    Centring loses about 1e-7·|x|/σ of x̂ (the rows' offset relative to their spread);
    the gradient w.r.t. x carries a factor |w|/σ, the ones w.r.t. weight and bias sum
    over the rows.
    """
    x64 = x.double()
    std = (x64.var(dim=-1, unbiased=False, keepdim=True) + eps).sqrt()
    offset = float((x64.abs() / std).max())  # |x| in units of its row's std
    scale = (1.0 + offset) * max(1.0, float(weight.abs().max()))
    if grads:
        rows = max(1, x.numel() // x.shape[-1])
        scale *= max(1.0, float(1.0 / std.min())) * rows ** 0.5
    return Tol(atol=1e-6 + 3e-7 * scale, rtol=2e-5)


def _case(name, x, weight, bias, eps=1e-5, grads=True, **extra):
    return Case(name, {"x": x, "weight": weight, "bias": bias, "eps": eps},
                tol=_tol(x, weight, eps, grads), grad=("x", "weight", "bias") if grads else (),
                extra=extra)


def _params(d, seed):
    return randn(d, seed=seed, scale=0.5, mean=1.0), randn(d, seed=seed + 1, scale=0.5)


@also_in(torch.float64)
def cases():
    shapes = [(13,), (1, 7), (4, 10), (2, 3, 5), (3, 1, 33), (2, 5, 64), (5, 24)]
    for i, shape in enumerate(shapes):
        x = randn(*shape, seed=10 + i, scale=2.0, mean=0.3)
        yield _case(f"random {list(shape)}", x, *_params(shape[-1], 100 + 2 * i))
    yield _case("D = 1 (every row normalises to the bias)", randn(3, 1, seed=1),
                *_params(1, 200))
    x = randn(16, 64, seed=2) + 50.0
    yield _case("inputs with mean 50 and std 1", x, *_params(64, 202), grads=False,
                offset=True)
    x = randn(8, 96, seed=6) + 50.0
    yield _case("inputs with mean 50 and std 1, gradients", x, *_params(96, 210),
                offset=True)
    x = randn(2, 3, 129, seed=3, scale=1.5) - 50.0
    yield _case("inputs with mean -50 and std 1.5, [2, 3, 129]", x, *_params(129, 204),
                offset=True)
    x = randn(4, 40, seed=4, scale=0.01) + 0.5
    yield _case("tiny spread (std 0.01) around 0.5", x, *_params(40, 206), offset=True)
    x = randn(6, 17, seed=5, scale=0.3)
    yield _case("eps = 0.1 (it goes inside the square root)", x, *_params(17, 208), eps=0.1)


def reference(case):
    a = case.args
    x, weight, bias, eps = a["x"], a["weight"], a["bias"], a["eps"]
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * weight + bias


def _normed(case, var_fn=None, eps_outside=False, dims=None):
    a = case.args
    x, weight, bias, eps = a["x"], a["weight"], a["bias"], a["eps"]
    dims = (-1,) if dims is None else dims
    mean = x.mean(dim=dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=dims, keepdim=True) if var_fn is None else var_fn(x, dims)
    denom = var.sqrt() + eps if eps_outside else (var + eps).sqrt()
    return (x - mean) / denom * weight + bias


def _unbiased(case):
    if case.args["x"].shape[-1] < 2:
        raise ValueError("no unbiased variance of one value")
    return _normed(case, var_fn=lambda x, dims: x.var(dim=dims, unbiased=True, keepdim=True))


def _eps_outside(case):
    return _normed(case, eps_outside=True)


def _whole_tensor(case):
    return _normed(case, dims=tuple(range(case.args["x"].dim())))


def _first_dim(case):
    return _normed(case, dims=(0,))


def _no_affine(case):
    a = case.args
    x, eps = a["x"], a["eps"]
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / (var + eps).sqrt()


def _std_not_var(case):
    a = case.args
    x, weight, bias, eps = a["x"], a["weight"], a["bias"], a["eps"]
    mean = x.mean(dim=-1, keepdim=True)
    var = ((x - mean) ** 2).mean(dim=-1, keepdim=True)
    return (x - mean) / (var + eps) * weight + bias


VARIANTS = [
    Variant("you used the unbiased variance (divide by D−1) to normalise; layer norm uses "
            "the biased variance (divide by D): torch.var(..., unbiased=False) or "
            "mean((x - mean)²)", _unbiased),
    Variant("eps goes inside the square root: (x − mean) / sqrt(var + eps), not "
            "/ (sqrt(var) + eps)", _eps_outside),
    Variant("you divided by the variance, not by its square root (the standard deviation)",
            _std_not_var),
    Variant("you normalised over the whole tensor: layer norm normalises each row over the "
            "last dimension only (dim=-1, keepdim=True)", _whole_tensor),
    Variant("you normalised over the first dimension (that is batch norm): layer norm "
            "normalises over the last dimension, dim=-1", _first_dim),
    Variant("the result must be scaled by weight and shifted by bias: x̂ · weight + bias",
            _no_affine),
]


def _detached_stats_grad_x(case):
    """The gradient w.r.t. x when the mean and variance are treated as constants."""
    a = case.args
    x, weight, eps = a["x"].double(), a["weight"].double(), a["eps"]
    var = x.var(dim=-1, unbiased=False, keepdim=True)
    return case.upstream["out"].double() * weight / (var + eps).sqrt()


def _close(got, want, rel):
    """Every output within `rel` of the reference's scale: a precision problem, not a bug."""
    for key, w in want.items():
        g = got.get(key)
        if not isinstance(g, torch.Tensor) or g.shape != w.shape:
            return False
        if float((g.double() - w).abs().max()) > rel * max(1.0, float(w.abs().max())):
            return False
    return True


def diagnose(case, got, want):
    out = got.get("out")
    if not isinstance(out, torch.Tensor) or out.shape != want["out"].shape:
        return None
    if not torch.isfinite(out).all():
        return ("the result is not finite: is eps added inside the square root, and does "
                "D = 1 divide by zero (D − 1)?")
    out_ok = compare_tensor("out", out, want["out"], case.tol, torch.float32) is None
    if case.extra.get("offset") and _close(got, want, 1e-2):
        return ("your variance loses precision when |mean| is large compared with the "
                "spread: E[x²] − E[x]² subtracts two nearly equal numbers in float32. "
                "Centre first: var = mean((x − mean)²)")
    gx = got.get("grad.x")
    if out_ok and "grad.x" in want:
        if not isinstance(gx, torch.Tensor):
            return ("no gradient reached x: build the result from x with differentiable "
                    "torch operations (no .detach(), no torch.no_grad(), no .item())")
        if compare_tensor("grad.x", gx, _detached_stats_grad_x(case), case.tol,
                          torch.float32) is None:
            return ("the gradient w.r.t. x treats the mean and the variance as constants: "
                    "do not detach them (or compute them under no_grad); gradients flow "
                    "through both")
        if any(isinstance(got.get(k), torch.Tensor) and torch.isnan(got[k]).any()
               for k in want if k.startswith("grad.")):
            return ("a gradient is NaN: sqrt has an infinite derivative at 0, so a row with "
                    "zero variance (D = 1) needs eps inside the square root, "
                    "sqrt(var + eps)")
        return ("the output is right but a gradient is not: every step from x, weight "
                "and bias to the result must be a differentiable torch operation")
    return None
