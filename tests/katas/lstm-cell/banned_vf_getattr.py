# expect: banned operation torch.lstm_cell
"""Reaches the fused kernel through a getattr on torch._VF, with the name assembled at run time."""
import importlib

_VF = importlib.import_module("torch." + "_VF")


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    return getattr(_VF, "lstm" + "_cell")(x, (h, c), w_ih, w_hh, b_ih, b_hh)
