# expect: the loss is the mean over the batch, not the sum
"""Sums the per-pair losses."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps,
             beta=0.1, label_smoothing=0.0):
    z = beta * ((policy_chosen_logps - ref_chosen_logps)
                - (policy_rejected_logps - ref_rejected_logps))
    eps = label_smoothing
    return (-(1 - eps) * F.logsigmoid(z) - eps * F.logsigmoid(-z)).sum()
