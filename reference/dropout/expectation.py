"""The lecture's original ("non-inverted") dropout, and why both variants agree on average.

Non-inverted dropout (lecture 7): at train time multiply by a 0/1 mask and do not
rescale; at test time multiply every activation by the keep probability p, so
that the test-time output equals the EXPECTED train-time output. Inverted dropout
moves the scaling to train time (divide by p) and leaves test time alone.

For one unit with activation a and keep probability p:
                     train: E[out]                       test: out
    non-inverted     p * a + (1 - p) * 0 = p * a         p * a
    inverted         p * (a / p) + (1 - p) * 0 = a       a
"""
import numpy as np

from .dropout import dropout_forward, keep_probability

VARIANTS = ("inverted", "noninverted")


def dropout_forward_noninverted(x, dropout_param):
    """
    Forward pass for the lecture's non-inverted dropout.

    Inputs: as dropout_forward (dropout_param with 'p', 'mode', optional 'seed').

    Returns a tuple of:
    - out: same shape and dtype as x. Train: x * mask (no rescaling).
      Test: x * keep, where keep is the keep probability.
    - cache: (dropout_param, mask); mask is the 0/1 array in train mode, None in test.
    """
    p, mode = dropout_param["p"], dropout_param["mode"]
    if "seed" in dropout_param:
        np.random.seed(dropout_param["seed"])
    keep = keep_probability(p)
    if mode == "train":
        mask = (np.random.rand(*x.shape) < keep).astype(x.dtype)
        out = x * mask
    elif mode == "test":
        mask = None
        out = x * keep
    else:
        raise ValueError(f'Invalid forward dropout mode "{mode}"')
    return out.astype(x.dtype, copy=False), (dropout_param, mask)


def dropout_backward_noninverted(dout, cache):
    """
    Backward pass for non-inverted dropout.

    Returns dx: train: dout * mask; test: dout * keep.
    """
    dropout_param, mask = cache
    if dropout_param["mode"] == "train":
        return dout * mask
    if dropout_param["mode"] == "test":
        return dout * keep_probability(dropout_param["p"])
    raise ValueError(f'Invalid backward dropout mode "{dropout_param["mode"]}"')


def _outcomes(a, keep, variant, mode):
    """Every (probability, output) pair of one unit with activation a."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    if mode == "test":
        return [(1.0, a if variant == "inverted" else keep * a)]
    if mode == "train":
        kept = a / keep if variant == "inverted" else a
        return [(keep, kept), (1.0 - keep, 0.0 * a)]
    raise ValueError(f'mode must be "train" or "test", got {mode!r}')


def expected_activation(a, p, variant, mode):
    """
    Exact expected output of dropout for activation a, by enumerating outcomes.

    Inputs:
    - a: a number or an array of activations.
    - p: the dropout parameter (keep probability under DROPOUT_P_IS_KEEP).
    - variant: 'inverted' or 'noninverted'.
    - mode: 'train' or 'test'.

    Returns E[out], same shape as a: the sum over the outcomes (unit kept, unit
    dropped) of probability times output. Test mode has a single outcome.
    """
    keep = keep_probability(p)
    return sum(prob * out for prob, out in _outcomes(a, keep, variant, mode))


def empirical_activation(a, p, variant, mode, num_samples=100_000, seed=0):
    """
    Monte Carlo estimate of the same expectation with the real forward functions.

    Runs the variant's forward pass on num_samples copies of the scalar a and
    returns the mean output (a float).
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    forward = dropout_forward if variant == "inverted" else dropout_forward_noninverted
    x = np.full(num_samples, float(a))
    out, _ = forward(x, {"p": p, "mode": mode, "seed": seed})
    return float(out.mean())
