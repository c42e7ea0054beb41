import torch
import torch.nn.functional as F
from torch import Tensor


def info_nce(query: Tensor, key: Tensor, temperature: float = 0.07) -> Tensor:
    """InfoNCE with in-batch negatives: key i is the positive of query i."""
    q = F.normalize(query, dim=1)
    k = F.normalize(key, dim=1)
    logits = q @ k.T / temperature  # [N, N] cosine similarities, sharpened
    # Row i: query i against every key; its positive sits on the diagonal.
    labels = torch.arange(query.shape[0], device=query.device)
    return F.cross_entropy(logits, labels)  # stable log-softmax inside
