import torch
from torch import Tensor, nn


def train_accumulated(model: nn.Module, optimizer: torch.optim.Optimizer, inputs: Tensor,
                      targets: Tensor, micro_batch_size: int, accum_steps: int) -> Tensor:
    """One pass over the data with gradient accumulation; returns each update's group loss."""
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for start in range(0, len(xs), accum_steps):
        group = range(start, min(start + accum_steps, len(xs)))
        n_group = sum(xs[i].shape[0] for i in group)
        optimizer.zero_grad()  # also clears whatever .grad the model arrived with
        total = 0.0
        for i in group:
            # Weight each micro-batch mean by its share of the group's samples, so the sum
            # of the backward passes is the gradient of the mean over the whole group.
            loss = ((model(xs[i]) - ys[i]) ** 2).mean() * (xs[i].shape[0] / n_group)
            loss.backward()
            total += loss.detach()
        optimizer.step()
        losses.append(total)
    return torch.stack(losses)
