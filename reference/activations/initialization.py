"""Weight initialisation, and the lecture's experiment: the per-layer statistics of a deep network's
activations under each initialisation.

The lecture's rules (W has shape (fan_in, fan_out); np.random draws, so np.random.seed makes them repeatable):

    small random:  W = 0.01 * np.random.randn(fan_in, fan_out)
    Xavier:        W = np.random.randn(fan_in, fan_out) / np.sqrt(fan_in)       [Glorot et al., 2010]
    He:            W = np.random.randn(fan_in, fan_out) / np.sqrt(fan_in / 2)   [He et al., 2015]

XAVIER_FAN is a course setting: "in" is the lecture's (and CS231n's) Var(W) = 1 / fan_in; "avg" is Glorot and
Bengio's paper (and torch.nn.init.xavier_normal_): Var(W) = 2 / (fan_in + fan_out).
"""
import numpy as np

XAVIER_FAN = "in"


def small_random(fan_in, fan_out, scale=0.01):
    """
    Small random numbers: a Gaussian with mean 0 and standard deviation `scale`.

    Returns:
    - W: array of shape (fan_in, fan_out), drawn with np.random
    """
    return scale * np.random.randn(fan_in, fan_out)


def xavier(fan_in, fan_out):
    """
    Xavier initialisation: a Gaussian with mean 0 and variance 1 / fan_in (XAVIER_FAN = "in", the lecture's)
    or 2 / (fan_in + fan_out) (XAVIER_FAN = "avg", Glorot and Bengio's paper, torch's xavier_normal_).

    Returns:
    - W: array of shape (fan_in, fan_out), drawn with np.random
    """
    fan = fan_in if XAVIER_FAN == "in" else (fan_in + fan_out) / 2
    return np.random.randn(fan_in, fan_out) / np.sqrt(fan)


def he(fan_in, fan_out):
    """
    He initialisation (for ReLU networks): a Gaussian with mean 0 and variance 2 / fan_in.

    Returns:
    - W: array of shape (fan_in, fan_out), drawn with np.random
    """
    return np.random.randn(fan_in, fan_out) / np.sqrt(fan_in / 2)


def layer_statistics(init, nonlinearity, num_layers=10, hidden_size=500, num_samples=1000, seed=None):
    """
    The lecture's experiment. Draw unit-Gaussian data D of shape (num_samples, hidden_size), then pass it
    through num_layers fully-connected layers of hidden_size units without biases: H = f(X @ W), where X is
    D for the first layer and the previous layer's H after it, W is drawn by the initialisation `init` for
    each layer (fan_in = X.shape[1], fan_out = hidden_size), and f is the nonlinearity.

    Inputs:
    - init: "small" (small_random with scale 0.01), "large" (small_random with scale 1.0), "xavier" or "he"
    - nonlinearity: "tanh" or "relu"
    - num_layers, hidden_size, num_samples: sizes (the lecture's: 10 layers of 500 units, 1000 samples)
    - seed: when not None, call np.random.seed(seed) first, so that the experiment is repeatable

    Returns a tuple of:
    - means: array of shape (num_layers,), the mean of each layer's activations H (all entries)
    - stds: array of shape (num_layers,), their standard deviation (np.std of all entries)
    """
    if seed is not None:
        np.random.seed(seed)
    draw = {"small": lambda i, o: small_random(i, o, 0.01), "large": lambda i, o: small_random(i, o, 1.0),
            "xavier": xavier, "he": he}[init]
    act = {"relu": lambda x: np.maximum(0, x), "tanh": np.tanh}[nonlinearity]
    X = np.random.randn(num_samples, hidden_size)
    means, stds = np.zeros(num_layers), np.zeros(num_layers)
    for i in range(num_layers):
        X = act(X @ draw(X.shape[1], hidden_size))
        means[i], stds[i] = np.mean(X), np.std(X)
    return means, stds
