"""Softmax (cross-entropy) loss (reference solution, CS231n API).

Course setting REG_SCALE: the regularization term is REG_SCALE * reg * sum(W**2) (1.0 by default).
"""
import numpy as np

REG_SCALE = 1.0


def softmax_loss_naive(W, X, y, reg):
    """Softmax loss with loops.

    Inputs: W (D, C); X (N, D); y (N,) labels in [0, C); reg (float).
    Returns (loss, dW): loss a float; dW (D, C).
    """
    loss = 0.0
    dW = np.zeros_like(W, dtype=float)
    num_train, num_classes = X.shape[0], W.shape[1]
    for i in range(num_train):
        scores = X[i].dot(W)
        scores = scores - np.max(scores)  # numeric stability
        probs = np.exp(scores) / np.sum(np.exp(scores))
        loss += -np.log(probs[y[i]])
        for j in range(num_classes):
            dW[:, j] += (probs[j] - (j == y[i])) * X[i]
    loss = loss / num_train + REG_SCALE * reg * np.sum(W * W)
    dW = dW / num_train + 2 * REG_SCALE * reg * W
    return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
    """Softmax loss, vectorized. Same inputs and outputs as softmax_loss_naive."""
    num_train = X.shape[0]
    scores = X.dot(W)
    scores = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = scores - np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
    rows = np.arange(num_train)
    loss = -np.sum(log_probs[rows, y]) / num_train + REG_SCALE * reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1
    dW = X.T.dot(dscores) / num_train + 2 * REG_SCALE * reg * W
    return loss, dW
