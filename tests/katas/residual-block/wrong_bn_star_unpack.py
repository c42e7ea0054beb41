# expect: unpack it by name
"""F.batch_norm(t, *bn): the (w, b, mean, var) tuple lands in the (mean, var, w, b) slots."""
import torch
import torch.nn.functional as F


def residual_block(x, conv1_weight, bn1, conv2_weight, bn2, stride=1,
                   shortcut_weight=None, shortcut_bn=None, eps=1e-5):
    def bn(t, p):
        return F.batch_norm(t, *p, training=False, eps=eps)   # tuple order is (w, b, rm, rv), not (rm, rv, w, b)
    h = F.relu(bn(F.conv2d(x, conv1_weight, stride=stride, padding=1), bn1))
    h = bn(F.conv2d(h, conv2_weight, padding=1), bn2)
    s = x if shortcut_weight is None else bn(F.conv2d(x, shortcut_weight, stride=stride), shortcut_bn)
    return F.relu(h + s)
