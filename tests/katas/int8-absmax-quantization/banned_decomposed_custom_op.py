# expect: banned operation quantized_decomposed::quantize_per
"""PyTorch's quantizer reached as a custom op: torch.ops.quantized_decomposed.* (registered
by torch.ao.quantization.fx._decomposed), the same rounding and clamping behind another
namespace."""
import torch
import torch.ao.quantization.fx._decomposed  # noqa: F401  (registers the ops)

_q = torch.ops.quantized_decomposed


def int8_absmax_quantize(x, dim=None):
    if dim is None:
        absmax = x.abs().amax()
        scale = torch.where(absmax == 0, torch.ones_like(absmax), absmax / 127)
        return _q.quantize_per_tensor(x, float(scale), 0, -127, 127, torch.int8), scale
    dim = dim % x.dim()
    absmax = x.abs().amax(dim=dim, keepdim=True)
    scale = torch.where(absmax == 0, torch.ones_like(absmax), absmax / 127)
    moved = x.movedim(dim, 0)
    flat_scale = scale.reshape(-1)
    q = _q.quantize_per_channel(moved, flat_scale, torch.zeros_like(flat_scale, dtype=torch.long),
                                0, -127, 127, torch.int8)
    return q.movedim(0, dim), scale
