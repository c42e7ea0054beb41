# expect: banned operation aten::lstm_cell
"""Calls the aten operator directly through torch.ops."""
import torch

_op = getattr(torch.ops.aten, "lstm" + "_cell").default


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    return _op(x, [h, c], w_ih, w_hh, b_ih, b_hh)
