# expect: banned operation
"""Uses nn.KLDivLoss and nn.CrossEntropyLoss, fetched by getattr."""
import torch


def distillation_loss(student_logits, teacher_logits, target, temperature=2.0, alpha=0.5):
    t = temperature
    kl = getattr(torch.nn, "KLDiv" + "Loss")(reduction="batchmean", log_target=True)
    kl_val = kl(torch.log_softmax(student_logits / t, -1), torch.log_softmax(teacher_logits / t, -1))
    ce = getattr(torch.nn, "CrossEntropy" + "Loss")()(student_logits, target)
    return alpha * t * t * kl_val + (1 - alpha) * ce
