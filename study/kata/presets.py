"""Bans shared by several katas (each kata adds its own `reason` with `.because()`)."""

from __future__ import annotations

import re

import torch

from study.kata.bans import Ban


def registered_ops(pattern: str) -> tuple[str, ...]:
    """Every op torch registers (aten, mkldnn, cudnn, quantized, ...) whose name matches."""
    names = getattr(torch._C, "_dispatch_get_all_op_names", lambda: [])()
    return tuple(sorted({n.split(".")[0] for n in names
                         if re.search(pattern, n.split(".")[0].split("::")[-1])}))

# Every route to a ready-made attention: the public functions and modules, their private
# kernels (caught at dispatch, so aliases, getattr and torch.ops.aten.* are caught too),
# and the copies elsewhere in torch (flex attention, the quantizable MultiheadAttention).
ATTENTION = Ban(
    functions=(
        "torch.nn.functional.scaled_dot_product_attention",
        "torch.nn.functional.multi_head_attention_forward",
        "torch._scaled_dot_product_attention_math",
        "torch._native_multi_head_attention",
        "torch._transformer_encoder_layer_fwd",
        "torch._fused_sdp_choice",
    ),
    aten=(
        "aten::scaled_dot_product_attention",
        "aten::_scaled_dot_product_attention_math",
        "aten::_scaled_dot_product_attention_math_for_mps",
        "aten::_scaled_dot_product_flash_attention",
        "aten::_scaled_dot_product_flash_attention_for_cpu",
        "aten::_scaled_dot_product_efficient_attention",
        "aten::_scaled_dot_product_cudnn_attention",
        "aten::_scaled_dot_product_fused_attention_overrideable",
        "aten::_flash_attention_forward",
        "aten::_flash_attention_forward_no_dropout_inplace",
        "aten::_efficient_attention_forward",
        "aten::_fused_sdp_choice",
        "aten::_native_multi_head_attention",
        "aten::_transformer_encoder_layer_fwd",
        "aten::_triton_scaled_dot_attention",
        "aten::_triton_multi_head_attention",
        # The masked softmax inside the math attention route: only attention code uses it,
        # and it is what a TorchScript'ed torch._scaled_dot_product_attention_math runs.
        "aten::_safe_softmax",
    ),
    modules=(
        "torch.nn.attention",  # flex_attention, varlen_attn, ...
        "torch._higher_order_ops.flex_attention",
        "torch.ao.nn.quantizable.modules.activation",  # a Python copy of MultiheadAttention
    ),
)

# Every route to PyTorch's own recurrent cells: the public functions, the torch._VF kernels
# (the same objects as torch.lstm_cell & co.), the aten kernels (torch.ops.aten.*, the CUDA
# fused cells, cuDNN/MKLDNN/MIOpen sequence kernels), and the Python modules that hold a
# copy of a cell (nn.LSTM/nn.GRU and their cells, the quantizable/quantized/reference copies
# in torch.ao, the decomposition helpers in torch._decomp and torch.export).
_RNN_VF = ("lstm", "lstm_cell", "gru", "gru_cell", "rnn_tanh", "rnn_tanh_cell", "rnn_relu",
           "rnn_relu_cell", "quantized_lstm_cell", "quantized_gru_cell",
           "quantized_rnn_tanh_cell", "quantized_rnn_relu_cell")
RNN = Ban(
    # torch._VF.<name> is the same object as torch.<name>: listing torch.<name> last makes
    # the message name the public function.
    functions=tuple(f"torch._VF.{n}" for n in _RNN_VF) + tuple(f"torch.{n}" for n in _RNN_VF),
    aten=("aten::lstm_cell", "aten::lstm", "aten::_thnn_fused_lstm_cell",
          "aten::_thnn_fused_lstm_cell_backward_impl", "aten::_thnn_fused_lstm_cell_backward",
          "aten::_thnn_differentiable_lstm_cell_backward", "aten::quantized_lstm_cell",
          "aten::quantized_lstm", "aten::_lstm_mps", "aten::gru_cell", "aten::gru",
          "aten::_thnn_fused_gru_cell", "aten::_thnn_fused_gru_cell_backward",
          "aten::_thnn_differentiable_gru_cell_backward", "aten::quantized_gru_cell",
          "aten::quantized_gru", "aten::_cudnn_rnn", "aten::miopen_rnn",
          "aten::mkldnn_rnn_layer", "aten::rnn_tanh_cell", "aten::rnn_relu_cell",
          "aten::rnn_tanh", "aten::rnn_relu"),
    modules=("torch.nn.modules.rnn", "torch.ao.nn.quantizable", "torch.ao.nn.quantized",
             "torch._decomp.decompositions", "torch.export._patches"),
)

# Every convolution kernel, by name, so no private route (torch._convolution,
# torch.mkldnn_convolution, torch._C._nn.thnn_conv2d, torch.nn.grad.conv2d_weight,
# nn.Conv2d, ...) reaches one. `(?!ert)` spares `convert_*`; im2col / col2im (F.unfold,
# F.fold), F.pad (constant_pad_nd) and matmul do not match and stay allowed.
CONV = Ban(
    functions=tuple(f"torch.{n}" for n in (
        "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "convolution", "_convolution", "_convolution_mode", "conv_tbc",
        "mkldnn_convolution", "cudnn_convolution", "cudnn_convolution_transpose",
        "miopen_convolution"))
    + tuple(f"torch.nn.functional.{n}" for n in (
        "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "conv_tbc"))
    + tuple(f"torch.nn.grad.conv{d}d_{w}" for d in (1, 2, 3) for w in ("input", "weight")),
    aten=tuple(sorted(set(registered_ops(r"conv(?!ert)")) | {
        "aten::convolution", "aten::_convolution", "aten::conv1d", "aten::conv2d",
        "aten::conv3d", "aten::conv_transpose1d", "aten::conv_transpose2d",
        "aten::conv_transpose3d", "aten::mkldnn_convolution", "aten::_slow_conv2d_forward",
        "aten::thnn_conv2d", "aten::cudnn_convolution", "aten::convolution_backward",
        "aten::_conv_depthwise2d"})),
)

# Binary cross-entropy, functional and module forms, and its kernels.
BCE = Ban(
    functions=("torch.nn.functional.binary_cross_entropy_with_logits",
               "torch.nn.functional.binary_cross_entropy",
               "torch.binary_cross_entropy_with_logits", "torch.nn.BCEWithLogitsLoss",
               "torch.nn.BCELoss"),
    aten=("aten::binary_cross_entropy_with_logits", "aten::binary_cross_entropy",
          "aten::binary_cross_entropy_backward"),
)
