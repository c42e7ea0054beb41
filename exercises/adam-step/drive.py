"""How `adam-step` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""




_STATE = ("param", "exp_avg", "exp_avg_sq")


def drive(fn, args, case):
    param, exp_avg, exp_avg_sq = args["param"], args["exp_avg"], args["exp_avg_sq"]
    hp = (args["lr"], args["betas"], args["eps"], args["weight_decay"],
          args["decoupled_weight_decay"])
    for i in range(args["grads"].shape[0]):
        fn(param, args["grads"][i], exp_avg, exp_avg_sq, args["step"] + i, *hp)
    out = {f"after.{name}": args[name] for name in _STATE}
    # Copies under out.<name> too, for VARIANTS only (the reference does not produce them,
    # so they are never compared): a Variant's outputs go through toolkit.flatten, which
    # prefixes every key with "out.", so it cannot name the after.<name> keys itself.
    out.update({f"out.{name}": args[name].detach().clone() for name in _STATE})
    return out
