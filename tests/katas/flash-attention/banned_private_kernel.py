# expect: banned operation aten::_scaled_dot_product_flash_attention_for_cpu
"""Goes straight to the CPU flash-attention kernel through torch.ops.aten."""
import torch

_kernel = getattr(torch.ops.aten, "_scaled_dot_product_" + "flash_attention_for_cpu")


def flash_attention(q, k, v, causal=False, block_size=64):
    return _kernel(q, k, v, is_causal=causal)[0]
