# expect: call it exactly once, on a batch
"""Runs the model twice (unconditional, then conditional): right values, twice the cost."""


def classifier_free_guidance(model, x_t, t, cond, null_cond, guidance_scale):
    eps_u = model(x_t, t, null_cond.expand_as(cond))
    eps_c = model(x_t, t, cond)
    return eps_u + guidance_scale * (eps_c - eps_u)
