import math  # noqa: F401

import torch  # noqa: F401
import torch.nn.functional as F  # noqa: F401
from torch import Tensor


def transformer_encoder_layer(x: Tensor, in_proj_weight: Tensor, in_proj_bias: Tensor,
                              out_proj_weight: Tensor, out_proj_bias: Tensor,
                              linear1_weight: Tensor, linear1_bias: Tensor,
                              linear2_weight: Tensor, linear2_bias: Tensor,
                              norm1_weight: Tensor, norm1_bias: Tensor, norm2_weight: Tensor,
                              norm2_bias: Tensor, num_heads: int,
                              key_padding_mask: Tensor | None = None, norm_first: bool = False,
                              activation: str = "relu", eps: float = 1e-5) -> Tensor:
    """One Transformer encoder layer, as nn.TransformerEncoderLayer(batch_first=True, dropout=0).

    x: [B, T, D]; weights in nn.Linear layout [out, in] (y = x @ W.T + b); in_proj_weight
    [3D, D] holds W_q, W_k, W_v stacked; head h uses columns h*dh:(h+1)*dh, scale
    1/sqrt(dh). key_padding_mask: bool [B, T], True = padding (never attended to).
    norm_first=False: post-LN, x = norm1(x + sa(x)); x = norm2(x + ffn(x)).
    norm_first=True: pre-LN, x = x + sa(norm1(x)); x = x + ffn(norm2(x)).
    activation: "relu" or "gelu" (exact). Returns [B, T, D].
    """
    raise NotImplementedError
