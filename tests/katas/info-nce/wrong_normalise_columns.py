# expect: you normalised along the wrong dimension
"""Normalises the columns (dim=0) instead of each embedding (dim=1): the rows are not unit
vectors, so the similarities are not cosines."""
import torch
import torch.nn.functional as F


def info_nce(query, key, temperature=0.07):
    q, k = F.normalize(query, dim=0), F.normalize(key, dim=0)
    logits = q @ k.T / temperature
    return F.cross_entropy(logits, torch.arange(query.shape[0], device=query.device))
