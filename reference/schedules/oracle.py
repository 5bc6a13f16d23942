"""torch.optim.lr_scheduler as an oracle for the lecture's schedules (tests/test_schedules.py).

| ours                              | torch                                                  |
|-----------------------------------|--------------------------------------------------------|
| step_decay(lr, t, step_size, g)   | StepLR(step_size, gamma=g)                             |
| exponential_decay(lr, t, k)       | ExponentialLR(gamma=e^−k): lr·γ^t = lr·e^(−k·t)        |
| inverse_time_decay(lr, t, k)      | LambdaLR(lambda t: 1 / (1 + k·t))                      |

`torch_learning_rates(name, lr, T, **params)` steps the scheduler T − 1 times (one per epoch) and returns the
learning rates of epochs 0..T−1 as a float64 array. The parameter lives on CUDA when torch has it.
"""
import math

import numpy as np
import torch


def scheduler(name, optimizer, step_size=None, gamma=0.5, k=None):
    sched = torch.optim.lr_scheduler
    if name == "step_decay":
        return sched.StepLR(optimizer, step_size=step_size, gamma=gamma)
    if name == "exponential_decay":
        return sched.ExponentialLR(optimizer, gamma=math.exp(-k))
    if name == "inverse_time_decay":
        return sched.LambdaLR(optimizer, lambda t: 1.0 / (1.0 + k * t))
    raise KeyError(name)


def torch_learning_rates(name, lr, T, **params):
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    w = torch.zeros(1, dtype=torch.float64, device=device, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    s = scheduler(name, optimizer, **params)
    out = []
    for _ in range(T):
        out.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        s.step()
    return np.array(out, dtype=float)
