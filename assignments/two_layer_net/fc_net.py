"""A two-layer fully-connected net with a modular layer design (CS231n fc_net.py's TwoLayerNet: assignment 2
until 2020, assignment 1 from 2021): affine - relu - affine - softmax.

L2 regularization is 0.5 * reg * (sum(W1**2) + sum(W2**2)) in every CS231n year ("make sure that your L2
regularization includes a factor of 0.5"); the biases are not regularized.
"""
import numpy as np

from .layers import affine_backward, affine_forward, relu_backward, relu_forward, softmax_loss  # noqa: F401


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
        ############################################################################
        # TODO: Initialize the weights and biases of the two-layer net. Weights     #
        # should be initialized from a Gaussian centered at 0.0 with standard       #
        # deviation equal to weight_scale, and biases should be initialized to zero.#
        # All weights and biases should be stored in the dictionary self.params,    #
        # with first layer weights and biases using the keys 'W1' and 'b1' and     #
        # second layer weights and biases using the keys 'W2' and 'b2'.             #
        ############################################################################
        raise NotImplementedError("TwoLayerNet.__init__")

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
        ############################################################################
        # TODO: Implement the forward pass for the two-layer net, computing the     #
        # class scores for X (return them when y is None). Then the backward pass:  #
        # the loss in `loss` and the gradients in the `grads` dictionary. Compute   #
        # the data loss using softmax, and make sure that grads[k] holds the        #
        # gradients for self.params[k]. Don't forget to add L2 regularization!      #
        #                                                                           #
        # NOTE: To ensure that your implementation matches ours and you pass the    #
        # automated tests, make sure that your L2 regularization includes a factor  #
        # of 0.5 to simplify the expression for the gradient.                       #
        ############################################################################
        raise NotImplementedError("TwoLayerNet.loss")
