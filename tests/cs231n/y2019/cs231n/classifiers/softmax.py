from builtins import range
import numpy as np
from random import shuffle
from past.builtins import xrange

def softmax_loss_naive(W, X, y, reg):
    # Initialize the loss and gradient to zero.
    loss = 0.0
    dW = np.zeros_like(W)

    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N, C = X.shape[0], W.shape[1]
    for i in range(N):
        s = X[i] @ W
        s = s - np.max(s)
        p = np.exp(s) / np.exp(s).sum()
        loss += -np.log(p[y[i]])
        for c in range(C):
            dW[:, c] += X[i] * (p[c] - (c == y[i]))
    loss = loss / N + reg * np.sum(W * W)
    dW = dW / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    loss = 0.0
    dW = np.zeros_like(W)

    # *****START OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    N = X.shape[0]
    s = X @ W
    s -= s.max(axis=1)[:, None]
    log_p = s - np.log(np.exp(s).sum(axis=1))[:, None]
    loss = -log_p[np.arange(N), y].mean() + reg * (W ** 2).sum()
    d = np.exp(log_p)
    d[np.arange(N), y] -= 1
    dW = X.T @ d / N + 2 * reg * W

    # *****END OF YOUR CODE (DO NOT DELETE/MODIFY THIS LINE)*****

    return loss, dW
