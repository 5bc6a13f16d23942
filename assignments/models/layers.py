"""The layers the models are built from.

Paste your own layers here, as CS231n asks you to copy your earlier layers into each new assignment: the
functions below come from your conv_pool, dropout and normalization assignments (same names, signatures and
caches; dropout's p is the probability of KEEPING a unit). Then implement the two loss layers at the end.
Only softmax_loss and svm_loss are graded in this file; the networks that use the others are.
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


def conv_forward_fast(x, w, b, conv_param):
    """Your conv_forward_fast from conv_pool/layers.py: returns (out, cache)."""
    raise NotImplementedError("paste your conv_forward_fast from conv_pool/layers.py")


def conv_backward_fast(dout, cache):
    """Your conv_backward_fast from conv_pool/layers.py: returns (dx, dw, db)."""
    raise NotImplementedError("paste your conv_backward_fast from conv_pool/layers.py")


def max_pool_forward_naive(x, pool_param):
    """Your max_pool_forward_naive from conv_pool/layers.py: returns (out, cache)."""
    raise NotImplementedError("paste your max_pool_forward_naive from conv_pool/layers.py")


def max_pool_backward_naive(dout, cache):
    """Your max_pool_backward_naive from conv_pool/layers.py: returns dx."""
    raise NotImplementedError("paste your max_pool_backward_naive from conv_pool/layers.py")


def dropout_forward(x, dropout_param):
    """Your dropout_forward from dropout/dropout.py: returns (out, cache)."""
    raise NotImplementedError("paste your dropout_forward from dropout/dropout.py")


def dropout_backward(dout, cache):
    """Your dropout_backward from dropout/dropout.py: returns dx."""
    raise NotImplementedError("paste your dropout_backward from dropout/dropout.py")


def batchnorm_forward(x, gamma, beta, bn_param):
    """Your batchnorm_forward from normalization/layers.py: returns (out, cache)."""
    raise NotImplementedError("paste your batchnorm_forward from normalization/layers.py")


def batchnorm_backward(dout, cache):
    """Your batchnorm_backward from normalization/layers.py: returns (dx, dgamma, dbeta)."""
    raise NotImplementedError("paste your batchnorm_backward from normalization/layers.py")


def layernorm_forward(x, gamma, beta, ln_param):
    """Your layernorm_forward from normalization/layers.py: returns (out, cache)."""
    raise NotImplementedError("paste your layernorm_forward from normalization/layers.py")


def layernorm_backward(dout, cache):
    """Your layernorm_backward from normalization/layers.py: returns (dx, dgamma, dbeta)."""
    raise NotImplementedError("paste your layernorm_backward from normalization/layers.py")


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
