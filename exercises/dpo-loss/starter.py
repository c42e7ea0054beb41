import torch
from torch import Tensor


def dpo_loss(policy_chosen_logps: Tensor, policy_rejected_logps: Tensor,
             ref_chosen_logps: Tensor, ref_rejected_logps: Tensor, beta: float = 0.1,
             label_smoothing: float = 0.0) -> Tensor:
    """Mean DPO loss -(1-eps)·log σ(z) - eps·log σ(-z) over the batch.

    z = beta * ((policy_chosen - ref_chosen) - (policy_rejected - ref_rejected)).
    All inputs are [B] summed log-probabilities; returns a 0-dim tensor.
    """
    raise NotImplementedError
