import torch.nn.functional as F
from torch import Tensor


def dpo_loss(policy_chosen_logps: Tensor, policy_rejected_logps: Tensor,
             ref_chosen_logps: Tensor, ref_rejected_logps: Tensor, beta: float = 0.1,
             label_smoothing: float = 0.0) -> Tensor:
    """Mean DPO loss -(1-eps)·log σ(z) - eps·log σ(-z) over the batch."""
    chosen_ratio = policy_chosen_logps - ref_chosen_logps
    rejected_ratio = policy_rejected_logps - ref_rejected_logps
    z = beta * (chosen_ratio - rejected_ratio)
    # logsigmoid is stable for any z, unlike log(sigmoid(z)).
    losses = -(1.0 - label_smoothing) * F.logsigmoid(z) - label_smoothing * F.logsigmoid(-z)
    return losses.mean()
