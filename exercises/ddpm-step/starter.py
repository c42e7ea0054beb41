import torch
from torch import Tensor


def ddpm_step(x_t: Tensor, eps_pred: Tensor, t: int, betas: Tensor,
              noise: Tensor | None = None) -> Tensor:
    """One ancestral DDPM reverse step x_t -> x_{t-1} with an ε-prediction.

    x_t, eps_pred (and noise): [B, ...]; t: 0-based int step; betas: [T].
    Returns mean + σ_t·noise for t > 0 (noise drawn with torch.randn_like when None)
    and the mean at t = 0, with the shape, dtype and device of x_t.
    """
    raise NotImplementedError
