# expect: both 3x3 convolutions use padding 1
"""Forgets padding=1 on the 3x3 convolutions: the output shrinks by 2 pixels per conv."""
import torch.nn.functional as F


def _bn(t, p, eps):
    w, b, m, v = p
    return F.batch_norm(t, m, v, w, b, training=False, eps=eps)


def residual_block(x, conv1_weight, bn1, conv2_weight, bn2, stride=1, shortcut_weight=None,
                   shortcut_bn=None, eps=1e-5):
    out = F.relu(_bn(F.conv2d(x, conv1_weight, stride=stride), bn1, eps))
    out = _bn(F.conv2d(out, conv2_weight), bn2, eps)
    sc = x if shortcut_weight is None else _bn(F.conv2d(x, shortcut_weight, stride=stride),
                                              shortcut_bn, eps)
    sc = sc[..., 2 * (sc.shape[-2] - out.shape[-2] > 0):, :][..., :out.shape[-2], :out.shape[-1]]
    return F.relu(out + sc)
