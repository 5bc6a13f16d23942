"""Multiclass SVM loss (reference solution, CS231n API).

Course setting REG_SCALE: the regularization term is REG_SCALE * reg * sum(W**2).
1.0 is the CS231n 2017+ convention (reg * ||W||^2); 0.5 is the 2016 one.
"""
import numpy as np

REG_SCALE = 1.0


def svm_loss_naive(W, X, y, reg):
    """Structured SVM loss with loops.

    Inputs: W (D, C) weights; X (N, D) minibatch; y (N,) labels, 0 <= y[i] < C; reg (float) strength.
    Returns (loss, dW): loss a float; dW (D, C), the gradient of the loss with respect to W.
    """
    dW = np.zeros(W.shape)
    num_classes = W.shape[1]
    num_train = X.shape[0]
    loss = 0.0
    for i in range(num_train):
        scores = X[i].dot(W)
        correct_class_score = scores[y[i]]
        for j in range(num_classes):
            if j == y[i]:
                continue
            margin = scores[j] - correct_class_score + 1  # delta = 1
            if margin > 0:
                loss += margin
                dW[:, j] += X[i]
                dW[:, y[i]] -= X[i]
    loss /= num_train
    dW /= num_train
    loss += REG_SCALE * reg * np.sum(W * W)
    dW += 2 * REG_SCALE * reg * W
    return loss, dW


def svm_loss_vectorized(W, X, y, reg):
    """Structured SVM loss, vectorized. Same inputs and outputs as svm_loss_naive."""
    num_train = X.shape[0]
    scores = X.dot(W)
    rows = np.arange(num_train)
    correct = scores[rows, y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    margins[rows, y] = 0
    loss = np.sum(margins) / num_train + REG_SCALE * reg * np.sum(W * W)
    counts = (margins > 0).astype(X.dtype)
    counts[rows, y] = -np.sum(counts, axis=1)
    dW = X.T.dot(counts) / num_train + 2 * REG_SCALE * reg * W
    return loss, dW
