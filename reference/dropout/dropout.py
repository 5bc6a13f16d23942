"""Inverted dropout, CS231n API (`dropout_param` with 'p', 'mode', optional 'seed')."""
import numpy as np

# Course setting. True (CS231n 2018+): dropout_param['p'] is the probability of KEEPING a
# unit. False (CS231n 2016-2017): it is the probability of DROPPING a unit.
DROPOUT_P_IS_KEEP = True


def keep_probability(p):
    """The probability of keeping a unit, under the course's convention for p."""
    keep = p if DROPOUT_P_IS_KEEP else 1.0 - p
    if not 0.0 < keep <= 1.0:
        raise ValueError(f"keep probability must be in (0, 1], got {keep} from p={p}")
    return keep


def dropout_forward(x, dropout_param):
    """
    Forward pass for inverted dropout.

    Inputs:
    - x: Input data, of any shape.
    - dropout_param: A dictionary with the following keys:
      - p: Dropout parameter. With DROPOUT_P_IS_KEEP (default) we keep each unit
        with probability p; otherwise we drop each unit with probability p.
      - mode: 'test' or 'train'. In train mode, do dropout; in test mode, return x.
      - seed: Seed for the random number generator (optional). Passing a seed makes
        this function deterministic, which is needed for gradient checking.

    Returns a tuple of:
    - out: Array of the same shape and dtype as x.
    - cache: tuple (dropout_param, mask). In train mode, mask is the 0/1 array of
      x's shape (1 where the unit was kept) that was used; in test mode it is None.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])

    if mode == "train":
        keep = keep_probability(p)
        mask = (np.random.rand(*x.shape) < keep).astype(x.dtype)
        out = x * mask / keep
    elif mode == "test":
        mask = None
        out = x
    else:
        raise ValueError(f'Invalid forward dropout mode "{mode}"')

    cache = (dropout_param, mask)
    out = out.astype(x.dtype, copy=False)
    return out, cache


def dropout_backward(dout, cache):
    """
    Backward pass for inverted dropout.

    Inputs:
    - dout: Upstream derivatives, of any shape.
    - cache: (dropout_param, mask) from dropout_forward.

    Returns:
    - dx: Gradient with respect to x, same shape as dout.
    """
    dropout_param, mask = cache
    mode = dropout_param["mode"]
    if mode == "train":
        dx = dout * mask / keep_probability(dropout_param["p"])
    elif mode == "test":
        dx = dout
    else:
        raise ValueError(f'Invalid backward dropout mode "{mode}"')
    return dx
