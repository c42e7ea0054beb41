# expect: exp() overflows
"""Computes −log(exp(s_ii) / Σ_j exp(s_ij)) literally: exp(100) overflows float32."""
import torch


def info_nce(query, key, temperature=0.07):
    q = query / query.norm(dim=1, keepdim=True)
    k = key / key.norm(dim=1, keepdim=True)
    e = torch.exp(q @ k.T / temperature)
    return -torch.log(e.diagonal() / e.sum(dim=1)).mean()
