# expect: banned operation torch.nn.functional.scaled_dot_product_attention
"""Calls PyTorch's fused attention under an innocent-looking alias."""
from torch.nn import functional as nnf

tiled_kernel = nnf.scaled_dot_product_attention


def flash_attention(q, k, v, causal=False, block_size=64):
    return tiled_kernel(q, k, v, is_causal=causal)
