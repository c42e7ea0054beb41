"""Checker for `grad-cam`: Grad-CAM maps (spatial-mean gradient weights, weighted sum over
channels, ReLU, optional bilinear upsampling, optional per-image max normalisation) against
the formula in float64. Nothing is banned: Grad-CAM is not in torch."""

import math

import torch
import torch.nn.functional as F

from study.kata.toolkit import Case, Tol, Variant, also_in, randn


def _acts(shape, seed, scale=2.0):
    """Post-ReLU feature maps, as a CNN layer produces them (many exact zeros)."""
    return torch.relu(randn(*shape, seed=seed, scale=scale))


def _grads(shape, seed, scale=0.05):
    return randn(*shape, seed=seed, scale=scale)


def _case(name, acts, grads, output_size=None, normalize=True):
    c = acts.shape[1]
    # float32 error of the weighted sum: about 1e-7·sqrt(C) of Σ_c |α_c·A_c|; normalising
    # divides by the peak, upsampling is a convex combination.
    alpha = grads.double().mean(dim=(2, 3), keepdim=True)
    spread = (alpha.abs() * acts.double()).sum(dim=1)
    cam = torch.relu((alpha * acts.double()).sum(dim=1))
    scale = float(spread.max())
    if normalize:
        peaks = cam.amax(dim=(1, 2))
        scale = float((spread.amax(dim=(1, 2)) / peaks.clamp_min(1e-300))[peaks > 0].max()) \
            if bool((peaks > 0).any()) else 1.0
    atol = 1e-6 + 2e-6 * math.sqrt(c) * scale
    return Case(name, {"activations": acts, "gradients": grads, "output_size": output_size,
                       "normalize": normalize}, tol=Tol(atol=atol, rtol=1e-5))


@also_in(torch.float64)
def cases():
    s = (2, 8, 7, 7)
    yield _case("[2, 8, 7, 7], normalised", _acts(s, 1), _grads(s, 2))
    s = (1, 1, 5, 5)
    yield _case("one image, one channel, [1, 1, 5, 5]", _acts(s, 3), _grads(s, 4) + 0.02)
    s = (3, 16, 4, 6)
    yield _case("[3, 16, 4, 6], not normalised", _acts(s, 5), _grads(s, 6), normalize=False)
    s = (2, 5, 1, 1)
    yield _case("1x1 maps, [2, 5, 1, 1], not normalised", _acts(s, 7, 1.0) + 0.5,
                _grads(s, 8, 1.0), normalize=False)
    s = (4, 3, 1, 1)
    yield _case("1x1 maps, [4, 3, 1, 1], normalised", _acts(s, 9, 1.0) + 0.5,
                _grads(s, 10, 1.0))
    s = (2, 6, 7, 7)
    yield _case("[2, 6, 7, 7] upsampled to (28, 28)", _acts(s, 11), _grads(s, 12),
                output_size=(28, 28))
    s = (2, 4, 5, 3)
    yield _case("[2, 4, 5, 3] upsampled to (11, 8): non-integer factors", _acts(s, 13),
                _grads(s, 14), output_size=(11, 8))
    s = (3, 6, 6, 6)
    yield _case("[3, 6, 6, 6] upsampled to (13, 9), not normalised", _acts(s, 15),
                _grads(s, 16), output_size=(13, 9), normalize=False)
    s = (2, 5, 4, 4)
    yield _case("output_size equal to the map size", _acts(s, 17), _grads(s, 18),
                output_size=(4, 4))
    # The middle image's weights are all negative on non-negative activations: its map
    # is zero everywhere and must stay zero (not NaN) after normalising.
    s = (3, 6, 5, 5)
    g = _grads(s, 20)
    g[1] = -g[1].abs() - 0.01
    yield _case("an image whose map is all zero (every weighted sum ≤ 0)", _acts(s, 19), g)
    # Positive weights on strictly positive activations: no zero left after the ReLU,
    # so dividing by the max and min-max scaling differ.
    s = (2, 4, 6, 5)
    yield _case("every position positive (the minimum is not 0)",
                _acts(s, 21, 1.0) + 0.2, _grads(s, 22).abs() + 0.01)
    s = (1, 64, 14, 14)
    yield _case("one image, 64 channels, 14x14, upsampled to (56, 56)", _acts(s, 23),
                _grads(s, 24, 0.01), output_size=(56, 56))
    s = (2, 32, 7, 9)
    yield _case("[2, 32, 7, 9], images with very different scales",
                _acts(s, 25) * torch.tensor([1.0, 100.0]).view(2, 1, 1, 1), _grads(s, 26))


