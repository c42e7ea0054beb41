# expect: divided by the number of micro-batches in its group
"""Divides each micro-batch's mean loss by the number of micro-batches in its group: right
when they are all the same size, wrong when the last one is short."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for start in range(0, len(xs), accum_steps):
        group = range(start, min(start + accum_steps, len(xs)))
        optimizer.zero_grad()
        total = 0.0
        for i in group:
            loss = ((model(xs[i]) - ys[i]) ** 2).mean() / len(group)
            loss.backward()
            total += loss.detach()
        optimizer.step()
        losses.append(total)
    return torch.stack(losses)
