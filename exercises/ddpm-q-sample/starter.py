import torch
from torch import Tensor


def q_sample(x0: Tensor, t: Tensor, noise: Tensor, betas: Tensor) -> Tensor:
    """Sample x_t ~ q(x_t | x_0) of the DDPM forward process, one timestep per sample.

    x0 and noise: [B, ...]; t: int64 [B], 0-based (0 <= t[b] < T); betas: [T].
    Returns sqrt(ᾱ_t)·x0 + sqrt(1 − ᾱ_t)·noise with ᾱ_t = ∏_{s≤t}(1 − β_s), taken per
    sample, with the shape, dtype and device of x0.
    """
    raise NotImplementedError
