import torch
from torch import Tensor, nn


def train_accumulated(model: nn.Module, optimizer: torch.optim.Optimizer, inputs: Tensor,
                      targets: Tensor, micro_batch_size: int, accum_steps: int) -> Tensor:
    """One pass over (inputs, targets) in micro-batches of micro_batch_size rows, one
    optimizer step per accum_steps micro-batches, each step equal to a step on the group's
    mean MSE. Returns the group losses (before each step) as a 1-D tensor."""
    raise NotImplementedError
