"""Convenience "sandwich" layers: common chains of layers, forward and backward, as in CS231n's layer_utils.py.
Each forward returns (out, cache), where cache holds the caches of its layers; each backward takes (dout, cache)
and returns the gradients of the forward's inputs, in the order of its arguments. Use your layers from
layers.py.
"""
from .layers import (affine_backward, affine_forward, batchnorm_backward, batchnorm_forward,  # noqa: F401
                     conv_backward_fast, conv_forward_fast, max_pool_backward_naive, max_pool_forward_naive,
                     relu_backward, relu_forward)


def affine_relu_forward(x, w, b):
    """
    Convenience layer that performs an affine transform followed by a ReLU.

    Inputs:
    - x: Input to the affine layer
    - w, b: Weights for the affine layer

    Returns a tuple of:
    - out: Output from the ReLU
    - cache: Object to give to the backward pass
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("affine_relu_forward")


def affine_relu_backward(dout, cache):
    """
    Backward pass for the affine-relu convenience layer: returns (dx, dw, db).
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("affine_relu_backward")


def affine_bn_relu_forward(x, w, b, gamma, beta, bn_param):
    """
    Convenience layer that performs an affine transform, batch normalization and a ReLU.

    Inputs:
    - x: Input to the affine layer
    - w, b: Weights for the affine layer
    - gamma, beta: Scale and shift of the batch normalization
    - bn_param: Dictionary of parameters of the batch normalization (batchnorm_forward's)

    Returns a tuple of:
    - out: Output from the ReLU
    - cache: Object to give to the backward pass
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("affine_bn_relu_forward")


def affine_bn_relu_backward(dout, cache):
    """
    Backward pass for the affine-batchnorm-relu convenience layer: returns (dx, dw, db, dgamma, dbeta).
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("affine_bn_relu_backward")


def conv_relu_forward(x, w, b, conv_param):
    """
    A convenience layer that performs a convolution followed by a ReLU.

    Inputs:
    - x: Input to the convolutional layer
    - w, b, conv_param: Weights and parameters for the convolutional layer

    Returns a tuple of:
    - out: Output from the ReLU
    - cache: Object to give to the backward pass
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("conv_relu_forward")


def conv_relu_backward(dout, cache):
    """
    Backward pass for the conv-relu convenience layer: returns (dx, dw, db).
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("conv_relu_backward")


def conv_relu_pool_forward(x, w, b, conv_param, pool_param):
    """
    Convenience layer that performs a convolution, a ReLU, and a max pool.

    Inputs:
    - x: Input to the convolutional layer
    - w, b, conv_param: Weights and parameters for the convolutional layer
    - pool_param: Parameters for the pooling layer

    Returns a tuple of:
    - out: Output from the pooling layer
    - cache: Object to give to the backward pass
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("conv_relu_pool_forward")


def conv_relu_pool_backward(dout, cache):
    """
    Backward pass for the conv-relu-pool convenience layer: returns (dx, dw, db).
    """
    # TODO: chain the layers (see the docstring) and return what it says.
    raise NotImplementedError("conv_relu_pool_backward")
