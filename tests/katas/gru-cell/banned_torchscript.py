# expect: torch.jit and torch.compile are not available
"""Hides the fused cell inside a TorchScript function compiled at import time: the
interpreter calls aten::gru_cell from C++,
where no Python-level hook would see it; the sandbox refuses TorchScript outright."""
import torch


@torch.jit.script
def _step(x: torch.Tensor, h: torch.Tensor, w_ih: torch.Tensor, w_hh: torch.Tensor,
          b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    return torch.gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)


def gru_cell(x, h, w_ih, w_hh, b_ih, b_hh):
    return _step(x, h, w_ih, w_hh, b_ih, b_hh)
