"""Bans shared by several katas (each kata adds its own `reason` with `.because()`).

A ban is by family: a pattern matched against the name of every op torch registers, in
every namespace (`aten::_softmax`, `quantized_decomposed::quantize_per_tensor`, an op a
later torch adds), at the Python level and at dispatch, so a private kernel, a custom op,
an `nn` module or an alias that computes the banned thing is refused with the rest. The
`functions` lists remain for a clearer message (they name the public function first).
"""

from __future__ import annotations

from study.kata.bans import Ban

# --- the families (regular expressions searched in an op's name, namespace dropped) ----

SOFTMAX_FAMILY = r"softmax|softmin"  # _softmax, _log_softmax, _safe_softmax, _sparse_softmax...
ATTENTION_FAMILY = (r"attention|attn|multi_head|transformer_(encoder|decoder)|fused_sdp"
                    r"|_safe_softmax|_masked_softmax")
RNN_FAMILY = r"lstm|gru|rnn"
CONV_FAMILY = r"conv(?!ert)"  # `(?!ert)` spares convert_*; im2col/col2im (F.unfold) stay allowed
POOL_FAMILY = r"pool\d"  # max/avg/adaptive/fractional/lp pools of every rank
MAX_POOL_FAMILY = r"max_?pool|max_unpool"
# Any normalisation layer can be bent into another (batch norm on x.T is layer norm,
# group norm with one group per channel is batch norm without running stats).
NORM_LAYER_FAMILY = r"(batch|layer|group|instance)_norm"
RMS_NORM_FAMILY = r"rms_norm"
QUANT_FAMILY = r"quantiz|fake_quant|qparams|fused_moving_avg_obs"
PADDING_FAMILY = r"pad_sequence|pack_sequence|pack_padded|pad_packed|padded|jagged|nested|collate"
CROSS_ENTROPY_FAMILY = r"cross_entropy|nll_loss"
BCE_FAMILY = r"binary_cross_entropy"
KL_FAMILY = r"kl_div"
DROPOUT_FAMILY = r"dropout|_masked_scale"
FUSED_OPTIM_FAMILY = r"_fused_(adam|sgd|adagrad)"
# The backward kernels compute a gradient formula outright; the dual-number ops are
# forward-mode autograd.
BACKWARD_FAMILY = r"backward|_make_dual|_unpack_dual"

SOFTMAX = Ban(
    functions=("torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax",
               "torch.log_softmax", "torch.nn.functional.log_softmax",
               "torch.Tensor.log_softmax", "torch.special.softmax", "torch.special.log_softmax",
               "torch._softmax", "torch._log_softmax", "torch.nn.functional.softmin",
               "torch.nn.functional.gumbel_softmax"),
    families=(SOFTMAX_FAMILY,),
)

# Every route to a ready-made attention: the public functions and modules, every kernel
# whose name says attention (caught at dispatch, so aliases, getattr and torch.ops.* are
# caught too), and the copies elsewhere in torch (flex attention, the quantizable
# MultiheadAttention). `_safe_softmax` is the masked softmax inside the math route: only
# attention code uses it, and it is what a TorchScript'ed math attention runs.
ATTENTION = Ban(
    functions=(
        "torch.nn.functional.scaled_dot_product_attention",
        "torch.nn.functional.multi_head_attention_forward",
        "torch._scaled_dot_product_attention_math",
        "torch._native_multi_head_attention",
        "torch._transformer_encoder_layer_fwd",
        "torch._fused_sdp_choice",
    ),
    modules=(
        "torch.nn.attention",  # flex_attention, varlen_attn, ...
        "torch._higher_order_ops.flex_attention",
        "torch.ao.nn.quantizable.modules.activation",  # a Python copy of MultiheadAttention
    ),
    families=(ATTENTION_FAMILY,),
)

# PyTorch's own recurrent cells: the public functions, the torch._VF kernels (the same
# objects as torch.lstm_cell & co.), every lstm/gru/rnn kernel (torch.ops.aten.*, the CUDA
# fused cells, cuDNN/MKLDNN/MIOpen sequence kernels, the quantized cells), and the Python
# modules that hold a copy of a cell (nn.LSTM/nn.GRU and their cells, the quantizable /
# quantized / reference copies in torch.ao, the decomposition helpers).
_RNN_VF = ("lstm", "lstm_cell", "gru", "gru_cell", "rnn_tanh", "rnn_tanh_cell", "rnn_relu",
           "rnn_relu_cell", "quantized_lstm_cell", "quantized_gru_cell",
           "quantized_rnn_tanh_cell", "quantized_rnn_relu_cell")
RNN = Ban(
    # torch._VF.<name> is the same object as torch.<name>: listing torch.<name> last makes
    # the message name the public function.
    functions=tuple(f"torch._VF.{n}" for n in _RNN_VF) + tuple(f"torch.{n}" for n in _RNN_VF),
    modules=("torch.nn.modules.rnn", "torch.ao.nn.quantizable", "torch.ao.nn.quantized",
             "torch._decomp.decompositions", "torch.export._patches"),
    families=(RNN_FAMILY,),
)

# Every convolution (torch._convolution, torch.mkldnn_convolution, thnn_conv2d,
# torch.nn.grad.conv2d_weight, nn.Conv2d, quantized and oneDNN convolutions, ...).
# im2col / col2im (F.unfold, F.fold), F.pad (constant_pad_nd) and matmul stay allowed.
CONV = Ban(
    functions=tuple(f"torch.nn.functional.{n}" for n in (
        "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
        "conv_transpose3d", "conv_tbc"))
    + tuple(f"torch.nn.grad.conv{d}d_{w}" for d in (1, 2, 3) for w in ("input", "weight")),
    families=(CONV_FAMILY,),
)

# Binary cross-entropy, functional and module forms, and its kernels.
BCE = Ban(
    functions=("torch.nn.functional.binary_cross_entropy_with_logits",
               "torch.nn.functional.binary_cross_entropy", "torch.nn.BCEWithLogitsLoss",
               "torch.nn.BCELoss"),
    families=(BCE_FAMILY,),
)

# Layer, batch, group and instance norm, and the Python copies of them in torch.
NORM_LAYERS = Ban(
    functions=("torch.nn.functional.layer_norm", "torch.nn.functional.batch_norm",
               "torch.nn.functional.group_norm", "torch.nn.functional.instance_norm"),
    modules=("torch._refs", "torch._decomp"),
    families=(NORM_LAYER_FAMILY,),
)
