# expect: the paper's (1 + w)ε_c − wε_u with the same
"""Uses Ho & Salimans' (1 + w)·eps_c − w·eps_u with the diffusers guidance_scale as w."""
import torch


def classifier_free_guidance(model, x_t, t, cond, null_cond, guidance_scale):
    c_in = torch.cat([null_cond.expand_as(cond), cond])
    eps_u, eps_c = model(torch.cat([x_t, x_t]), torch.cat([t, t]), c_in).chunk(2)
    return (1 + guidance_scale) * eps_c - guidance_scale * eps_u
