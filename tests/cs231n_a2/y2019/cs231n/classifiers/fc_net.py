from builtins import range
from builtins import object
import numpy as np

from cs231n.layers import *
from cs231n.layer_utils import *


class TwoLayerNet(object):
    """
    A two-layer fully-connected neural network with ReLU nonlinearity and
    softmax loss that uses a modular layer design.

    The architecure should be affine - relu - affine - softmax.
    """

    def __init__(self, input_dim=3*32*32, hidden_dim=100, num_classes=10,
                 weight_scale=1e-3, reg=0.0):
        self.params = {}
        self.reg = reg

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        self.params = {
            'W1': np.random.normal(0.0, weight_scale, (input_dim, hidden_dim)),
            'b1': np.zeros(hidden_dim),
            'W2': np.random.normal(0.0, weight_scale, (hidden_dim, num_classes)),
            'b2': np.zeros(num_classes),
        }

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    def loss(self, X, y=None):
        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        W1, b1, W2, b2 = self.params['W1'], self.params['b1'], self.params['W2'], self.params['b2']
        hidden, cache_h = affine_relu_forward(X, W1, b1)
        scores, cache_s = affine_forward(hidden, W2, b2)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # If y is None then we are in test mode so just return scores
        if y is None:
            return scores

        loss, grads = 0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        data_loss, dscores = softmax_loss(scores, y)
        reg_loss = 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        loss = data_loss + reg_loss

        dhidden, dW2, db2 = affine_backward(dscores, cache_s)
        _, dW1, db1 = affine_relu_backward(dhidden, cache_h)
        grads = {'W1': dW1 + self.reg * W1, 'b1': db1, 'W2': dW2 + self.reg * W2, 'b2': db2}

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads


class FullyConnectedNet(object):
    """
    A fully-connected neural network with an arbitrary number of hidden layers,
    ReLU nonlinearities, and a softmax loss function. This will also implement
    dropout and batch/layer normalization as options.

    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
    """

    def __init__(self, hidden_dims, input_dim=3*32*32, num_classes=10,
                 dropout=1, normalization=None, reg=0.0,
                 weight_scale=1e-2, dtype=np.float32, seed=None):
        """
        - dropout: Scalar between 0 and 1 giving dropout strength. If dropout=1 then
          the network should not use dropout at all.
        - normalization: What type of normalization the network should use. Valid values
          are "batchnorm", "layernorm", or None for no normalization (the default).
        """
        self.normalization = normalization
        self.use_dropout = dropout != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        sizes = [input_dim, *hidden_dims, num_classes]
        for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
            self.params[f'W{l}'] = weight_scale * np.random.randn(fan_in, fan_out)
            self.params[f'b{l}'] = np.zeros(fan_out)
            if self.normalization is not None and l < self.num_layers:
                self.params[f'gamma{l}'] = np.ones(fan_out)
                self.params[f'beta{l}'] = np.zeros(fan_out)

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # When using dropout we need to pass a dropout_param dictionary to each
        # dropout layer so that the layer knows the dropout probability and the mode
        # (train / test). You can pass the same dropout_param to each dropout layer.
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {'mode': 'train', 'p': dropout}
            if seed is not None:
                self.dropout_param['seed'] = seed

        # With batch normalization we need to keep track of running means and
        # variances, so we need to pass a special bn_param object to each batch
        # normalization layer.
        self.bn_params = []
        if self.normalization == 'batchnorm':
            self.bn_params = [{'mode': 'train'} for i in range(self.num_layers - 1)]
        if self.normalization == 'layernorm':
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        # Cast all parameters to the correct datatype
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Compute loss and gradient for the fully-connected net.
        """
        X = X.astype(self.dtype)
        mode = 'test' if y is None else 'train'

        # Set train/test mode for batchnorm params and dropout param since they
        # behave differently during training and testing.
        if self.use_dropout:
            self.dropout_param['mode'] = mode
        if self.normalization == 'batchnorm':
            for bn_param in self.bn_params:
                bn_param['mode'] = mode
        scores = None
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        caches = []
        out = X
        for l in range(1, self.num_layers):
            W, b = self.params[f'W{l}'], self.params[f'b{l}']
            if self.normalization is None:
                out, cache = affine_relu_forward(out, W, b)
            else:
                out, cache = affine_norm_relu_forward(out, W, b, self.params[f'gamma{l}'],
                                                      self.params[f'beta{l}'], self.bn_params[l - 1],
                                                      self.normalization)
            drop_cache = None
            if self.use_dropout:
                out, drop_cache = dropout_forward(out, self.dropout_param)
            caches.append((cache, drop_cache))
        L = self.num_layers
        scores, last_cache = affine_forward(out, self.params[f'W{L}'], self.params[f'b{L}'])

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        # If test mode return early
        if mode == 'test':
            return scores

        loss, grads = 0.0, {}
        # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        loss, dout = softmax_loss(scores, y)
        loss += 0.5 * self.reg * sum(np.sum(self.params[f'W{l}'] ** 2) for l in range(1, L + 1))

        dout, grads[f'W{L}'], grads[f'b{L}'] = affine_backward(dout, last_cache)
        for l in range(L - 1, 0, -1):
            cache, drop_cache = caches[l - 1]
            if self.use_dropout:
                dout = dropout_backward(dout, drop_cache)
            if self.normalization is None:
                dout, grads[f'W{l}'], grads[f'b{l}'] = affine_relu_backward(dout, cache)
            else:
                dout, grads[f'W{l}'], grads[f'b{l}'], grads[f'gamma{l}'], grads[f'beta{l}'] = \
                    affine_norm_relu_backward(dout, cache)
        for l in range(1, L + 1):
            grads[f'W{l}'] += self.reg * self.params[f'W{l}']

        # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

        return loss, grads
