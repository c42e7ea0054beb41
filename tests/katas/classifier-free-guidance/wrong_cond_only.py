# expect: you returned the conditional prediction alone
"""Conditions both halves on `cond` (forgot null_cond), so the guidance term vanishes."""
import torch


def classifier_free_guidance(model, x_t, t, cond, null_cond, guidance_scale):
    eps_u, eps_c = model(torch.cat([x_t, x_t]), torch.cat([t, t]), torch.cat([cond, cond])).chunk(2)
    return eps_u + guidance_scale * (eps_c - eps_u)
