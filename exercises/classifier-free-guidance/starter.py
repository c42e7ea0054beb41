import torch
from torch import Tensor


def classifier_free_guidance(model, x_t: Tensor, t: Tensor, cond: Tensor, null_cond: Tensor,
                             guidance_scale: float) -> Tensor:
    """Guided ε prediction: eps_u + guidance_scale * (eps_c - eps_u).

    model(x, t, c) -> eps, called exactly once on a batch of 2B (the unconditional half
    uses null_cond [E] broadcast over the batch, the conditional half uses cond [B, E]).
    Returns a tensor with the shape, dtype and device of x_t.
    """
    raise NotImplementedError
