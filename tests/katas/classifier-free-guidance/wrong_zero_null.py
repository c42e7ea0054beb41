# expect: not zeros
"""Uses a zero embedding for the unconditional half instead of the given null_cond."""
import torch


def classifier_free_guidance(model, x_t, t, cond, null_cond, guidance_scale):
    c_in = torch.cat([torch.zeros_like(cond), cond])
    eps_u, eps_c = model(torch.cat([x_t, x_t]), torch.cat([t, t]), c_in).chunk(2)
    return eps_u + guidance_scale * (eps_c - eps_u)
