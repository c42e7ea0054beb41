# expect: exact erf GELU, not approximate='tanh'
"""Uses the tanh approximation of GELU where activation="gelu" means the exact erf form."""
import math
import torch
import torch.nn.functional as F


def _ln(z, w, b, eps):
    mu = z.mean(-1, keepdim=True)
    var = z.var(-1, unbiased=False, keepdim=True)
    return (z - mu) / torch.sqrt(var + eps) * w + b


def transformer_encoder_layer(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias,
                              linear1_weight, linear1_bias, linear2_weight, linear2_bias,
                              norm1_weight, norm1_bias, norm2_weight, norm2_bias, num_heads,
                              key_padding_mask=None, norm_first=False, activation="relu", eps=1e-5):
    B, T, D = x.shape
    H = num_heads
    dh = D // H

    def sa(z):
        q, k, v = F.linear(z, in_proj_weight, in_proj_bias).chunk(3, -1)
        q, k, v = (t.reshape(B, T, H, dh).transpose(1, 2) for t in (q, k, v))
        s = q @ k.transpose(-1, -2) / math.sqrt(dh)
        if key_padding_mask is not None:
            s = s.masked_fill(key_padding_mask[:, None, None, :], float("-inf"))
        a = torch.softmax(s, -1)
        o = (a @ v).transpose(1, 2).reshape(B, T, D)
        return F.linear(o, out_proj_weight, out_proj_bias)

    def ffn(z):
        h = F.linear(z, linear1_weight, linear1_bias)
        h = F.relu(h) if activation == "relu" else F.gelu(h, approximate="tanh")
        return F.linear(h, linear2_weight, linear2_bias)

    if norm_first:
        x = x + sa(_ln(x, norm1_weight, norm1_bias, eps))
        x = x + ffn(_ln(x, norm2_weight, norm2_bias, eps))
    else:
        x = _ln(x + sa(x), norm1_weight, norm1_bias, eps)
        x = _ln(x + ffn(x), norm2_weight, norm2_bias, eps)
    return x
