"""A two-layer fully-connected network with its own training loop (CS231n assignment 1, neural_net.py):
input - affine - ReLU - affine - softmax.

The regularization term is REG_SCALE * reg * (sum(W1**2) + sum(W2**2)); the biases are not regularized.
Do not edit REG_SCALE: the grader sets it to your course's convention (1.0: CS231n 2017–2020, no factor
0.5; 0.5: CS231n 2016). Use it in the loss and in the gradients.
"""
import numpy as np

REG_SCALE = 1.0


class TwoLayerNet(object):
    """
    A two-layer fully-connected neural network. The net has an input dimension of N, a hidden layer
    dimension of H, and performs classification over C classes. We train the network with a softmax loss
    function and L2 regularization on the weight matrices. The network uses a ReLU nonlinearity after the
    first fully connected layer.

    The outputs of the second fully-connected layer are the scores for each class.
    """

    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        """
        Initialize the model. Weights are initialized to small random values (std * standard normal) and
        biases are initialized to zero. Weights and biases are stored in the variable self.params, a
        dictionary with the following keys:

        W1: First layer weights; has shape (D, H)
        b1: First layer biases; has shape (H,)
        W2: Second layer weights; has shape (H, C)
        b2: Second layer biases; has shape (C,)

        Inputs:
        - input_size: The dimension D of the input data.
        - hidden_size: The number of neurons H in the hidden layer.
        - output_size: The number of classes C.
        """
        # TODO: store W1 (D, H), b1 (H,), W2 (H, C), b2 (C,) in self.params: weights std * np.random.randn,
        # biases zeros.
        raise NotImplementedError

    def loss(self, X, y=None, reg=0.0):
        """
        Compute the loss and gradients for a two layer fully connected neural network.

        Inputs:
        - X: Input data of shape (N, D). Each X[i] is a training sample.
        - y: Vector of training labels. y[i] is the label for X[i], and each y[i] is an integer in the
          range 0 <= y[i] < C. This parameter is optional; if it is not passed then we only return
          scores, and if it is passed then we instead return the loss and gradients.
        - reg: Regularization strength.

        Returns:
        If y is None, return a matrix scores of shape (N, C) where scores[i, c] is the score for class c
        on input X[i].

        If y is not None, instead return a tuple of:
        - loss: Loss (data loss and regularization loss) for this batch of training samples.
        - grads: Dictionary mapping parameter names to gradients of those parameters with respect to the
          loss function; has the same keys as self.params.
        """
        # TODO: the forward pass (scores); return them when y is None. Then the softmax data loss averaged
        # over N plus REG_SCALE * reg * (sum(W1**2) + sum(W2**2)), and the gradient of every parameter.
        raise NotImplementedError

    def train(self, X, y, X_val, y_val, learning_rate=1e-3, learning_rate_decay=0.95, reg=5e-6,
              num_iters=100, batch_size=200, verbose=False):
        """
        Train this neural network using stochastic gradient descent.

        Inputs:
        - X: A numpy array of shape (N, D) giving training data.
        - y: A numpy array of shape (N,) giving training labels; y[i] = c means that X[i] has label c,
          where 0 <= c < C.
        - X_val: A numpy array of shape (N_val, D) giving validation data.
        - y_val: A numpy array of shape (N_val,) giving validation labels.
        - learning_rate: Scalar giving learning rate for optimization.
        - learning_rate_decay: Scalar giving factor used to decay the learning rate after each epoch.
        - reg: Scalar giving regularization strength.
        - num_iters: Number of steps to take when optimizing.
        - batch_size: Number of training examples to use per step (sampled with np.random.choice; with
          replacement is fine).
        - verbose: boolean; if true print progress during optimization.

        Returns a dictionary with 'loss_history' (the minibatch loss of every iteration),
        'train_acc_history' and 'val_acc_history' (the accuracies measured once per epoch).
        """
        # TODO: for each iteration sample a minibatch of batch_size examples (np.random.choice; with
        # replacement is fine), compute its loss and gradients with self.loss, append the loss to
        # loss_history and update every parameter with SGD. Once per epoch (every max(N / batch_size, 1)
        # iterations) append the minibatch and validation accuracies and multiply the learning rate by
        # learning_rate_decay. Return {'loss_history', 'train_acc_history', 'val_acc_history'}.
        raise NotImplementedError

    def predict(self, X):
        """
        Use the trained weights of this two-layer network to predict labels for data points.

        Inputs:
        - X: A numpy array of shape (N, D) giving N D-dimensional data points to classify.

        Returns:
        - y_pred: A numpy array of shape (N,) giving predicted labels for each of the elements of X. For
          all i, y_pred[i] = c means that X[i] is predicted to have class c, where 0 <= c < C.
        """
        # TODO: the class with the highest score for each row of X.
        raise NotImplementedError
