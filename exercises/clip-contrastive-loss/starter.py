import torch
from torch import Tensor


def clip_contrastive_loss(image_emb: Tensor, text_emb: Tensor, logit_scale: float) -> Tensor:
    """Symmetric InfoNCE over the N x N similarity matrix of L2-normalised embeddings.

    logits = logit_scale * normalize(image_emb) @ normalize(text_emb).T; the targets are
    the diagonal; returns the mean of the image->text and text->image cross-entropies.
    """
    raise NotImplementedError
