# expect: the last, incomplete group was dropped
"""Only steps when a full group of accum_steps micro-batches has been seen."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    optimizer.zero_grad()
    total, count, n_seen = 0.0, 0, 0
    n = micro_batch_size * accum_steps
    for x, y in zip(xs, ys):
        loss = ((model(x) - y) ** 2).mean() * (x.shape[0] / n)
        loss.backward()
        total += loss.item()
        count += 1
        if count == accum_steps:
            optimizer.step()
            optimizer.zero_grad()
            losses.append(total)
            total, count = 0.0, 0
    return torch.tensor(losses)
