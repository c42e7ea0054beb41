import torch
from torch import Tensor


def sgns_loss(in_embed: Tensor, out_embed: Tensor, center: Tensor, context: Tensor,
              negatives: Tensor) -> Tensor:
    """Skip-gram negative-sampling loss, averaged over the batch.

    in_embed, out_embed: [V, D]; center, context: [B] int64; negatives: [B, K] int64.
    Per pair: -log σ(u_o·v) - Σ_k log σ(-u_k·v), v from in_embed, u from out_embed.
    """
    raise NotImplementedError
