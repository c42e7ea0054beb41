# expect: banned operation
"""Uses pad_sequence from torch.nn.utils.rnn under an alias."""
import torch
from torch.nn.utils.rnn import pad_sequence as stack_ragged


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    out = stack_ragged(seqs, batch_first=True, padding_value=padding_value)
    lengths = torch.tensor([len(s) for s in seqs], device=seqs[0].device)
    return out, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
