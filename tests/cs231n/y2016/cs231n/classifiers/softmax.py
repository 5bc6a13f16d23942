import numpy as np
from random import shuffle

def softmax_loss_naive(W, X, y, reg):
  """
  Softmax loss function, naive implementation (with loops)
  """
  # Initialize the loss and gradient to zero.
  loss = 0.0
  dW = np.zeros_like(W)
  num_train = X.shape[0]
  num_classes = W.shape[1]
  for i in xrange(num_train):
    f = X[i].dot(W)
    f -= np.max(f)
    p = np.exp(f) / np.sum(np.exp(f))
    loss += -np.log(p[y[i]])
    for j in xrange(num_classes):
      dW[:, j] += (p[j] - (j == y[i])) * X[i]
  loss /= num_train
  dW /= num_train
  loss += 0.5 * reg * np.sum(W * W)
  dW += reg * W
  return loss, dW


def softmax_loss_vectorized(W, X, y, reg):
  """
  Softmax loss function, vectorized version.
  """
  num_train = X.shape[0]
  f = X.dot(W)
  f -= np.max(f, axis=1, keepdims=True)
  p = np.exp(f) / np.sum(np.exp(f), axis=1, keepdims=True)
  loss = np.sum(-np.log(p[np.arange(num_train), y])) / num_train
  loss += 0.5 * reg * np.sum(W * W)
  ind = np.zeros_like(p)
  ind[np.arange(num_train), y] = 1
  dW = X.T.dot(p - ind) / num_train
  dW += reg * W
  return loss, dW
