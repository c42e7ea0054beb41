# expect: you did not clear them before the first group
"""Zeroes the gradients only after each step, so the stale .grad leaks into the first one."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for s in range(0, len(xs), accum_steps):
        n = sum(x.shape[0] for x in xs[s:s + accum_steps])
        total = 0.0
        for x, y in zip(xs[s:s + accum_steps], ys[s:s + accum_steps]):
            loss = ((model(x) - y) ** 2).mean() * (x.shape[0] / n)
            loss.backward()
            total += loss.item()
        optimizer.step()
        optimizer.zero_grad()
        losses.append(total)
    return torch.tensor(losses)
