# expect: banned operation aten::gru_cell
"""Calls the aten operator through torch.ops, looked up by a computed name."""
import torch

_ops = getattr(torch.ops, "at" + "en")


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return getattr(_ops, "gru" + "_cell")(x, h, w_ih, w_hh, b_ih, b_hh)