def _cam(a, weights="mean", relu=True, combine="sum", upsample="bilinear",
         order="upsample-first", norm="image", relu_after_upsample=False):
    acts, grads = a["activations"], a["gradients"]
    if weights == "mean":
        alpha = grads.mean(dim=(2, 3), keepdim=True)
    elif weights == "sum":
        alpha = grads.sum(dim=(2, 3), keepdim=True)
    elif weights == "acts":
        alpha = acts.mean(dim=(2, 3), keepdim=True)
    elif weights == "relu-grads":
        alpha = torch.relu(grads).mean(dim=(2, 3), keepdim=True)
    else:  # "pointwise": gradients times activations, no spatial average
        alpha = grads
    weighted = alpha * acts
    cam = weighted.mean(dim=1) if combine == "mean" else weighted.sum(dim=1)
    if relu and not relu_after_upsample:
        cam = torch.relu(cam)
    size, normalize = a["output_size"], a["normalize"]
    if not normalize:
        norm = None

    def _norm(m):
        if norm == "image":
            peak = m.amax(dim=(1, 2), keepdim=True)
        elif norm == "batch":
            peak = m.amax().expand(m.shape[0], 1, 1)
        elif norm == "minmax":
            lo = m.amin(dim=(1, 2), keepdim=True)
            hi = m.amax(dim=(1, 2), keepdim=True)
            return torch.where(hi > lo, (m - lo) / (hi - lo).clamp_min(1e-300), 0 * m)
        else:
            return m
        return torch.where(peak > 0, m / peak.clamp_min(1e-300), 0 * m)

    if order == "normalise-first":
        cam = _norm(cam)
    if size is not None:
        if upsample == "bilinear":
            cam = F.interpolate(cam[:, None], size=tuple(size), mode="bilinear",
                                align_corners=False)[:, 0]
        elif upsample == "align":
            cam = F.interpolate(cam[:, None], size=tuple(size), mode="bilinear",
                                align_corners=True)[:, 0]
        else:
            cam = F.interpolate(cam[:, None], size=tuple(size), mode=upsample)[:, 0]
    if relu and relu_after_upsample:
        cam = torch.relu(cam)
    if order != "normalise-first":
        cam = _norm(cam)
    return cam


def reference(case):
    return _cam(case.args)


def _variant(**kw):
    return lambda case: _cam(case.args, **kw)


def _no_relu(case):
    # Kata-specific (not the judge's): with no ReLU, a peak ≤ 0 has no meaningful normalisation.
    raw = _cam(dict(case.args, normalize=False), relu=False)
    if case.args["normalize"] and bool((raw.amax(dim=(1, 2)) <= 0).any()):
        raise ValueError("dividing a negative peak: not a meaningful variant")
    return _cam(case.args, relu=False)


VARIANTS = [
    Variant("the ReLU is missing: Grad-CAM keeps only the positive evidence, "
            "L = ReLU(Σ_c α_c·A_c)", _no_relu),
    Variant("the channel weights are the spatial MEAN of the gradients (divide by H·W); "
            "you summed them", _variant(weights="sum")),
    Variant("the map is the SUM over channels of α_c·A_c; you averaged over channels",
            _variant(combine="mean")),
    Variant("the channel weights come from the gradients, α_c = mean(∂y/∂A_c), not from "
            "the activations", _variant(weights="acts")),
    Variant("you multiplied gradients and activations position by position: first "
            "average each channel's gradient over H and W (one weight per channel), then "
            "weight the activation maps", _variant(weights="pointwise")),
    Variant("you clipped the gradients with a ReLU before averaging (that is closer to "
            "Grad-CAM++ / guided variants): α_c is the plain mean of the gradients, the ReLU "
            "comes after the weighted sum", _variant(weights="relu-grads")),
    Variant("you normalised by the maximum over the whole batch: divide each image's map "
            "by its own maximum (amax over dims 1 and 2)", _variant(norm="batch")),
    Variant("the contract divides each map by its maximum only; you also subtracted the "
            "minimum (min-max scaling)", _variant(norm="minmax")),
    Variant("normalise after upsampling: the maximum of the upsampled map is not the "
            "maximum of the coarse one", _variant(order="normalise-first")),
    Variant("apply the ReLU before upsampling: interpolating the raw map blends negative "
            "values into their positive neighbours", _variant(relu_after_upsample=True)),
    Variant("bilinear upsampling with align_corners=False (F.interpolate's default "
            "grid); you used align_corners=True", _variant(upsample="align")),
    Variant("the upsampling is bilinear (mode='bilinear'); you used nearest-neighbour",
            _variant(upsample="nearest")),
    Variant("the upsampling is bilinear (mode='bilinear'); you used bicubic",
            _variant(upsample="bicubic")),
]


def diagnose(case, got, want):
    out, ref = got.get("out"), want.get("out")
    if not (isinstance(out, torch.Tensor) and isinstance(ref, torch.Tensor)):
        return None
    if out.shape != ref.shape:
        if out.dim() == 4 and out.shape[1] == 1 \
                and (out.shape[0], *out.shape[2:]) == tuple(ref.shape):
            return ("drop the channel dimension: the map is [B, H_out, W_out], not "
                    "[B, 1, H_out, W_out]")
        return (f"the map is [B, H_out, W_out] = {list(ref.shape)}: one map per image, "
                f"summed over channels, at output_size when it is given")
    if out.is_floating_point() and torch.isnan(out).any():
        return ("NaN in the result: a map that is zero everywhere has maximum 0; divide only "
                "where the maximum is positive and leave such a map at zero")
    return None
