# expect: the micro-batch losses are not scaled
"""Calls backward on each micro-batch's plain mean loss: the step uses the sum of K means."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for s in range(0, len(xs), accum_steps):
        optimizer.zero_grad()
        total = 0.0
        for x, y in zip(xs[s:s + accum_steps], ys[s:s + accum_steps]):
            loss = ((model(x) - y) ** 2).mean()
            loss.backward()
            total += loss.item()
        optimizer.step()
        losses.append(total)
    return torch.tensor(losses)
