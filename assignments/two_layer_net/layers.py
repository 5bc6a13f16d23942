"""The layers of the two-layer net. Paste your affine and ReLU layers from conv_pool/layers.py (same names,
signatures and caches), then implement the two loss layers: svm_loss and softmax_loss.
"""
import numpy as np


def affine_forward(x, w, b):
    """Your affine_forward from conv_pool/layers.py: returns (out, cache)."""
    raise NotImplementedError("paste your affine_forward from conv_pool/layers.py")


def affine_backward(dout, cache):
    """Your affine_backward from conv_pool/layers.py: returns (dx, dw, db)."""
    raise NotImplementedError("paste your affine_backward from conv_pool/layers.py")


def relu_forward(x):
    """Your relu_forward from conv_pool/layers.py: returns (out, cache)."""
    raise NotImplementedError("paste your relu_forward from conv_pool/layers.py")


def relu_backward(dout, cache):
    """Your relu_backward from conv_pool/layers.py: returns dx."""
    raise NotImplementedError("paste your relu_backward from conv_pool/layers.py")


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
    ###########################################################################
    # TODO: Implement the loss and its gradient (both averaged over N).      #
    ###########################################################################
    raise NotImplementedError("svm_loss")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################


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
    ###########################################################################
    # TODO: Implement the loss and its gradient (both averaged over N).      #
    ###########################################################################
    raise NotImplementedError("softmax_loss")
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
