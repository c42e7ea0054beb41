# expect: the padding must be `padding_value`, not 0
"""Ignores padding_value: pads with zeros."""
import torch


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    T = max(len(s) for s in seqs)
    out = torch.zeros((len(seqs), T, *seqs[0].shape[1:]), dtype=seqs[0].dtype,
                      device=seqs[0].device)
    for b, s in enumerate(seqs):
        out[b, :len(s)] = s
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
