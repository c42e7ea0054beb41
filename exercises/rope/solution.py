import torch
from torch import Tensor


def apply_rope(x: Tensor, positions: Tensor | None = None, base: float = 10000.0) -> Tensor:
    """Rotary position embedding, interleaved pairs (RoFormer).

    The pair (x[..., 2i], x[..., 2i+1]) of the token at position m is rotated by the
    angle m·θ_i, θ_i = base^(-2i/Dh).
    """
    T, Dh = x.shape[-2], x.shape[-1]
    if positions is None:
        positions = torch.arange(T, device=x.device)
    m = positions.to(device=x.device, dtype=x.dtype)  # [T]
    two_i = torch.arange(0, Dh, 2, device=x.device, dtype=x.dtype)  # 2i
    theta = base ** (-two_i / Dh)  # [Dh / 2]
    angle = m[:, None] * theta[None, :]  # [T, Dh / 2]
    cos, sin = torch.cos(angle), torch.sin(angle)

    x_even, x_odd = x[..., 0::2], x[..., 1::2]  # [B, H, T, Dh / 2] each
    out_even = x_even * cos - x_odd * sin
    out_odd = x_even * sin + x_odd * cos
    # Interleave back: [..., Dh / 2, 2] -> [..., Dh], so out[2i] = even, out[2i+1] = odd.
    return torch.stack((out_even, out_odd), dim=-1).flatten(-2)
