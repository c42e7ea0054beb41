# expect: only the image→text direction
"""Forgets the text→image half of the symmetric loss."""
import torch
import torch.nn.functional as F


def clip_contrastive_loss(image_emb, text_emb, logit_scale):
    logits = logit_scale * F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T
    return F.cross_entropy(logits, torch.arange(logits.shape[0]))
