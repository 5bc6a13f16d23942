"""A three-layer convolutional network (CS231n assignment 2's cnn.py):

conv - relu - 2x2 max pool - affine - relu - affine - softmax

The convolution keeps the input's height and width (stride 1, pad (filter_size - 1) // 2); the pool halves
them. L2 regularization is 0.5 * reg * sum(W**2) over W1, W2 and W3.
"""
import numpy as np

from .layer_utils import affine_relu_backward, affine_relu_forward, conv_relu_pool_backward, conv_relu_pool_forward
from .layers import affine_backward, affine_forward, softmax_loss


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
        self.params = {}
        self.reg = reg
        self.dtype = dtype
        C, H, W = input_dim
        self.params['W1'] = weight_scale * np.random.randn(num_filters, C, filter_size, filter_size)
        self.params['b1'] = np.zeros(num_filters)
        self.params['W2'] = weight_scale * np.random.randn(num_filters * (H // 2) * (W // 2), hidden_dim)
        self.params['b2'] = np.zeros(hidden_dim)
        self.params['W3'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b3'] = np.zeros(num_classes)
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Evaluate loss and gradient for the three-layer convolutional network.

        Input / output: Same API as TwoLayerNet in fc_net.py.
        """
        W1, b1 = self.params['W1'], self.params['b1']
        W2, b2 = self.params['W2'], self.params['b2']
        W3, b3 = self.params['W3'], self.params['b3']

        # pass conv_param to the forward pass for the convolutional layer
        # Padding and stride chosen to preserve the input spatial size
        filter_size = W1.shape[2]
        conv_param = {'stride': 1, 'pad': (filter_size - 1) // 2}

        # pass pool_param to the forward pass for the max-pooling layer
        pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}

        out1, cache1 = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        out2, cache2 = affine_relu_forward(out1, W2, b2)
        scores, cache3 = affine_forward(out2, W3, b3)
        if y is None:
            return scores

        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2) + np.sum(W3 * W3))
        grads = {}
        dout2, grads['W3'], grads['b3'] = affine_backward(dscores, cache3)
        dout1, grads['W2'], grads['b2'] = affine_relu_backward(dout2, cache2)
        _, grads['W1'], grads['b1'] = conv_relu_pool_backward(dout1, cache1)
        grads['W1'] += self.reg * W1
        grads['W2'] += self.reg * W2
        grads['W3'] += self.reg * W3
        return loss, grads
