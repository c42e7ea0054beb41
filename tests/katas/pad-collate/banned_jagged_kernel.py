# expect: banned operation aten::_jagged_to_padded_dense_forward
"""Pads through the private nested-tensor kernel aten::_jagged_to_padded_dense_forward:
a ragged batch (values + offsets) turned dense by torch, not by the learner."""
import torch


def pad_collate(batch, padding_value=0.0):
    seqs = [s for s, _ in batch]
    lengths = torch.tensor([s.shape[0] for s in seqs], device=seqs[0].device)
    offsets = torch.cat([lengths.new_zeros(1), lengths.cumsum(0)])
    feat = seqs[0].shape[1:]
    values = torch.cat(seqs).reshape(int(offsets[-1]), -1)
    dense = torch.ops.aten._jagged_to_padded_dense_forward(
        values, [offsets], [int(lengths.max())], padding_value)
    padded = dense.reshape(len(seqs), int(lengths.max()), *feat)
    return padded, lengths, torch.tensor([y for _, y in batch], device=seqs[0].device)
