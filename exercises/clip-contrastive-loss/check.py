"""Checker for `clip-contrastive-loss`: the symmetric loss in float64, with gradients."""

import torch

from study.kata.toolkit import Case, Tol, Variant, also_in, randn

_GRAD = ("image_emb", "text_emb")


def _tol(scale):
    # float32 logits of magnitude `scale` carry ~1e-7·scale error (softmax-like).
    return Tol(atol=2e-6 + 3e-7 * scale, rtol=2e-5)


@also_in(torch.float64)
def cases():
    specs = [(1, 4, 10.0), (2, 1, 5.0), (7, 16, 14.3), (16, 32, 100.0), (33, 9, 1.0),
             (8, 64, 50.0)]
    for i, (n, d, s) in enumerate(specs):
        img = randn(n, d, seed=100 + i, scale=3.0)
        txt = img * 0.3 + randn(n, d, seed=200 + i)  # correlated pairs
        yield Case(f"N={n}, D={d}, logit_scale={s}",
                   {"image_emb": img, "text_emb": txt, "logit_scale": s}, tol=_tol(s),
                   grad=_GRAD)
    img = randn(6, 12, seed=300, scale=100.0)
    txt = randn(6, 12, seed=301, scale=0.01)
    yield Case("embeddings of very different norms", {"image_emb": img, "text_emb": txt,
               "logit_scale": 20.0}, tol=_tol(20.0), grad=_GRAD)
    img = randn(5, 8, seed=302)
    txt = randn(5, 8, seed=303)
    yield Case("unrelated pairs, N=5, non-square use of logits", {"image_emb": img,
               "text_emb": txt, "logit_scale": 30.0}, tol=_tol(30.0), grad=_GRAD)


def _ce(logits):
    labels = torch.arange(logits.shape[0])
    return (torch.logsumexp(logits, dim=1) - logits[labels, labels]).mean()


def _loss(a, *, normalize=True, scale=True, directions="both", reduce="mean"):
    img, txt = a["image_emb"], a["text_emb"]
    if normalize:
        img = img / img.norm(dim=-1, keepdim=True)
        txt = txt / txt.norm(dim=-1, keepdim=True)
    logits = img @ txt.T
    if scale:
        logits = a["logit_scale"] * logits
    li = _ce(logits)
    lt = _ce(logits.T)
    if directions == "image":
        return li
    if directions == "text":
        return lt
    total = li + lt
    return total if reduce == "sum" else total / 2


def reference(case):
    return _loss(case.args)


def _v(**kw):
    return lambda case: _loss(case.args, **kw)


VARIANTS = [
    Variant("you skipped the L2 normalisation: CLIP compares cosine similarities, "
            "normalise each embedding along D before the matrix product",
            _v(normalize=False)),
    Variant("the logits are multiplied by logit_scale (the inverse temperature)",
            _v(scale=False)),
    Variant("only the image→text direction (or the same logits twice): CLIP averages "
            "CE(logits, labels) and CE(logits.T, labels), texts as rows in the second",
            _v(directions="image")),
    Variant("only the text→image direction: CLIP averages CE(logits, labels) and "
            "CE(logits.T, labels)", _v(directions="text")),
    Variant("the two directions are averaged, not added: divide the sum by 2",
            _v(reduce="sum")),
]
