# expect: you stepped the optimizer after every micro-batch
"""Steps after every micro-batch: accum_steps is ignored."""
import torch


def train_accumulated(model, optimizer, inputs, targets, micro_batch_size, accum_steps):
    xs, ys = inputs.split(micro_batch_size), targets.split(micro_batch_size)
    losses = []
    for x, y in zip(xs, ys):
        optimizer.zero_grad()
        loss = ((model(x) - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return torch.tensor(losses)
