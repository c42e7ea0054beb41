# expect: you took the cross-entropy over the columns
"""Builds the similarity matrix as k̂ q̂ᵀ: each key is classified against the queries."""
import torch
import torch.nn.functional as F


def info_nce(query, key, temperature=0.07):
    logits = F.normalize(key, dim=1) @ F.normalize(query, dim=1).T / temperature
    return F.cross_entropy(logits, torch.arange(query.shape[0], device=query.device))
