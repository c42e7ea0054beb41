# expect: the result is [N, M]
"""Broadcasts the other way round and returns the [M, N] matrix."""
import torch


def box_iou(boxes1, boxes2):
    a1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    a2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    lt = torch.max(boxes2[:, None, :2], boxes1[None, :, :2])
    rb = torch.min(boxes2[:, None, 2:], boxes1[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (a2[:, None] + a1[None, :] - inter)
