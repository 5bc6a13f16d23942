"""The layers the models are built from.

Paste your own layers here, as CS231n asks you to copy your earlier layers into each new assignment: the
functions below come from your conv_pool, dropout, normalization and two_layer_net assignments (same names,
signatures and caches; dropout's p is the probability of KEEPING a unit). Nothing in this file is graded here;
the networks that use it are.
"""


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


def softmax_loss(x, y):
    """Your softmax_loss from two_layer_net/layers.py: returns (loss, dx)."""
    raise NotImplementedError("paste your softmax_loss from two_layer_net/layers.py")
