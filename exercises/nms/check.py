"""Checker for `nms`.

torchvision may not be installed, so the checker carries its own reference: greedy NMS
in float64, exactly torchvision.ops.nms's rule (area = (x2-x1)*(y2-y1), a box is dropped
when its IoU with a kept box is > iou_threshold). Every case is built so that no IoU lies
within 1e-3 of the threshold unless it equals it exactly in float32 too (constructed from
small integers), so any correct float32 IoU gives the same answer.
"""

import torch

from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, generator

BAN = Ban(
    functions=("torchvision.ops.nms", "torchvision.ops.batched_nms",
               "torchvision.ops.boxes.nms", "torchvision.ops.boxes.batched_nms",
               "torchvision.ops.boxes._batched_nms_vanilla",
               "torchvision.ops.boxes._batched_nms_coordinate_trick"),
    aten=("torchvision::nms",),
    reason="NMS is what this kata asks you to write; compute the IoUs and loop",
)

_MARGIN = 1e-3


def _iou(boxes: torch.Tensor, plus_one: bool = False, no_inter_in_union: bool = False):
    b = boxes.double()
    one = 1.0 if plus_one else 0.0
    area = (b[:, 2] - b[:, 0] + one) * (b[:, 3] - b[:, 1] + one)
    lt = torch.maximum(b[:, None, :2], b[None, :, :2])
    rb = torch.minimum(b[:, None, 2:], b[None, :, 2:])
    wh = (rb - lt + one).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    union = area[:, None] + area[None, :] - (0.0 if no_inter_in_union else inter)
    return inter / union


def _greedy(boxes, scores, thr, *, ge=False, plus_one=False, all_suppress=False,
            ascending=False, inverted=False, no_inter_in_union=False) -> torch.Tensor:
    iou = _iou(boxes, plus_one, no_inter_in_union)
    order = scores.argsort(descending=not ascending).tolist()
    removed = [False] * len(order)
    keep = []
    for pos, i in enumerate(order):
        if removed[i]:
            if all_suppress:  # the mistake: a suppressed box still suppresses others
                for j in order[pos + 1:]:
                    removed[j] = removed[j] or _drop(iou[i, j], thr, ge, inverted)
            continue
        keep.append(i)
        for j in order[pos + 1:]:
            removed[j] = removed[j] or _drop(iou[i, j], thr, ge, inverted)
    return torch.tensor(keep, dtype=torch.int64)


def _drop(iou, thr, ge, inverted) -> bool:
    v = float(iou)
    if inverted:
        return v <= thr
    return v >= thr if ge else v > thr


def _float32_iou(boxes):
    b = boxes.float()
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    lt = torch.maximum(b[:, None, :2], b[None, :, :2])
    rb = torch.minimum(b[:, None, 2:], b[None, :, 2:])
    wh = (rb - lt).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area[:, None] + area[None, :] - inter)


def _unambiguous(boxes, thr, allow_exact=False) -> bool:
    """No pair's IoU within _MARGIN of the threshold, unless exactly equal to it in float64
    and in float32 (small-integer boxes; IoU 0 of disjoint boxes always qualifies)."""
    iou = _iou(boxes)
    pair = ~torch.eye(boxes.shape[0], dtype=torch.bool)
    d = (iou - thr).abs()
    if bool(((d > 0) & (d < _MARGIN) & pair).any()):
        return False
    exact = (d == 0) & pair
    if not allow_exact:  # only the IoU 0 of boxes that do not overlap may sit on it
        return not bool((exact & (iou != 0)).any())
    return bool((_float32_iou(boxes)[exact] == thr).all())


