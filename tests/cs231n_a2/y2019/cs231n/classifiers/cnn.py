from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.fast_layers import *
from cs231n.layer_utils import *


class ThreeLayerConvNet(object):
    """
    A three-layer convolutional network with the following architecture:

    conv - relu - 2x2 max pool - affine - relu - affine - softmax
    """

    def __init__(self, input_dim=(3, 32, 32), num_filters=32, filter_size=7,
                 hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0,
                 dtype=np.float32):
        self.params = {}
        self.reg = reg
        self.dtype = dtype

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        C, H, W = input_dim
        pooled = num_filters * (H // 2) * (W // 2)
        shapes = {'W1': (num_filters, C, filter_size, filter_size), 'W2': (pooled, hidden_dim),
                  'W3': (hidden_dim, num_classes)}
        for name, shape in shapes.items():
            self.params[name] = np.random.normal(0, weight_scale, shape)
        self.params['b1'] = np.zeros(num_filters)
        self.params['b2'] = np.zeros(hidden_dim)
        self.params['b3'] = np.zeros(num_classes)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Evaluate loss and gradient for the three-layer convolutional network.
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

        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        h1, c1 = conv_relu_pool_forward(X, W1, b1, conv_param, pool_param)
        h2, c2 = affine_relu_forward(h1, W2, b2)
        scores, c3 = affine_forward(h2, W3, b3)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, d = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(W ** 2) for W in (W1, W2, W3))
        d, grads['W3'], grads['b3'] = affine_backward(d, c3)
        d, grads['W2'], grads['b2'] = affine_relu_backward(d, c2)
        _, grads['W1'], grads['b1'] = conv_relu_pool_backward(d, c1)
        for k in ('W1', 'W2', 'W3'):
            grads[k] += self.reg * self.params[k]

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
