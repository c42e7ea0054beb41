import torch
import torch.nn.functional as F
from torch import Tensor


def clip_contrastive_loss(image_emb: Tensor, text_emb: Tensor, logit_scale: float) -> Tensor:
    """Symmetric InfoNCE over the N x N similarity matrix of L2-normalised embeddings."""
    img = F.normalize(image_emb, dim=-1)
    txt = F.normalize(text_emb, dim=-1)
    logits = logit_scale * img @ txt.T  # [N images, N texts]
    labels = torch.arange(logits.shape[0], device=logits.device)
    return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
