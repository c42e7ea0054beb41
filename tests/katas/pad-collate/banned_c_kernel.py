# expect: banned operation
"""Calls the C++ pad_sequence behind torch.nn.utils.rnn directly."""
import torch

_pad = getattr(torch._C._nn, "pad_" + "sequence")


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    out = _pad(seqs, True, padding_value, "right")
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
