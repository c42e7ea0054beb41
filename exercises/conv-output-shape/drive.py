"""How `conv-output-shape` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""

import torch


def drive(fn, args, case):
    try:
        result = fn(*args.values())
    except ValueError:
        return {"out": "ValueError"}
    if (not isinstance(result, tuple) or len(result) != 2
            or not all(type(v) is int for v in result)):
        kinds = (", ".join(type(v).__name__ for v in result)
                 if isinstance(result, tuple | list) else "")
        raise TypeError(f"conv_output_shape must return a tuple of two Python ints, got "
                        f"{type(result).__name__}" + (f" of ({kinds})" if kinds else "")
                        + f": {result!r} (use // for integer division, int(...) if needed)")
    return {"out": torch.tensor(result, dtype=torch.int64)}
