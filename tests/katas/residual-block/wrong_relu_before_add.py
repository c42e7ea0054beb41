# expect: the ReLU comes after the addition
"""Puts the second ReLU on the residual branch (conv-bn-relu twice) and adds the shortcut
after it: the block's output is no longer clipped at zero."""
import torch.nn.functional as F


def _bn(t, p, eps):
    w, b, m, v = p
    return F.batch_norm(t, m, v, w, b, training=False, eps=eps)


def residual_block(x, conv1_weight, bn1, conv2_weight, bn2, stride=1, shortcut_weight=None,
                   shortcut_bn=None, eps=1e-5):
    out = F.relu(_bn(F.conv2d(x, conv1_weight, stride=stride, padding=1), bn1, eps))
    out = F.relu(_bn(F.conv2d(out, conv2_weight, padding=1), bn2, eps))
    sc = x if shortcut_weight is None else _bn(F.conv2d(x, shortcut_weight, stride=stride),
                                              shortcut_bn, eps)
    return out + sc
