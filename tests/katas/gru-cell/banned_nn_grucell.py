# expect: banned operation code from torch.nn.modules.rnn
"""Builds an nn.GRUCell and loads the weights into it with load_state_dict."""
import torch


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    cell = torch.nn.GRUCell(x.shape[1], h.shape[1], device=x.device)
    cell.load_state_dict({"weight_ih": w_ih, "weight_hh": w_hh, "bias_ih": b_ih,
                          "bias_hh": b_hh})
    with torch.no_grad():
        return cell(x, h)
