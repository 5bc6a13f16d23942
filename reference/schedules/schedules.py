"""Learning-rate schedules: decay the learning rate over time (the lecture's three).

    step decay:          lr_t = lr_0 * gamma ** floor(t / step_size)   (e.g. halve it every few epochs)
    exponential decay:   lr_t = lr_0 * exp(-k t)
    1/t decay:           lr_t = lr_0 / (1 + k t)

t counts epochs (or iterations) from 0. Each function takes t as an int or as a NumPy array of ints and
returns a float or an array of floats of t's shape.
"""
import numpy as np


def step_decay(learning_rate, t, step_size, gamma=0.5):
    """
    Step decay: multiply the learning rate by gamma after every step_size epochs.

    Inputs:
    - learning_rate: lr_0, the learning rate at t = 0
    - t: the epoch (an int >= 0, or an array of them)
    - step_size: epochs between two decays (an int >= 1)
    - gamma: the factor of each decay (0.5: halve it)

    Returns:
    - lr_0 * gamma ** floor(t / step_size): a float, or an array of t's shape
    """
    out = learning_rate * float(gamma) ** (np.asarray(t) // step_size)
    return out if np.ndim(t) else float(out)


def exponential_decay(learning_rate, t, k):
    """
    Exponential decay: lr_0 * exp(-k t).

    Inputs:
    - learning_rate: lr_0
    - t: the epoch (an int >= 0, or an array of them)
    - k: the decay rate (>= 0)

    Returns:
    - a float, or an array of t's shape
    """
    out = learning_rate * np.exp(-k * np.asarray(t, dtype=float))
    return out if np.ndim(t) else float(out)


def inverse_time_decay(learning_rate, t, k):
    """
    1/t decay: lr_0 / (1 + k t).

    Inputs:
    - learning_rate: lr_0
    - t: the epoch (an int >= 0, or an array of them)
    - k: the decay rate (>= 0)

    Returns:
    - a float, or an array of t's shape
    """
    out = learning_rate / (1.0 + k * np.asarray(t, dtype=float))
    return out if np.ndim(t) else float(out)
