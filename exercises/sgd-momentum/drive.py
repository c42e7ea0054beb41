"""How `sgd-momentum` calls the solution.

It runs in the sandbox with the learner's code, so it imports only torch, math and
the toolkit and holds nothing that gives an answer away."""




_STATE = ("param", "momentum_buffer")


_HP = ("lr", "momentum", "dampening", "weight_decay", "nesterov")


def drive(fn, args, case):
    param, buf = args["param"], args["momentum_buffer"]
    for i in range(args["grads"].shape[0]):
        fn(param, args["grads"][i], buf, args["step"] + i, *(args[k] for k in _HP))
    out = {f"after.{n}": args[n] for n in _STATE}
    out.update({f"out.{n}": args[n].detach().clone() for n in _STATE})  # for VARIANTS only
    return out
