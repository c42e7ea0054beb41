# expect: you divided by the norm of the whole matrix
"""Divides query and key by the norm of the whole matrix (x.norm()), not each row by its
own norm: the similarities are not cosines."""
import torch
import torch.nn.functional as F


def info_nce(query, key, temperature=0.07):
    logits = (query / query.norm()) @ (key / key.norm()).T / temperature
    return F.cross_entropy(logits, torch.arange(query.shape[0], device=query.device))
