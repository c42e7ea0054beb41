# expect: you averaged both directions
"""Writes CLIP's symmetric loss: the mean of the row and the column cross-entropies."""
import torch
import torch.nn.functional as F


def info_nce(query, key, temperature=0.07):
    logits = F.normalize(query, dim=1) @ F.normalize(key, dim=1).T / temperature
    labels = torch.arange(query.shape[0], device=query.device)
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
