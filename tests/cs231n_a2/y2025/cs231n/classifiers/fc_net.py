from builtins import range
from builtins import object
import numpy as np

from ..layers import *
from ..layer_utils import *


class FullyConnectedNet(object):
    """Class for a multi-layer fully connected neural network.

    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax
    """

    def __init__(
        self,
        hidden_dims,
        input_dim=3 * 32 * 32,
        num_classes=10,
        dropout_keep_ratio=1,
        normalization=None,
        reg=0.0,
        weight_scale=1e-2,
        dtype=np.float32,
        seed=None,
    ):
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        ############################################################################
        # TODO: Initialize the parameters of the network, storing all values in    #
        # the self.params dictionary.                                              #
        ############################################################################
        layer_dims = [input_dim] + list(hidden_dims) + [num_classes]
        for idx in range(1, self.num_layers + 1):
            self.params["W%d" % idx] = weight_scale * np.random.randn(layer_dims[idx - 1], layer_dims[idx])
            self.params["b%d" % idx] = np.zeros(layer_dims[idx])
            if self.normalization in ("batchnorm", "layernorm") and idx < self.num_layers:
                self.params["gamma%d" % idx] = np.ones(layer_dims[idx])
                self.params["beta%d" % idx] = np.zeros(layer_dims[idx])
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        # Cast all parameters to the correct datatype.
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """Compute loss and gradient for the fully connected net."""
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode
        scores = None
        ############################################################################
        # TODO: Implement the forward pass for the fully connected net, computing  #
        # the class scores for X and storing them in the scores variable.          #
        ############################################################################
        h = X
        history = []
        for idx in range(1, self.num_layers):
            p = self.params
            if self.normalization:
                h, layer_cache = affine_norm_relu_forward(h, p["W%d" % idx], p["b%d" % idx], p["gamma%d" % idx],
                                                          p["beta%d" % idx], self.bn_params[idx - 1],
                                                          self.normalization)
            else:
                h, layer_cache = affine_relu_forward(h, p["W%d" % idx], p["b%d" % idx])
            drop_cache = None
            if self.use_dropout:
                h, drop_cache = dropout_forward(h, self.dropout_param)
            history.append((layer_cache, drop_cache))
        scores, out_cache = affine_forward(h, self.params["W%d" % self.num_layers], self.params["b%d" % self.num_layers])
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        # If test mode return early.
        if mode == "test":
            return scores

        loss, grads = 0.0, {}
        ############################################################################
        # TODO: Implement the backward pass for the fully connected net.           #
        ############################################################################
        loss, dscores = softmax_loss(scores, y)
        L = self.num_layers
        dh, grads["W%d" % L], grads["b%d" % L] = affine_backward(dscores, out_cache)
        for idx in range(L - 1, 0, -1):
            layer_cache, drop_cache = history[idx - 1]
            if self.use_dropout:
                dh = dropout_backward(dh, drop_cache)
            if self.normalization:
                dh, dw, db, dg, dbt = affine_norm_relu_backward(dh, layer_cache)
                grads["gamma%d" % idx], grads["beta%d" % idx] = dg, dbt
            else:
                dh, dw, db = affine_relu_backward(dh, layer_cache)
            grads["W%d" % idx], grads["b%d" % idx] = dw, db
        for idx in range(1, L + 1):
            W = self.params["W%d" % idx]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads["W%d" % idx] = grads["W%d" % idx] + self.reg * W
        ############################################################################
        #                             END OF YOUR CODE                             #
        ############################################################################

        return loss, grads
