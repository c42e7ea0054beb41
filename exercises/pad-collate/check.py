"""Checker for `pad-collate`: right padding, batch first, lengths and labels."""

import torch

from study.kata.presets import PADDING_FAMILY
from study.kata.toolkit import Ban, Case, Tol, Variant, also_in, randint, randn

BAN = Ban(
    functions=("torch.nn.utils.rnn.pad_sequence", "torch.nn.utils.rnn.pack_sequence",
               "torch.nn.utils.rnn.pack_padded_sequence",
               "torch.nn.utils.rnn.pad_packed_sequence", "torch._C._nn.pad_sequence",
               "torch.utils.data.default_collate",
               "torch.utils.data._utils.collate.default_collate"),
    aten=("aten::pad_sequence", "aten::_pack_padded_sequence", "aten::_pad_packed_sequence",
          "aten::to_padded_tensor", "aten::_nested_tensor_from_tensor_list",
          "aten::_nested_from_padded"),
    modules=("torch.nn.utils.rnn", "torch.nested", "torch.utils.data._utils.collate"),
    families=(PADDING_FAMILY,),
    reason="padding the batch is what this kata asks you to write",
)


def _batch(lengths, feat, seed, tokens=False):
    out = []
    for i, n in enumerate(lengths):
        if tokens:
            seq = randint(1, 50, (n, *feat), seed=seed + i)
        else:
            seq = randn(n, *feat, seed=seed + i)
        out.append((seq, (seed * 7 + i * 3) % 10))
    return out


@also_in(torch.float64)
def cases():
    spec = [
        ("three sequences of features, [L, 4]", [5, 2, 7], (4,), 1, 0.0, False),
        ("batch of one", [6], (3,), 2, 0.0, False),
        ("all the same length", [4, 4, 4, 4], (2,), 3, 0.0, False),
        ("token ids (int64, no feature dim), padding_value = 0", [3, 9, 1, 5, 2], (), 4,
         0.0, True),
        ("padding_value = -1", [2, 5, 3], (3,), 5, -1.0, False),
        ("a sequence of length 1 and a longest one last", [1, 3, 8], (5,), 6, 0.0, False),
        ("an empty sequence (L = 0)", [3, 0, 4], (2,), 7, 0.0, False),
        ("two feature dims [L, 2, 3], padding_value = 7.5", [4, 1, 2], (2, 3), 8, 7.5, False),
        ("longest first, odd sizes", [11, 7, 3, 9, 5, 1, 13], (1,), 9, 0.0, False),
    ]
    for name, lengths, feat, seed, pad, tokens in spec:
        yield Case(name, {"batch": _batch(lengths, feat, 10 * seed, tokens),
                          "padding_value": pad}, tol=Tol(atol=0.0, rtol=0.0))


def _pad(batch, pad, left=False, value=None):
    seqs = [s for s, _ in batch]
    t_max = max(s.shape[0] for s in seqs)
    out = torch.full((len(seqs), t_max, *seqs[0].shape[1:]),
                     pad if value is None else value, dtype=seqs[0].dtype)
    for b, s in enumerate(seqs):
        n = s.shape[0]
        if left:
            out[b, t_max - n:] = s
        else:
            out[b, :n] = s
    return out


def _extras(batch):
    return (torch.tensor([s.shape[0] for s, _ in batch]),
            torch.tensor([y for _, y in batch]))


def reference(case):
    b = case.args["batch"]
    return (_pad(b, case.args["padding_value"]), *_extras(b))


def _left(case):
    b = case.args["batch"]
    return (_pad(b, case.args["padding_value"], left=True), *_extras(b))


def _zero_pad(case):
    b = case.args["batch"]
    if case.args["padding_value"] == 0:
        raise ValueError("same as the right answer")
    return (_pad(b, 0.0), *_extras(b))


VARIANTS = [
    Variant("you padded on the left: each sequence starts at position 0 and the padding goes "
            "after it (right padding)", _left, keys=("out.0",)),
    Variant("the padding must be `padding_value`, not 0", _zero_pad, keys=("out.0",)),
]


def check(case, got, want):
    problems = []
    for key, what in (("out.1", "lengths"), ("out.2", "labels")):
        t = got.get(key)
        if isinstance(t, torch.Tensor) and t.dtype != torch.int64:
            problems.append(f"{what} must be int64 (torch.long), got {t.dtype}")
    pad = got.get("out.0")
    seq_dtype = case.args["batch"][0][0].dtype
    if isinstance(pad, torch.Tensor) and pad.dtype != seq_dtype:
        problems.append(f"the padded batch must keep the sequences' dtype {seq_dtype}, "
                        f"got {pad.dtype}")
    return problems


def diagnose(case, got, want):
    pad, ref = got.get("out.0"), want.get("out.0")
    if isinstance(pad, torch.Tensor) and isinstance(ref, torch.Tensor) and pad.shape != ref.shape:
        B, T = ref.shape[:2]
        if pad.dim() == ref.dim() and pad.shape[:2] == (T, B) and B != T:
            return "the batch must be batch first, [B, T_max, *F], not time first [T_max, B, *F]"
        if pad.dim() == ref.dim() and pad.shape[0] == B and pad.shape[1] < T:
            return ("the time dimension must be the LONGEST length T_max = max L_i: pad the "
                    "short sequences, do not truncate the long ones")
    lengths, ref_len = got.get("out.1"), want.get("out.1")
    if isinstance(lengths, torch.Tensor) and isinstance(ref_len, torch.Tensor) and ref is not None \
            and lengths.shape == ref_len.shape and bool((lengths == ref.shape[1]).all()) \
            and not bool((ref_len == ref.shape[1]).all()):
        return "lengths must be each sequence's own length L_i, not the padded length T_max"
    return None
