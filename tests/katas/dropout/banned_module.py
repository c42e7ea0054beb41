# expect: banned operation
"""Uses nn.Dropout, reached through a getattr on torch.nn."""
import torch


def dropout(x, p=0.5, training=True):
    m = getattr(torch.nn, "Drop" + "out")(p)
    m.train(training)
    return m(x)
