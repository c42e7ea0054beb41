# expect: you summed several micro-batches
"""Runs each micro-batch forward but sums the group's losses and calls backward() once:
the same step, with every micro-batch's activations kept alive until the end of the group."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for start in range(0, len(xs), accum_steps):
        group = range(start, min(start + accum_steps, len(xs)))
        n = sum(xs[i].shape[0] for i in group)
        optimizer.zero_grad()
        total = sum(((model(xs[i]) - ys[i]) ** 2).mean() * (xs[i].shape[0] / n) for i in group)
        total.backward()
        optimizer.step()
        losses.append(total.detach())
    return torch.stack(losses)
