# expect: the two directions are averaged, not added
"""Adds the two cross-entropies instead of averaging them."""
import torch
import torch.nn.functional as F


def clip_contrastive_loss(image_emb, text_emb, logit_scale):
    logits = logit_scale * F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T
    labels = torch.arange(logits.shape[0])
    return F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)
