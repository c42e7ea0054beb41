# expect: banned operation
"""Instance norm on a [1, C, N·L] view, with the running stats passed along, is batch norm."""
import torch.nn.functional as F


def batch_norm(x, weight, bias, running_mean, running_var, training, momentum=0.1, eps=1e-5):
    c = x.shape[1]
    flat = x.transpose(0, 1).reshape(1, c, -1)
    y = F.instance_norm(flat, running_mean, running_var, weight, bias,
                        use_input_stats=training, momentum=momentum, eps=eps)
    return y.reshape([c, x.shape[0]] + list(x.shape[2:])).transpose(0, 1)
