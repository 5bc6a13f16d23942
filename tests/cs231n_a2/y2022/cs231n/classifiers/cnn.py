from builtins import object
import numpy as np

from ..layers import *
from ..fast_layers import *
from ..layer_utils import *


class ThreeLayerConvNet(object):
    """
    A three-layer convolutional network with the following architecture:

    conv - relu - 2x2 max pool - affine - relu - affine - softmax

    The network operates on minibatches of data that have shape (N, C, H, W)
    consisting of N images, each with height H and width W and with C input
    channels.
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

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        C, H, W = input_dim
        self.params.update({
            "W1": np.random.randn(num_filters, C, filter_size, filter_size) * weight_scale,
            "b1": np.zeros(num_filters),
            "W2": np.random.randn(num_filters * H * W // 4, hidden_dim) * weight_scale,
            "b2": np.zeros(hidden_dim),
            "W3": np.random.randn(hidden_dim, num_classes) * weight_scale,
            "b3": np.zeros(num_classes),
        })

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Evaluate loss and gradient for the three-layer convolutional network.

        Input / output: Same API as TwoLayerNet in fc_net.py.
        """
        W1, b1 = self.params["W1"], self.params["b1"]
        W2, b2 = self.params["W2"], self.params["b2"]
        W3, b3 = self.params["W3"], self.params["b3"]

        # pass conv_param to the forward pass for the convolutional layer
        # Padding and stride chosen to preserve the input spatial size
        filter_size = W1.shape[2]
        conv_param = {"stride": 1, "pad": (filter_size - 1) // 2}

        # pass pool_param to the forward pass for the max-pooling layer
        pool_param = {"pool_height": 2, "pool_width": 2, "stride": 2}

        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        out, cache_crp = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        out, cache_ar = affine_relu_forward(out, W2, b2)
        scores, cache_a = affine_forward(out, W3, b3)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dout = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2) + np.sum(W3 ** 2))

        dout, dW3, db3 = affine_backward(dout, cache_a)
        dout, dW2, db2 = affine_relu_backward(dout, cache_ar)
        dout, dW1, db1 = conv_relu_pool_backward(dout, cache_crp)

        grads = {"W1": dW1 + self.reg * W1, "b1": db1, "W2": dW2 + self.reg * W2, "b2": db2,
                 "W3": dW3 + self.reg * W3, "b3": db3}

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
