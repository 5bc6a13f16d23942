"""A two-layer fully-connected net with a modular layer design (CS231n fc_net.py's TwoLayerNet: assignment 2
until 2020, assignment 1 from 2021): affine - relu - affine - softmax.

L2 regularization is 0.5 * reg * (sum(W1**2) + sum(W2**2)) in every CS231n year ("make sure that your L2
regularization includes a factor of 0.5"); the biases are not regularized.
"""
import numpy as np

from .layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss


class TwoLayerNet(object):
    """
    A two-layer fully-connected neural network with ReLU nonlinearity and softmax loss that uses a modular
    layer design. We assume an input dimension of D, a hidden dimension of H, and perform classification
    over C classes.

    The architecure should be affine - relu - affine - softmax.

    Note that this class does not implement gradient descent; instead, it will interact with a separate
    Solver object that is responsible for running optimization.

    The learnable parameters of the model are stored in the dictionary self.params that maps parameter
    names to numpy arrays.
    """

    def __init__(self, input_dim=3 * 32 * 32, hidden_dim=100, num_classes=10, weight_scale=1e-3, reg=0.0):
        """
        Initialize a new network.

        Inputs:
        - input_dim: An integer giving the size of the input
        - hidden_dim: An integer giving the size of the hidden layer
        - num_classes: An integer giving the number of classes to classify
        - weight_scale: Scalar giving the standard deviation for random initialization of the weights.
        - reg: Scalar giving L2 regularization strength.

        Weights are weight_scale * standard normal, biases zero: self.params['W1'] (D, H), 'b1' (H,),
        'W2' (H, C), 'b2' (C,).
        """
        self.params = {}
        self.reg = reg
        self.params['W1'] = weight_scale * np.random.randn(input_dim, hidden_dim)
        self.params['b1'] = np.zeros(hidden_dim)
        self.params['W2'] = weight_scale * np.random.randn(hidden_dim, num_classes)
        self.params['b2'] = np.zeros(num_classes)

    def loss(self, X, y=None):
        """
        Compute loss and gradient for a minibatch of data.

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
        W1, b1, W2, b2 = (self.params[k] for k in ('W1', 'b1', 'W2', 'b2'))
        a, fc1_cache = affine_forward(X, W1, b1)
        hidden, relu_cache = relu_forward(a)
        scores, scores_cache = affine_forward(hidden, W2, b2)
        if y is None:
            return scores

        loss, dscores = softmax_loss(scores, y)
        loss += 0.5 * self.reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        grads = {}
        dhidden, grads['W2'], grads['b2'] = affine_backward(dscores, scores_cache)
        _, grads['W1'], grads['b1'] = affine_backward(relu_backward(dhidden, relu_cache), fc1_cache)
        grads['W1'] += self.reg * W1
        grads['W2'] += self.reg * W2
        return loss, grads
