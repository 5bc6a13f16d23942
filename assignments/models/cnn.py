"""A three-layer convolutional network (CS231n assignment 2's cnn.py):

conv - relu - 2x2 max pool - affine - relu - affine - softmax

The convolution keeps the input's height and width (stride 1, pad (filter_size - 1) // 2); the pool halves
them. L2 regularization is 0.5 * reg * sum(W**2) over W1, W2 and W3.
"""
import numpy as np

from .layer_utils import (affine_relu_backward, affine_relu_forward, conv_relu_pool_backward,  # noqa: F401
                          conv_relu_pool_forward)
from .layers import affine_backward, affine_forward, softmax_loss  # noqa: F401


class ThreeLayerConvNet(object):
    """
    A three-layer convolutional network with the following architecture:

    conv - relu - 2x2 max pool - affine - relu - affine - softmax

    The network operates on minibatches of data that have shape (N, C, H, W) consisting of N images, each
    with height H and width W and with C input channels.
    """

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0, dtype=np.float32):
        """
        Initialize a new network.

        Inputs:
        - input_dim: Tuple (C, H, W) giving size of input data
        - num_filters: Number of filters to use in the convolutional layer
        - filter_size: Width/height of filters to use in the convolutional layer
        - hidden_dim: Number of units to use in the fully-connected hidden layer
        - num_classes: Number of scores to produce from the final affine layer.
        - weight_scale: Scalar giving standard deviation for random initialization of weights.
        - reg: Scalar giving L2 regularization strength
        - dtype: numpy datatype to use for computation.

        Parameters: W1 (F, C, filter_size, filter_size), b1 (F,) for the convolution; W2
        (F * H/2 * W/2, hidden_dim), b2 (hidden_dim,); W3 (hidden_dim, num_classes), b3 (num_classes,).
        Weights are weight_scale * standard normal, biases zero.
        """
        ############################################################################
        # TODO: Initialize weights and biases for the three-layer convolutional     #
        # network and store them in self.params (W1, b1, W2, b2, W3, b3), then cast #
        # every parameter to dtype.                                                 #
        ############################################################################
        raise NotImplementedError("ThreeLayerConvNet.__init__")

    def loss(self, X, y=None):
        """
        Evaluate loss and gradient for the three-layer convolutional network.

        Input / output: Same API as TwoLayerNet in fc_net.py.
        """
        ############################################################################
        # TODO: the forward pass (conv_relu_pool_forward with conv_param              #
        # {'stride': 1, 'pad': (filter_size - 1) // 2} and a 2x2 stride-2 max pool,   #
        # then affine - relu - affine): return the scores when y is None. Then the    #
        # softmax loss plus 0.5 * reg * (sum(W1**2) + sum(W2**2) + sum(W3**2)), and   #
        # the gradient of every parameter in grads.                                   #
        ############################################################################
        raise NotImplementedError("ThreeLayerConvNet.loss")
