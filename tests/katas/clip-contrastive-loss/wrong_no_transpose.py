# expect: or the same logits twice
"""Computes the 'text' loss from the same image-by-text logits."""
import torch
import torch.nn.functional as F


def clip_contrastive_loss(image_emb, text_emb, logit_scale):
    logits = logit_scale * F.normalize(image_emb, dim=-1) @ F.normalize(text_emb, dim=-1).T
    labels = torch.arange(logits.shape[0])
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits, labels)) / 2
