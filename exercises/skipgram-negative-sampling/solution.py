import torch
import torch.nn.functional as F
from torch import Tensor


def sgns_loss(in_embed: Tensor, out_embed: Tensor, center: Tensor, context: Tensor,
              negatives: Tensor) -> Tensor:
    """Skip-gram negative-sampling loss, averaged over the batch."""
    v = in_embed[center]  # [B, D] center words: input table
    u_pos = out_embed[context]  # [B, D] context words: output table
    u_neg = out_embed[negatives]  # [B, K, D] sampled negatives: output table
    pos_score = (u_pos * v).sum(dim=1)  # [B]
    neg_score = torch.einsum("bkd,bd->bk", u_neg, v)  # [B, K]
    # logsigmoid is stable for large |score| (log(sigmoid(x)) underflows to -inf).
    loss = -(F.logsigmoid(pos_score) + F.logsigmoid(-neg_score).sum(dim=1))
    return loss.mean()
