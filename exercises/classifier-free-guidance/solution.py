import torch
from torch import Tensor


def classifier_free_guidance(model, x_t: Tensor, t: Tensor, cond: Tensor, null_cond: Tensor,
                             guidance_scale: float) -> Tensor:
    """Guided ε prediction: eps_u + guidance_scale * (eps_c - eps_u), one model call."""
    # One forward pass over both halves: unconditional first, then conditional.
    x_in = torch.cat([x_t, x_t], dim=0)
    t_in = torch.cat([t, t], dim=0)
    c_in = torch.cat([null_cond.expand_as(cond), cond], dim=0)
    eps_uncond, eps_cond = model(x_in, t_in, c_in).chunk(2, dim=0)
    return eps_uncond + guidance_scale * (eps_cond - eps_uncond)
