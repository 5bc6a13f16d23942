import numpy as np
from random import shuffle
from past.builtins import xrange

def softmax_loss_naive(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)
    num_train = X.shape[0]
    num_classes = W.shape[1]
    for i in xrange(num_train):
        scores = X[i].dot(W)
        scores -= scores.max()
        exp_scores = np.exp(scores)
        probs = exp_scores / np.sum(exp_scores)
        loss -= np.log(probs[y[i]])
        probs[y[i]] -= 1
        dW += np.outer(X[i], probs)
    loss = loss / num_train + reg * np.sum(W * W)
    dW = dW / num_train + 2 * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores)
    probs /= np.sum(probs, axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(num_train), y])) + reg * np.sum(W * W)
    probs[np.arange(num_train), y] -= 1
    dW = X.T.dot(probs) / num_train + 2 * reg * W
    return loss, dW
