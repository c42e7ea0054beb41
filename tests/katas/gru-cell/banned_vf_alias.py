# expect: banned operation torch.gru_cell
"""Takes the kernel out of the class dict behind torch._VF, under another name."""
import torch

step = vars(torch._C._VariableFunctionsClass)["gru" + "_cell"]


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return step(x, h, w_ih, w_hh, b_ih, b_hh)
