# expect: you forgot to subtract the intersection
"""Computes the union as area_a + area_b, counting the overlap twice, so every IoU comes
out too small and too few boxes are suppressed."""
import torch


def nms(boxes, scores, iou_threshold):
    x1, y1, x2, y2 = boxes.unbind(1)
    areas = (x2 - x1) * (y2 - y1)
    order = scores.argsort(descending=True)
    keep = []
    while order.numel() > 0:
        i, rest = order[0], order[1:]
        keep.append(i)
        w = (torch.minimum(x2[i], x2[rest]) - torch.maximum(x1[i], x1[rest])).clamp(min=0)
        h = (torch.minimum(y2[i], y2[rest]) - torch.maximum(y1[i], y1[rest])).clamp(min=0)
        iou = w * h / (areas[i] + areas[rest])
        order = rest[iou <= iou_threshold]
    return torch.stack(keep)
