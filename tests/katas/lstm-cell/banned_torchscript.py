# expect: torch.jit and torch.compile are not available
"""Hides the fused cell inside a TorchScript function compiled at import time: the
interpreter calls aten::lstm_cell from C++,
where no Python-level hook would see it; the sandbox refuses TorchScript outright."""
import torch


@torch.jit.script
def _cell(x: torch.Tensor, hc: list[torch.Tensor], w_ih: torch.Tensor, w_hh: torch.Tensor,
          b_ih: torch.Tensor, b_hh: torch.Tensor):
    return torch.lstm_cell(x, hc, w_ih, w_hh, b_ih, b_hh)


def lstm_cell(x, h, c, w_ih, w_hh, b_ih, b_hh):
    return _cell(x, [h, c], w_ih, w_hh, b_ih, b_hh)
