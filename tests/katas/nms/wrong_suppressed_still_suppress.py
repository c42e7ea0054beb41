# expect: a suppressed box must not suppress others
"""Decides each box against every higher-scoring box, kept or not: a box that was
itself suppressed still knocks out its neighbours."""
import torch


def nms(boxes, scores, iou_threshold):
    x1, y1, x2, y2 = boxes.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    w = (torch.minimum(x2[:, None], x2) - torch.maximum(x1[:, None], x1)).clamp(min=0)
    h = (torch.minimum(y2[:, None], y2) - torch.maximum(y1[:, None], y1)).clamp(min=0)
    iou = w * h / (areas[:, None] + areas - w * h)
    order = scores.argsort(descending=True)
    keep = []
    for pos, i in enumerate(order.tolist()):
        higher = order[:pos]
        if not bool((iou[i, higher] > iou_threshold).any()):
            keep.append(i)
    return torch.tensor(keep, dtype=torch.long, device=boxes.device)
