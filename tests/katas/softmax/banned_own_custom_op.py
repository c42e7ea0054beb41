# expect: was registered after the check started
"""Hides torch.softmax inside an operator of its own (torch.library): the guards would see
only kata_mine::smx, and its kernel runs where no guard looks."""
import torch

_lib = torch.library.Library("kata_mine", "DEF")
_lib.define("smx(Tensor x, int dim) -> Tensor")
_lib.impl("smx", lambda x, dim: torch.softmax(x, dim), "CompositeExplicitAutograd")


def softmax(x, dim=-1):
    return torch.ops.kata_mine.smx(x, dim)
