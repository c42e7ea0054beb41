"""Checker for `box-iou`.

torchvision may not be installed, so the checker carries its own reference: the
float64 formula of torchvision.ops.box_iou (area = (x2-x1)*(y2-y1), no + 1).
"""

import torch

from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, generator

BAN = Ban(
    functions=("torchvision.ops.box_iou", "torchvision.ops.boxes.box_iou",
               "torchvision.ops.generalized_box_iou", "torchvision.ops.boxes.generalized_box_iou",
               "torchvision.ops.distance_box_iou", "torchvision.ops.complete_box_iou",
               "torchvision.ops.box_area", "torchvision.ops.boxes.box_area",
               "torchvision.ops.boxes._box_inter_union"),
    modules=("torchvision.ops",),
    reason="box IoU is what this kata asks you to write; build it from maximum, minimum "
           "and clamp",
)

TOL = Tol(atol=2e-6, rtol=1e-5)


def _boxes(n, gen, canvas=100.0, lo=1.0, hi=40.0, offset=0.0):
    xy = torch.rand(n, 2, generator=gen, dtype=torch.float64) * canvas + offset
    wh = lo + torch.rand(n, 2, generator=gen, dtype=torch.float64) * (hi - lo)
    return torch.cat([xy, xy + wh], dim=1).float()


def _case(name, b1, b2):
    return Case(name, {"boxes1": b1, "boxes2": b2}, tol=TOL)


@also_in(torch.float64)
def cases():
    g = generator(1)
    yield _case("one box against one box", _boxes(1, g), _boxes(1, g))
    g = generator(2)
    yield _case("random [5] x [7]", _boxes(5, g, canvas=50.0), _boxes(7, g, canvas=50.0))
    g = generator(3)
    yield _case("random [1] x [9]", _boxes(1, g, canvas=30.0), _boxes(9, g, canvas=30.0))
    g = generator(4)
    yield _case("random [13] x [1]", _boxes(13, g, canvas=30.0), _boxes(1, g, canvas=30.0))
    g = generator(5)
    yield _case("random [33] x [17], negative coordinates",
                _boxes(33, g, canvas=60.0, offset=-80.0), _boxes(17, g, canvas=60.0, offset=-80.0))
    g = generator(6)
    yield _case("small boxes, fractional coordinates [8] x [6]",
                _boxes(8, g, canvas=2.0, lo=0.1, hi=1.5), _boxes(6, g, canvas=2.0, lo=0.1, hi=1.5))
    # Small integer boxes: the + 1 pixel convention would change every value.
    b1 = torch.tensor([[0, 0, 2, 2], [1, 1, 3, 3], [0, 0, 4, 1], [5, 5, 6, 8]],
                      dtype=torch.float32)
    b2 = torch.tensor([[1, 0, 3, 2], [0, 0, 2, 2], [0, 0, 1, 1]], dtype=torch.float32)
    yield _case("small integer boxes (no + 1 in the widths)", b1, b2)
    # Touching, disjoint in one axis only, disjoint in both, containment, identical.
    b1 = torch.tensor([[0, 0, 2, 2], [10, 10, 20, 20], [0, 0, 10, 10]], dtype=torch.float32)
    b2 = torch.tensor([
        [2, 0, 4, 2],      # touches box 0 along an edge: IoU 0
        [2, 2, 4, 4],      # touches box 0 at a corner: IoU 0
        [0, 5, 2, 7],      # overlaps box 0 in x, not in y
        [30, 30, 35, 40],  # far away in both axes (negative width AND height overlap)
        [12, 12, 14, 14],  # inside box 1 and box 2 partly
        [10, 10, 20, 20],  # identical to box 1: IoU 1
        [-5, -5, 15, 15],  # contains box 0 and box 2
    ], dtype=torch.float32)
    yield _case("touching, disjoint, nested and identical boxes", b1, b2)


def _iou(b1, b2, plus_one=False, no_clamp=False, union_fn=None):
    one = 1.0 if plus_one else 0.0
    a1 = (b1[:, 2] - b1[:, 0] + one) * (b1[:, 3] - b1[:, 1] + one)
    a2 = (b2[:, 2] - b2[:, 0] + one) * (b2[:, 3] - b2[:, 1] + one)
    lt = torch.maximum(b1[:, None, :2], b2[None, :, :2])
    rb = torch.minimum(b1[:, None, 2:], b2[None, :, 2:])
    wh = rb - lt + one
    if not no_clamp:
        wh = wh.clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    if union_fn is not None:
        return inter / union_fn(a1, a2, inter)
    return inter / (a1[:, None] + a2[None, :] - inter)


def reference(case):
    return _iou(case.args["boxes1"], case.args["boxes2"])


def _a(case):
    return case.args["boxes1"], case.args["boxes2"]


VARIANTS = [
    Variant("you added 1 to the widths and heights (the old Pascal VOC pixel convention); "
            "area = (x2 - x1) * (y2 - y1) here", lambda c: _iou(*_a(c), plus_one=True)),
    Variant("boxes that do not overlap must have intersection 0: clamp the width and the "
            "height at 0 *before* multiplying (two negative overlaps make a positive area)",
            lambda c: _iou(*_a(c), no_clamp=True)),
    Variant("the union is area1 + area2 − intersection: you forgot to subtract the "
            "intersection",
            lambda c: _iou(*_a(c), union_fn=lambda a1, a2, i: a1[:, None] + a2[None, :])),
    Variant("you divided by area1 (intersection over the first box's area), not by the union",
            lambda c: _iou(*_a(c), union_fn=lambda a1, a2, i: a1[:, None] + 0 * i)),
    Variant("you divided by the smaller of the two areas (intersection over minimum), not "
            "by the union", lambda c: _iou(*_a(c), union_fn=lambda a1, a2, i:
                                          torch.minimum(a1[:, None], a2[None, :]))),
]


def diagnose(case, got, want):
    out = got.get("out")
    n, m = case.args["boxes1"].shape[0], case.args["boxes2"].shape[0]
    if isinstance(out, torch.Tensor) and tuple(out.shape) == (m, n) and n != m:
        return "the result is [N, M]: row i is boxes1[i], column j is boxes2[j] (you have [M, N])"
    if isinstance(out, torch.Tensor) and out.numel() == n * m and out.shape != (n, m):
        return "return the full [N, M] matrix, not a flattened or diagonal one"
    return None
