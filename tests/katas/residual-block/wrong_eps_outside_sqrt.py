# expect: eps goes inside the square root
"""A hand-written eval-mode batch norm that adds eps to the standard deviation."""
import torch.nn.functional as F


def _bn(t, p, eps):
    w, b, m, v = (q.view(1, -1, 1, 1) for q in p)
    return (t - m) / (v.sqrt() + eps) * w + b


def residual_block(x, conv1_weight, bn1, conv2_weight, bn2, stride=1, shortcut_weight=None,
                   shortcut_bn=None, eps=1e-5):
    out = F.relu(_bn(F.conv2d(x, conv1_weight, stride=stride, padding=1), bn1, eps))
    out = _bn(F.conv2d(out, conv2_weight, padding=1), bn2, eps)
    sc = x if shortcut_weight is None else _bn(F.conv2d(x, shortcut_weight, stride=stride),
                                              shortcut_bn, eps)
    return F.relu(out + sc)
