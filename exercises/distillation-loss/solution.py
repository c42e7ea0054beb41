import torch
from torch import Tensor


def distillation_loss(student_logits: Tensor, teacher_logits: Tensor, target: Tensor,
                      temperature: float = 2.0, alpha: float = 0.5) -> Tensor:
    """Hinton et al.'s distillation loss: softened KL to the teacher plus hard-label CE."""
    t = temperature
    log_q = torch.log_softmax(student_logits / t, dim=-1)  # student, softened
    log_p = torch.log_softmax(teacher_logits / t, dim=-1)  # teacher, softened
    kl = (log_p.exp() * (log_p - log_q)).sum(dim=-1).mean()  # KL(p || q), batchmean
    log_probs = torch.log_softmax(student_logits, dim=-1)
    ce = -log_probs.gather(1, target.unsqueeze(1)).mean()
    return alpha * t * t * kl + (1 - alpha) * ce
