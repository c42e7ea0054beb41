# expect: beta scales the log-ratio difference inside the sigmoid
"""Treats beta as a loss weight instead of the inverse temperature inside the sigmoid."""
import torch.nn.functional as F


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps,
             beta=0.1, label_smoothing=0.0):
    z = (policy_chosen_logps - ref_chosen_logps) - (policy_rejected_logps - ref_rejected_logps)
    eps = label_smoothing
    return beta * (-(1 - eps) * F.logsigmoid(z) - eps * F.logsigmoid(-z)).mean()
