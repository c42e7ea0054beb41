# expect: banned operation code from torch.nn.modules.transformer
"""Loads the weights into nn.TransformerEncoderLayer and calls it."""
import torch
from torch import nn


def transformer_encoder_layer(x, in_proj_weight, in_proj_bias, out_proj_weight, out_proj_bias,
                              linear1_weight, linear1_bias, linear2_weight, linear2_bias,
                              norm1_weight, norm1_bias, norm2_weight, norm2_bias, num_heads,
                              key_padding_mask=None, norm_first=False, activation="relu",
                              eps=1e-5):
    D = x.shape[-1]
    layer = nn.TransformerEncoderLayer(D, num_heads, linear1_weight.shape[0], dropout=0.0,
                                       activation=activation, layer_norm_eps=eps,
                                       batch_first=True, norm_first=norm_first).to(x)
    with torch.no_grad():
        layer.self_attn.in_proj_weight.copy_(in_proj_weight)
        layer.self_attn.in_proj_bias.copy_(in_proj_bias)
        layer.self_attn.out_proj.weight.copy_(out_proj_weight)
        layer.self_attn.out_proj.bias.copy_(out_proj_bias)
        layer.linear1.weight.copy_(linear1_weight)
        layer.linear1.bias.copy_(linear1_bias)
        layer.linear2.weight.copy_(linear2_weight)
        layer.linear2.bias.copy_(linear2_bias)
        layer.norm1.weight.copy_(norm1_weight)
        layer.norm1.bias.copy_(norm1_bias)
        layer.norm2.weight.copy_(norm2_weight)
        layer.norm2.bias.copy_(norm2_bias)
    layer.eval()
    with torch.no_grad():
        return layer(x, src_key_padding_mask=key_padding_mask)
