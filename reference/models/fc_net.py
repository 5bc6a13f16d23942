"""A fully-connected network of any depth (CS231n assignment 2's fc_net.py; its TwoLayerNet is the two_layer_net
assignment's).

L2 regularization is 0.5 * reg * sum(W**2) over the weight matrices, in every CS231n year ("make sure that
your L2 regularization includes a factor of 0.5"); biases, gammas and betas are not regularized.

Course setting DROPOUT_P_IS_KEEP (the grader sets it; do not edit): how FullyConnectedNet reads `dropout`,
the keyword of CS231n 2016–2020 — True (2018–2020): the probability of keeping a unit; False (2016–17): of
dropping one. From 2021 the keyword is `dropout_keep_ratio`. The network calls the dropout layer with the
keep probability: dropout_param['p'] is a keep probability here.
"""
import numpy as np

from .layers import (affine_backward, affine_forward, batchnorm_backward, batchnorm_forward, dropout_backward,
                     dropout_forward, layernorm_backward, layernorm_forward, relu_backward, relu_forward,
                     softmax_loss)

DROPOUT_P_IS_KEEP = True


class FullyConnectedNet(object):
    """
    A fully-connected neural network with an arbitrary number of hidden layers, ReLU nonlinearities, and a
    softmax loss function. This will also implement dropout and batch/layer normalization as options. For a
    network with L layers, the architecture will be

    {affine - [batch/layer norm] - relu - [dropout]} x (L - 1) - affine - softmax

    where batch/layer normalization and dropout are optional, and the {...} block is repeated L - 1 times.

    Learnable parameters are stored in the self.params dictionary and will be learned using the Solver
    class.
    """

    def __init__(self, hidden_dims, input_dim=3 * 32 * 32, num_classes=10, dropout_keep_ratio=1,
                 normalization=None, reg=0.0, weight_scale=1e-2, dtype=np.float32, seed=None, dropout=None,
                 use_batchnorm=None):
        """
        Initialize a new FullyConnectedNet.

        Inputs:
        - hidden_dims: A list of integers giving the size of each hidden layer.
        - input_dim: An integer giving the size of the input.
        - num_classes: An integer giving the number of classes to classify.
        - dropout_keep_ratio: Scalar between 0 and 1 giving the probability of keeping a unit with dropout.
          If dropout_keep_ratio=1 then the network should not use dropout at all.
        - normalization: What type of normalization the network should use. Valid values are "batchnorm",
          "layernorm", or None for no normalization (the default).
        - reg: Scalar giving L2 regularization strength.
        - weight_scale: Scalar giving the standard deviation for random initialization of the weights.
        - dtype: A numpy datatype object; all computations will be performed using this datatype. float32 is
          faster but less accurate, so you should use float64 for numeric gradient checking.
        - seed: If not None, then pass this random seed to the dropout layers. This will make the dropout
          layers deteriminstic so we can gradient check the model.
        - dropout, use_batchnorm: the keywords of CS231n before 2021, for courses that keep them: `dropout`
          (2016–2020) is read as DROPOUT_P_IS_KEEP says (no dropout: 1 when it is a keep probability, 0
          when a drop probability); use_batchnorm=True (2016–17) is normalization="batchnorm".
        """
        if use_batchnorm is not None:
            normalization = "batchnorm" if use_batchnorm else None
        if dropout is not None:
            dropout_keep_ratio = dropout if DROPOUT_P_IS_KEEP else 1 - dropout
        self.normalization = normalization
        self.use_dropout = dropout_keep_ratio != 1
        self.reg = reg
        self.num_layers = 1 + len(hidden_dims)
        self.dtype = dtype
        self.params = {}

        dims = [input_dim] + list(hidden_dims) + [num_classes]
        for i in range(self.num_layers):
            self.params['W%d' % (i + 1)] = weight_scale * np.random.randn(dims[i], dims[i + 1])
            self.params['b%d' % (i + 1)] = np.zeros(dims[i + 1])
            if self.normalization and i < self.num_layers - 1:
                self.params['gamma%d' % (i + 1)] = np.ones(dims[i + 1])
                self.params['beta%d' % (i + 1)] = np.zeros(dims[i + 1])

        # When using dropout we need to pass a dropout_param dictionary to each dropout layer so that the layer
        # knows the dropout probability and the mode (train / test). You can pass the same dropout_param to
        # each dropout layer.
        self.dropout_param = {}
        if self.use_dropout:
            self.dropout_param = {"mode": "train", "p": dropout_keep_ratio}
            if seed is not None:
                self.dropout_param["seed"] = seed

        # With batch normalization we need to keep track of running means and variances, so we need to pass a
        # special bn_param object to each batch normalization layer. You should pass self.bn_params[0] to the
        # forward pass of the first batch normalization layer, self.bn_params[1] to the forward pass of the
        # second batch normalization layer, etc.
        self.bn_params = []
        if self.normalization == "batchnorm":
            self.bn_params = [{"mode": "train"} for i in range(self.num_layers - 1)]
        if self.normalization == "layernorm":
            self.bn_params = [{} for i in range(self.num_layers - 1)]

        # Cast all parameters to the correct datatype.
        for k, v in self.params.items():
            self.params[k] = v.astype(dtype)

    def loss(self, X, y=None):
        """
        Compute loss and gradient for the fully-connected net.

        Inputs:
        - X: Array of input data of shape (N, d_1, ..., d_k)
        - y: Array of labels, of shape (N,). y[i] gives the label for X[i].

        Returns:
        If y is None, then run a test-time forward pass of the model and return:
        - scores: Array of shape (N, C) giving classification scores, where scores[i, c] is the
          classification score for X[i] and class c.

        If y is not None, then run a training-time forward and backward pass and return a tuple of:
        - loss: Scalar value giving the loss
        - grads: Dictionary with the same keys as self.params, mapping parameter names to gradients of the
          loss with respect to those parameters.
        """
        X = X.astype(self.dtype)
        mode = "test" if y is None else "train"

        # Set train/test mode for batchnorm params and dropout param since they behave differently during
        # training and testing.
        if self.use_dropout:
            self.dropout_param["mode"] = mode
        if self.normalization == "batchnorm":
            for bn_param in self.bn_params:
                bn_param["mode"] = mode

        caches, out = [], X
        for i in range(1, self.num_layers):
            out, fc_cache = affine_forward(out, self.params['W%d' % i], self.params['b%d' % i])
            norm_cache = drop_cache = None
            if self.normalization == "batchnorm":
                out, norm_cache = batchnorm_forward(out, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                    self.bn_params[i - 1])
            elif self.normalization == "layernorm":
                out, norm_cache = layernorm_forward(out, self.params['gamma%d' % i], self.params['beta%d' % i],
                                                    self.bn_params[i - 1])
            out, relu_cache = relu_forward(out)
            if self.use_dropout:
                out, drop_cache = dropout_forward(out, self.dropout_param)
            caches.append((fc_cache, norm_cache, relu_cache, drop_cache))
        L = self.num_layers
        scores, last_cache = affine_forward(out, self.params['W%d' % L], self.params['b%d' % L])

        # If test mode return early.
        if mode == "test":
            return scores

        loss, dout = softmax_loss(scores, y)
        grads = {}
        dout, grads['W%d' % L], grads['b%d' % L] = affine_backward(dout, last_cache)
        for i in range(L - 1, 0, -1):
            fc_cache, norm_cache, relu_cache, drop_cache = caches[i - 1]
            if self.use_dropout:
                dout = dropout_backward(dout, drop_cache)
            dout = relu_backward(dout, relu_cache)
            if self.normalization == "batchnorm":
                dout, grads['gamma%d' % i], grads['beta%d' % i] = batchnorm_backward(dout, norm_cache)
            elif self.normalization == "layernorm":
                dout, grads['gamma%d' % i], grads['beta%d' % i] = layernorm_backward(dout, norm_cache)
            dout, grads['W%d' % i], grads['b%d' % i] = affine_backward(dout, fc_cache)
        for i in range(1, L + 1):
            W = self.params['W%d' % i]
            loss += 0.5 * self.reg * np.sum(W * W)
            grads['W%d' % i] += self.reg * W
        return loss, grads
