"""Softmax (cross-entropy) loss.

The regularization term is reg * sum(W**2) (its gradient is 2 * reg * W), unless your course says
otherwise.
"""
import numpy as np

# The course's regularization convention: the term is REG_SCALE * reg * sum(W**2). 1.0 is CS231n 2017+
# (gradient 2 * reg * W); a course may use 0.5 (CS231n 2016, gradient reg * W).
REG_SCALE = 1.0


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss function, naive implementation (with loops).

    Inputs have dimension D, there are C classes, and we operate on minibatches of N examples.

    Inputs:
    - W: A numpy array of shape (D, C) containing weights.
    - X: A numpy array of shape (N, D) containing a minibatch of data.
    - y: A numpy array of shape (N,) containing training labels; y[i] = c means that X[i] has label c,
      where 0 <= c < C.
    - reg: (float) regularization strength

    Returns a tuple of:
    - loss as single float
    - gradient with respect to weights W; an array of same shape as W
    """
    # TODO: compute the softmax loss and its gradient with explicit loops. Be careful with numeric
    # stability: subtract the largest score before exponentiating.
    raise NotImplementedError


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss function, vectorized version.

    Inputs and outputs are the same as softmax_loss_naive.
    """
    # TODO: the same loss and gradient without any Python loop.
    raise NotImplementedError
