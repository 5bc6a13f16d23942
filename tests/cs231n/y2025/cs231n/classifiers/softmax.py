from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange


def softmax_loss_naive(W, X, y, reg):
    """
    Softmax loss function, naive implementation (with loops)
    """
    loss = 0.0
    dW = np.zeros_like(W)

    num_classes = W.shape[1]
    num_train = X.shape[0]
    for i in range(num_train):
        z = X[i].dot(W)
        z = z - np.max(z)          # stability
        prob = np.exp(z)
        prob = prob / prob.sum()
        loss = loss - np.log(prob[y[i]])
        for c in range(num_classes):
            indicator = 1.0 if c == y[i] else 0.0
            dW[:, c] += (prob[c] - indicator) * X[i]

    loss = loss / num_train + reg * np.sum(W * W)

    dW /= num_train
    dW += 2 * reg * W

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """
    Softmax loss function, vectorized version.
    """
    loss = 0.0
    dW = np.zeros_like(W)

    n = X.shape[0]
    z = X.dot(W)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    prob = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(prob[np.arange(n), y]).sum() / n + reg * np.sum(W * W)
    onehot = np.zeros_like(prob)
    onehot[np.arange(n), y] = 1
    dW = X.T.dot(prob - onehot) / n + 2 * reg * W

    return loss, dW
