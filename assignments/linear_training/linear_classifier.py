"""A linear classifier trained with minibatch SGD (CS231n assignment 1, linear_classifier.py): the base class
holds W, train and predict; LinearSVM and Softmax give it their loss."""
import numpy as np  # noqa: F401

from .linear_svm import svm_loss_vectorized
from .softmax import softmax_loss_vectorized


class LinearClassifier(object):

    def __init__(self):
        self.W = None

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False):
        """
        Train this linear classifier using stochastic gradient descent.

        Inputs:
        - X: A numpy array of shape (N, D) containing training data; there are N training samples each of
          dimension D.
        - y: A numpy array of shape (N,) containing training labels; y[i] = c means that X[i] has label
          0 <= c < C for C classes.
        - learning_rate: (float) learning rate for optimization.
        - reg: (float) regularization strength.
        - num_iters: (integer) number of steps to take when optimizing
        - batch_size: (integer) number of training examples to use at each step.
        - verbose: (boolean) If true, print progress during optimization.

        W is initialized lazily, on the first call: 0.001 * np.random.randn(D, C) with C = np.max(y) + 1.
        Each iteration samples batch_size examples with np.random.choice (sampling with replacement is
        faster than without, and fine), evaluates the loss and gradient on them, and takes one step
        W -= learning_rate * grad.

        Outputs:
        A list containing the value of the loss function at each training iteration.
        """
        ###########################################################################
        # TODO: Lazily initialize W (as the docstring says), then run stochastic   #
        # gradient descent for num_iters iterations: sample a minibatch of         #
        # batch_size examples with np.random.choice, evaluate self.loss on it,     #
        # append the loss to loss_history and update self.W. Return loss_history.  #
        ###########################################################################
        raise NotImplementedError("LinearClassifier.train")

    def predict(self, X):
        """
        Use the trained weights of this linear classifier to predict labels for data points.

        Inputs:
        - X: A numpy array of shape (N, D) containing training data; there are N training samples each of
          dimension D.

        Returns:
        - y_pred: Predicted labels for the data in X. y_pred is a 1-dimensional array of length N, and each
          element is an integer giving the predicted class.
        """
        ###########################################################################
        # TODO: the class with the highest score X.dot(self.W) for each row of X. #
        ###########################################################################
        raise NotImplementedError("LinearClassifier.predict")

    def loss(self, X_batch, y_batch, reg):
        """
        Compute the loss function and its derivative. Subclasses will override this.

        Inputs:
        - X_batch: A numpy array of shape (N, D) containing a minibatch of N data points; each point has
          dimension D.
        - y_batch: A numpy array of shape (N,) containing labels for the minibatch.
        - reg: (float) regularization strength.

        Returns: A tuple containing:
        - loss as a single float
        - gradient with respect to self.W; an array of the same shape as W
        """
        raise NotImplementedError("LinearClassifier.loss: use LinearSVM or Softmax")


class LinearSVM(LinearClassifier):
    """ A subclass that uses the Multiclass SVM loss function """

    def loss(self, X_batch, y_batch, reg):
        return svm_loss_vectorized(self.W, X_batch, y_batch, reg)


class Softmax(LinearClassifier):
    """ A subclass that uses the Softmax + Cross-entropy loss function """

    def loss(self, X_batch, y_batch, reg):
        return softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
