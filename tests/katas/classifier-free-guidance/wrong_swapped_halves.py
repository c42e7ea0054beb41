# expect: you swapped the conditional and unconditional predictions
"""Concatenates [cond, null] but unpacks the chunks as (uncond, cond)."""
import torch


def classifier_free_guidance(model, x_t, t, cond, null_cond, guidance_scale):
    c_in = torch.cat([cond, null_cond.expand_as(cond)])
    eps_u, eps_c = model(torch.cat([x_t, x_t]), torch.cat([t, t]), c_in).chunk(2)
    return eps_u + guidance_scale * (eps_c - eps_u)
