"""torch.optim as an oracle for the CS231n update rules, with the conventions mapped.

`torch_steps(name, w, grads, config)` runs torch's optimizer on `w` with the gradients `grads` (one per
step, given, not computed) and returns the final weights and torch's state written in CS231n's config keys.
Everything runs in float64, on CUDA when torch.cuda.is_available() and on the CPU otherwise, on one CPU thread
(the arrays are tiny). The mappings (with a constant learning rate the trajectories are identical):

| ours                | torch                                                     | state mapping                    |
|---------------------|-----------------------------------------------------------|----------------------------------|
| sgd                 | SGD(lr)                                                   | -                                |
| sgd_momentum        | SGD(lr, momentum=mu): buf = mu*buf + g; w -= lr*buf      | velocity = -lr * buf             |
| nesterov_momentum   | SGD(lr, momentum=mu, nesterov=True): w -= lr*(g + mu*buf) | velocity = -lr * buf; torch's w is our phi |
| adagrad             | Adagrad(lr, eps, initial_accumulator_value=0, lr_decay=0) | cache = state['sum']             |
| rmsprop             | RMSprop(lr, alpha=decay_rate, eps), no momentum, not centered | cache = state['square_avg']  |
| adam                | Adam(lr, betas=(beta1, beta2), eps)                       | m = exp_avg, v = exp_avg_sq, t = step |

torch starts every state at zero (t at 0): call it with a config that holds hyperparameters only.
"""
import numpy as np
import torch

DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-8},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}


def device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def optimizer(name, params, config):
    """The torch.optim optimizer equivalent to the CS231n rule `name` with hyperparameters `config`."""
    c = dict(DEFAULTS[name], **config)
    lr = c["learning_rate"]
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name in ("sgd_momentum", "nesterov_momentum"):
        return torch.optim.SGD(params, lr=lr, momentum=c["momentum"], nesterov=name == "nesterov_momentum")
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, eps=c["epsilon"], initial_accumulator_value=0.0, lr_decay=0.0)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=c["decay_rate"], eps=c["epsilon"], momentum=0.0,
                                   centered=False)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(c["beta1"], c["beta2"]), eps=c["epsilon"])
    raise KeyError(name)


def state_as_config(name, state, config):
    """torch's optimizer state in CS231n's config keys, as NumPy arrays (t as an int)."""
    lr = dict(DEFAULTS[name], **config)["learning_rate"]
    arr = lambda t: t.detach().cpu().numpy()   # noqa: E731
    if name in ("sgd_momentum", "nesterov_momentum"):
        return {"velocity": -lr * arr(state["momentum_buffer"])}
    if name == "adagrad":
        return {"cache": arr(state["sum"])}
    if name == "rmsprop":
        return {"cache": arr(state["square_avg"])}
    if name == "adam":
        return {"m": arr(state["exp_avg"]), "v": arr(state["exp_avg_sq"]), "t": int(state["step"])}
    return {}


def torch_steps(name, w, grads, config):
    """Run torch's equivalent of rule `name` from `w` with the given gradients, one step each.

    Inputs:
    - name: one of DEFAULTS.
    - w: array, the starting weights.
    - grads: list of arrays of w's shape, the gradient to use at each step.
    - config: dict of hyperparameters (CS231n keys), no state.

    Returns (next_w, state): the weights after the last step and the state in CS231n's config keys.
    """
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        p = torch.tensor(np.asarray(w, dtype=np.float64), device=device(), requires_grad=True)
        opt = optimizer(name, [p], config)
        for g in grads:
            p.grad = torch.tensor(np.asarray(g, dtype=np.float64), device=device())
            opt.step()
        return p.detach().cpu().numpy(), state_as_config(name, opt.state[p], config)
    finally:
        torch.set_num_threads(before)
