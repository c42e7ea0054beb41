# expect: the reference log-ratio enters with the wrong sign
"""Adds the reference margin instead of subtracting it."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps,
             beta=0.1, label_smoothing=0.0):
    z = beta * ((policy_chosen_logps - policy_rejected_logps)
                + (ref_chosen_logps - ref_rejected_logps))
    eps = label_smoothing
    return (-(1 - eps) * F.logsigmoid(z) - eps * F.logsigmoid(-z)).mean()
