"""The lecture's original ("non-inverted") dropout, and why both variants agree on average.

Non-inverted dropout (lecture 7): at train time multiply by a 0/1 mask and do not
rescale; at test time multiply every activation by the keep probability, so that
the test-time output equals the EXPECTED train-time output. Inverted dropout
moves the scaling to train time (divide by the keep probability) and leaves test
time alone.
"""
import numpy as np

from .dropout import dropout_forward, keep_probability

VARIANTS = ("inverted", "noninverted")


def dropout_forward_noninverted(x, dropout_param):
    """
    Forward pass for the lecture's non-inverted dropout.

    Inputs:
    - x: Input data, of any shape.
    - dropout_param: as for dropout_forward ('p', 'mode', optional 'seed'); use
      keep_probability(p) for the keep probability. Seed the RNG with
      np.random.seed(seed) when a seed is given. Any mode other than 'train' and
      'test' raises ValueError.

    Returns a tuple of:
    - out: same shape and dtype as x. Train: x * mask (NO rescaling).
      Test: x * keep, where keep is the keep probability.
    - cache: (dropout_param, mask); mask is the 0/1 array in train mode, None in test.
    """
    ###########################################################################
    # TODO: Implement the non-inverted dropout forward pass.                 #
    ###########################################################################
    raise NotImplementedError
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def dropout_backward_noninverted(dout, cache):
    """
    Backward pass for non-inverted dropout.

    Inputs:
    - dout: Upstream derivatives, of any shape.
    - cache: (dropout_param, mask) from dropout_forward_noninverted.

    Returns:
    - dx: same shape as dout. Train: dout * mask; test: dout * keep.
    """
    ###########################################################################
    # TODO: Implement the non-inverted dropout backward pass.                #
    ###########################################################################
    raise NotImplementedError
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def expected_activation(a, p, variant, mode):
    """
    Exact expected output of dropout for activation a, by enumerating outcomes.

    Inputs:
    - a: a number or an array of activations (the answer is elementwise).
    - p: the dropout parameter; use keep_probability(p).
    - variant: 'inverted' or 'noninverted' (anything else raises ValueError).
    - mode: 'train' or 'test' (anything else raises ValueError).

    Returns:
    - E[out], same shape as a: the sum over the outcomes of one unit (kept with
      probability keep, dropped otherwise) of probability times the output the
      variant gives in that outcome. Test mode is deterministic: one outcome.

    Compute it by writing out the outcomes and their probabilities, not from a
    formula you already know: the point is to SEE that train and test agree.
    """
    ###########################################################################
    # TODO: List the (probability, output) outcomes and sum prob * output.   #
    ###########################################################################
    raise NotImplementedError
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


def empirical_activation(a, p, variant, mode, num_samples=100_000, seed=0):
    """
    Monte Carlo estimate of the same expectation with your forward functions.

    Inputs:
    - a: a number.
    - p, variant, mode: as for expected_activation.
    - num_samples: how many copies of a to push through the layer.
    - seed: passed to the forward function in dropout_param['seed'].

    Returns:
    - the mean output (a float) of dropout_forward (variant 'inverted') or
      dropout_forward_noninverted ('noninverted') applied to num_samples copies of a.
    """
    ###########################################################################
    # TODO: Build x, call the right forward function, return the mean.       #
    ###########################################################################
    raise NotImplementedError
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
