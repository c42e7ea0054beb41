import torch  # noqa: F401
from torch import Tensor


def beam_search(log_probs: Tensor, start_log_probs: Tensor, eos: int, beam_size: int,
                max_len: int, length_penalty: float = 1.0) -> tuple[Tensor, Tensor]:
    """Beam search over a first-order model.

    log_probs: [V, V], log_probs[i, j] = log p(next = j | previous = i); start_log_probs: [V],
    log p(first token). Each step keeps the beam_size best (by summed log-prob) of all
    extensions of the alive beams; a hypothesis ending in `eos` is finished and leaves the
    beam; after max_len steps the alive ones finish too. Return the finished hypothesis with
    the highest sum / len ** length_penalty (len counts EOS) as (tokens int64 [len], that
    normalised score as a 0-dim tensor).
    """
    raise NotImplementedError
