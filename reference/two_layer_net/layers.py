"""The layers of the two-layer net: affine and ReLU are the conv_pool reference's (not copies); the two loss
layers, svm_loss and softmax_loss, are this assignment's (CS231n layers.py: provided until 2020, a TODO of
assignment 1 from 2021).
"""
import numpy as np

try:
    from reference.conv_pool.layers import affine_backward, affine_forward, relu_backward, relu_forward
except ImportError:   # reference/ graded as a submission: its folders are top-level packages there
    from conv_pool.layers import affine_backward, affine_forward, relu_backward, relu_forward  # noqa: F401


def svm_loss(x, y):
    """
    Computes the loss and gradient using for multiclass SVM classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and 0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss (the hinge loss with margin 1, averaged over N)
    - dx: Gradient of the loss with respect to x
    """
    N = x.shape[0]
    rows = np.arange(N)
    margins = np.maximum(0, x - x[rows, y][:, None] + 1.0)
    margins[rows, y] = 0
    loss = np.sum(margins) / N
    dx = (margins > 0).astype(x.dtype)
    dx[rows, y] = -dx.sum(axis=1)
    return loss, dx / N


def softmax_loss(x, y):
    """
    Computes the loss and gradient for softmax classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and 0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss (cross-entropy with the natural log, averaged over N)
    - dx: Gradient of the loss with respect to x
    """
    N = x.shape[0]
    shifted = x - x.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(N), y].mean()
    dx = np.exp(log_probs)
    dx[np.arange(N), y] -= 1
    return loss, dx / N
