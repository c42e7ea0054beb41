# expect: log(sigmoid(z)) underflows
"""Computes log(sigmoid(z)) literally, which is -inf once sigmoid underflows to 0."""
import torch


def dpo_loss(policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps,
             beta=0.1, label_smoothing=0.0):
    z = beta * ((policy_chosen_logps - ref_chosen_logps)
                - (policy_rejected_logps - ref_rejected_logps))
    eps = label_smoothing
    losses = -(1 - eps) * torch.log(torch.sigmoid(z)) - eps * torch.log(torch.sigmoid(-z))
    return losses.mean()
