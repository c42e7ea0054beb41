import torch  # noqa: F401
from torch import Tensor


def apply_rope(x: Tensor, positions: Tensor | None = None, base: float = 10000.0) -> Tensor:
    """Rotary position embedding with interleaved pairs (RoFormer).

    x: [B, H, T, Dh], Dh even; positions: int64 [T] (None = 0 .. T-1).
    The pair (x[..., 2i], x[..., 2i+1]) of the token at position m is rotated by
    m·θ_i, θ_i = base^(-2i/Dh):
        out[2i]   = x[2i]·cos(mθ_i) − x[2i+1]·sin(mθ_i)
        out[2i+1] = x[2i]·sin(mθ_i) + x[2i+1]·cos(mθ_i)
    Returns a new tensor shaped like x.
    """
    raise NotImplementedError
