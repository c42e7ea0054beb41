# expect: banned operation
"""Delegates to the nn module, created lazily through importlib."""
import importlib


def cross_entropy(logits, target, label_smoothing=0.0, ignore_index=-100):
    nn = importlib.import_module("torch.nn")
    loss = getattr(nn, "CrossEntropy" + "Loss")(label_smoothing=label_smoothing,
                                                ignore_index=ignore_index)
    return loss(logits, target)
