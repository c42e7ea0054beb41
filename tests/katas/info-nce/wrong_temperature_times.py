# expect: you multiplied by it
"""Multiplies the cosines by the temperature instead of dividing."""
import torch
import torch.nn.functional as F


def info_nce(query, key, temperature=0.07):
    logits = F.normalize(query, dim=1) @ F.normalize(key, dim=1).T * temperature
    return F.cross_entropy(logits, torch.arange(query.shape[0], device=query.device))
