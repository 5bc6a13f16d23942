from builtins import object
import numpy as np

from ..layers import *
from ..fast_layers import *
from ..layer_utils import *


class ThreeLayerConvNet(object):
    """
    A three-layer convolutional network with the following architecture:

    conv - relu - 2x2 max pool - affine - relu - affine - softmax
    """

    def __init__(
        self,
        input_dim=(3, 32, 32),
        num_filters=32,
        filter_size=7,
        hidden_dim=100,
        num_classes=10,
        weight_scale=1e-3,
        reg=0.0,
        dtype=np.float32,
    ):
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        ############################################################################
        # TODO: Initialize weights and biases for the three-layer convolutional    #
        # network.                                                                 #
        ############################################################################
        C, H, W = input_dim
        F = num_filters
        self.params["W1"] = np.random.normal(scale=weight_scale, size=(F, C, filter_size, filter_size))
        self.params["b1"] = np.zeros(F)
        self.params["W2"] = np.random.normal(scale=weight_scale, size=(F * (H // 2) * (W // 2), hidden_dim))
        self.params["b2"] = np.zeros(hidden_dim)
        self.params["W3"] = np.random.normal(scale=weight_scale, size=(hidden_dim, num_classes))
        self.params["b3"] = np.zeros(num_classes)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Evaluate loss and gradient for the three-layer convolutional network.
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        ############################################################################
        # TODO: Implement the forward pass for the three-layer convolutional net.  #
        ############################################################################
        a1, c1 = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        a2, c2 = affine_relu_forward(a1, W2, b2)
        scores, c3 = affine_forward(a2, W3, b3)
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        if y is None:
            return scores

        loss, grads = 0, {}
        ############################################################################
        # TODO: Implement the backward pass for the three-layer convolutional net. #
        ############################################################################
        data_loss, d3 = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * sum(np.sum(self.params["W%d" % i] ** 2) for i in (1, 2, 3))
        loss = data_loss + reg_loss
        d2, grads["W3"], grads["b3"] = affine_backward(d3, c3)
        d1, grads["W2"], grads["b2"] = affine_relu_backward(d2, c2)
        _, grads["W1"], grads["b1"] = conv_relu_pool_backward(d1, c1)
        for i in (1, 2, 3):
            grads["W%d" % i] += self.reg * self.params["W%d" % i]
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads
