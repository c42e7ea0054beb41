# expect: you ignored the eps argument
"""Calls F.batch_norm without eps=eps, so it always uses the default 1e-5."""
import torch.nn.functional as F


def _bn(t, p):
    w, b, m, v = p
    return F.batch_norm(t, m, v, w, b, training=False)


def residual_block(x, conv1_weight, bn1, conv2_weight, bn2, stride=1, shortcut_weight=None,
                   shortcut_bn=None, eps=1e-5):
    out = F.relu(_bn(F.conv2d(x, conv1_weight, stride=stride, padding=1), bn1))
    out = _bn(F.conv2d(out, conv2_weight, padding=1), bn2)
    sc = x if shortcut_weight is None else _bn(F.conv2d(x, shortcut_weight, stride=stride),
                                              shortcut_bn)
    return F.relu(out + sc)