def _boxes_from(xy, wh) -> torch.Tensor:
    boxes = torch.cat([xy, xy + wh], dim=1).float()
    assert bool((boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all())
    return boxes


def _scores(n, gen, signed=False) -> torch.Tensor:
    s = (torch.randn(n, generator=gen, dtype=torch.float64) * 3.0 if signed
         else torch.rand(n, generator=gen, dtype=torch.float64)).float()
    assert s.unique().numel() == n, "scores must be distinct"
    return s


def _random_boxes(n, gen, canvas=100.0, lo=5.0, hi=40.0):
    xy = torch.rand(n, 2, generator=gen, dtype=torch.float64) * canvas
    wh = lo + torch.rand(n, 2, generator=gen, dtype=torch.float64) * (hi - lo)
    return _boxes_from(xy, wh)


def _clustered_boxes(k, per, gen, jitter=0.15):
    centres = torch.rand(k, 2, generator=gen, dtype=torch.float64) * 200.0
    sizes = 10.0 + torch.rand(k, 2, generator=gen, dtype=torch.float64) * 30.0
    centres = centres.repeat_interleave(per, 0)
    sizes = sizes.repeat_interleave(per, 0)
    noise = torch.randn(k * per, 4, generator=gen, dtype=torch.float64) * jitter
    wh = sizes * (1.0 + noise[:, 2:]).clamp(min=0.3)
    xy = centres + sizes * noise[:, :2] - wh / 2
    return _boxes_from(xy, wh)


def _small_int_boxes(n, gen):
    xy = torch.randint(0, 7, (n, 2), generator=gen).double()
    wh = torch.randint(1, 5, (n, 2), generator=gen).double()
    return _boxes_from(xy, wh)


def _search(make, thr, seed, signed=False):
    """The first seeded draw whose IoUs all keep a clear margin from the threshold."""
    for attempt in range(200):
        gen = generator(seed * 1000 + attempt)
        boxes = make(gen)
        if _unambiguous(boxes, thr):
            return boxes, _scores(boxes.shape[0], gen, signed)
    raise AssertionError("no unambiguous draw found")


def _case(name, boxes, scores, thr):
    return Case(name, {"boxes": boxes, "scores": scores, "iou_threshold": thr},
                tol=Tol(atol=0.0, rtol=0.0))


def _exact_case():
    # IoU exactly 0.5 (kept: only > threshold is dropped), chains of suppression, and a
    # box overlapping only a suppressed one (kept: suppressed boxes suppress nothing).
    boxes = torch.tensor([
        [0, 0, 3, 1],   # 0: best of its row
        [1, 0, 4, 1],   # 1: IoU(0, 1) = 2/4 = 0.5 exactly -> kept
        [10, 0, 14, 2],  # 2
        [11, 0, 15, 2],  # 3: IoU(2, 3) = 6/10 = 0.6 -> dropped by 2
        [12, 0, 16, 2],  # 4: IoU(2, 4) = 4/12, IoU(3, 4) = 0.6 -> kept (3 is gone)
        [20, 0, 22, 2],  # 5
        [20, 0, 22, 4],  # 6: IoU(5, 6) = 4/8 = 0.5 exactly -> kept
        [30, 30, 34, 34],  # 7
        [31, 31, 35, 35],  # 8: IoU = 9/23 -> kept
    ], dtype=torch.float32)
    scores = torch.tensor([0.9, 0.8, 0.95, 0.85, 0.7, 0.3, 0.6, 0.5, 0.45])
    assert _unambiguous(boxes, 0.5, allow_exact=True)
    return _case("IoU exactly at the threshold is kept; chains of overlaps", boxes, scores, 0.5)


def _pixel_case():
    # Small integer boxes: adding 1 to widths (the Pascal VOC pixel convention) changes
    # every IoU a lot, e.g. [0,0,2,2] vs [1,0,3,2]: 1/3, but 0.5 with the + 1.
    boxes = torch.tensor([
        [0, 0, 2, 2], [1, 0, 3, 2], [5, 5, 7, 7], [6, 6, 8, 8], [10, 0, 13, 3],
        [11, 1, 14, 4], [0, 10, 4, 12], [2, 10, 6, 12],
    ], dtype=torch.float32)
    scores = torch.tensor([0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45])
    assert _unambiguous(boxes, 0.4)
    return _case("small integer boxes (no + 1 in the widths)", boxes, scores, 0.4)


def _touching_case():
    # Boxes that only touch have IoU exactly 0: kept even at threshold 0.0.
    boxes = torch.tensor([
        [0, 0, 2, 2], [2, 0, 4, 2], [0, 2, 2, 4], [2, 2, 4, 4], [1, 1, 3, 3],
        [10, 10, 12, 12], [11, 10, 13, 12], [20, 0, 25, 5],
    ], dtype=torch.float32)
    scores = torch.tensor([0.5, 0.6, 0.7, 0.8, 0.4, 0.3, 0.9, 0.1])
    assert _unambiguous(boxes, 0.0)
    return _case("threshold 0.0: any overlap suppresses, touching boxes (IoU 0) stay",
                 boxes, scores, 0.0)


def _duplicates_case(seed):
    gen = generator(seed)
    boxes = _random_boxes(4, gen)
    boxes = torch.cat([boxes, boxes[:2], boxes[1:2]])  # exact duplicates: IoU exactly 1
    assert _unambiguous(boxes, 1.0, allow_exact=True)
    return _case("threshold 1.0: nothing is dropped, not even duplicate boxes (IoU = 1)",
                 boxes, _scores(boxes.shape[0], gen), 1.0)


@also_in(torch.float64)
def cases():
    gen = generator(1)
    one = _random_boxes(1, gen)
    yield _case("a single box", one, _scores(1, gen), 0.5)
    g = generator(2)
    xy = torch.stack(torch.meshgrid(torch.arange(3.0), torch.arange(2.0), indexing="ij"),
                     -1).reshape(-1, 2).double() * 20
    grid = _boxes_from(xy, torch.full_like(xy, 15.0))
    yield _case("no overlaps (6 separate boxes)", grid, _scores(6, g), 0.5)
    yield _pixel_case()
    yield _exact_case()
    b, s = _search(lambda gen: _clustered_boxes(1, 9, gen, jitter=0.04), 0.5, seed=3)
    yield _case("all boxes overlap one object", b, s, 0.5)
    for i, (k, per, thr) in enumerate([(4, 5, 0.5), (4, 4, 0.7), (3, 8, 0.3), (5, 6, 0.5)]):
        b, s = _search(lambda gen, k=k, per=per: _clustered_boxes(k, per, gen), thr,
                       seed=10 + i, signed=(i == 3))
        what = ", signed scores" if i == 3 else ""
        yield _case(f"{k} clusters of {per} boxes, threshold {thr}{what}", b, s, thr)
    for i, (n, thr) in enumerate([(18, 0.5), (14, 0.7), (16, 0.2), (20, 0.0)]):
        b, s = _search(lambda gen, n=n: _random_boxes(n, gen, canvas=50.0), thr, seed=20 + i)
        yield _case(f"{n} random boxes, threshold {thr}", b, s, thr)
    b, s = _search(lambda gen: _clustered_boxes(3, 3, gen), 1.0, seed=31)
    yield _case("clusters, threshold 1.0 (every box kept)", b, s, 1.0)
    yield _duplicates_case(32)
    b, s = _search(lambda gen: _small_int_boxes(14, gen), 0.3, seed=33)
    yield _case("14 small integer boxes, threshold 0.3", b, s, 0.3)
    yield _touching_case()


def reference(case):
    a = case.args
    return _greedy(a["boxes"], a["scores"], a["iou_threshold"])


def _variant(**kw):
    def compute(case):
        a = case.args
        return _greedy(a["boxes"], a["scores"], a["iou_threshold"], **kw)
    return compute


def _by_index(case):
    return reference(case).sort().values


VARIANTS = [
    Variant("a box is dropped only when its IoU is > iou_threshold; a box whose IoU equals "
            "the threshold exactly is kept (you used >=)", _variant(ge=True)),
    Variant("return the kept indices in decreasing score order (the order greedy NMS picks "
            "them), not sorted by index", _by_index),
    Variant("a suppressed box must not suppress others: only the boxes you keep remove "
            "their overlaps (drop suppressed boxes from the candidates)",
            _variant(all_suppress=True)),
    Variant("you added 1 to the widths and heights (the old Pascal VOC pixel convention); "
            "here area = (x2 - x1) * (y2 - y1) and the intersection width is "
            "max(0, min(x2) - max(x1))", _variant(plus_one=True)),
    Variant("the union is area_a + area_b - intersection: you forgot to subtract the "
            "intersection", _variant(no_inter_in_union=True)),
    Variant("greedy NMS starts from the highest score: sort the scores in decreasing order",
            _variant(ascending=True)),
    Variant("you dropped the boxes that barely overlap and kept the ones that overlap a lot: "
            "drop a box when its IoU with the kept box is > iou_threshold",
            _variant(inverted=True)),
]


def diagnose(case, got, want):
    out = got.get("out")
    if not isinstance(out, torch.Tensor):
        return None
    n = case.args["boxes"].shape[0]
    if out.dtype == torch.bool:
        return "return the indices of the kept boxes (int64), not a boolean mask"
    if out.is_floating_point():
        return "return indices as an int64 tensor (torch.long), not floats"
    if out.dtype != torch.int64:
        return "indices must be int64 (torch.long)"
    if out.dim() == 1 and out.numel() and (out.min() < 0 or out.max() >= n):
        return f"indices must point into boxes (0 <= i < {n})"
    if out.dim() == 1 and want["out"].numel() == out.numel() and sorted(out.tolist()) == sorted(
            want["out"].tolist()):
        return "you kept the right boxes in the wrong order: decreasing score"
    return None
