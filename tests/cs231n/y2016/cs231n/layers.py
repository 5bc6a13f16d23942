import numpy as np


def affine_forward(x, w, b):
  """
  Computes the forward pass for an affine (fully-connected) layer.
  """
  out = None
  N = x.shape[0]
  out = x.reshape(N, -1).dot(w) + b
  cache = (x, w, b)
  return out, cache


def affine_backward(dout, cache):
  x, w, b = cache
  dx, dw, db = None, None, None
  N = x.shape[0]
  dx = dout.dot(w.T).reshape(x.shape)
  dw = x.reshape(N, -1).T.dot(dout)
  db = np.sum(dout, axis=0)
  return dx, dw, db


def relu_forward(x):
  out = None
  out = np.maximum(0, x)
  cache = x
  return out, cache


def relu_backward(dout, cache):
  dx, x = None, cache
  dx = dout * (x > 0)
  return dx


def dropout_forward(x, dropout_param):
  """
  Performs the forward pass for (inverted) dropout.

  Inputs:
  - x: Input data, of any shape
  - dropout_param: A dictionary with the following keys:
    - p: Dropout parameter. We drop each neuron output with probability p.
    - mode: 'test' or 'train'.
    - seed: Seed for the random number generator.
  """
  p, mode = dropout_param['p'], dropout_param['mode']
  if 'seed' in dropout_param:
    np.random.seed(dropout_param['seed'])

  mask = None
  out = None

  if mode == 'train':
    mask = (np.random.rand(*x.shape) >= p) / (1 - p)
    out = x * mask
  elif mode == 'test':
    out = x

  cache = (dropout_param, mask)
  out = out.astype(x.dtype, copy=False)

  return out, cache


def dropout_backward(dout, cache):
  dropout_param, mask = cache
  mode = dropout_param['mode']

  dx = None
  if mode == 'train':
    dx = dout * mask
  elif mode == 'test':
    dx = dout
  return dx


def conv_forward_naive(x, w, b, conv_param):
  """
  A naive implementation of the forward pass for a convolutional layer.

  Returns a tuple of:
  - out: Output data, of shape (N, F, H', W') where H' and W' are given by
    H' = 1 + (H + 2 * pad - HH) / stride
    W' = 1 + (W + 2 * pad - WW) / stride
  - cache: (x, w, b, conv_param)
  """
  out = None
  N, C, H, W = x.shape
  F, _, HH, WW = w.shape
  stride, pad = conv_param['stride'], conv_param['pad']
  H_out = 1 + (H + 2 * pad - HH) / stride
  W_out = 1 + (W + 2 * pad - WW) / stride
  x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
  out = np.zeros((N, F, H_out, W_out))
  for n in xrange(N):
    for f in xrange(F):
      for i in xrange(H_out):
        for j in xrange(W_out):
          window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
          out[n, f, i, j] = np.sum(window * w[f]) + b[f]
  cache = (x, w, b, conv_param)
  return out, cache


def conv_backward_naive(dout, cache):
  dx, dw, db = None, None, None
  x, w, b, conv_param = cache
  N, C, H, W = x.shape
  F, _, HH, WW = w.shape
  stride, pad = conv_param['stride'], conv_param['pad']
  H_out = 1 + (H + 2 * pad - HH) / stride
  W_out = 1 + (W + 2 * pad - WW) / stride
  x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), 'constant')
  dx_pad = np.zeros_like(x_pad)
  dw = np.zeros_like(w)
  db = np.sum(dout, axis=(0, 2, 3))
  for n in xrange(N):
    for f in xrange(F):
      for i in xrange(H_out):
        for j in xrange(W_out):
          window = x_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW]
          dw[f] += window * dout[n, f, i, j]
          dx_pad[n, :, i * stride:i * stride + HH, j * stride:j * stride + WW] += w[f] * dout[n, f, i, j]
  dx = dx_pad[:, :, pad:pad + H, pad:pad + W]
  print 'conv backward done'
  return dx, dw, db


def max_pool_forward_naive(x, pool_param):
  out = None
  N, C, H, W = x.shape
  ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
  H_out = (H - ph) / stride + 1
  W_out = (W - pw) / stride + 1
  out = np.zeros((N, C, H_out, W_out))
  for i in xrange(H_out):
    for j in xrange(W_out):
      out[:, :, i, j] = np.max(x[:, :, i*stride:i*stride+ph, j*stride:j*stride+pw], axis=(2, 3))
  cache = (x, pool_param)
  return out, cache


def max_pool_backward_naive(dout, cache):
  dx = None
  x, pool_param = cache
  N, C, H, W = x.shape
  ph, pw, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
  H_out = (H - ph) / stride + 1
  W_out = (W - pw) / stride + 1
  dx = np.zeros_like(x)
  for n in xrange(N):
    for c in xrange(C):
      for i in xrange(H_out):
        for j in xrange(W_out):
          window = x[n, c, i*stride:i*stride+ph, j*stride:j*stride+pw]
          k = np.argmax(window)
          r, s = k / pw, k % pw
          dx[n, c, i*stride + r, j*stride + s] += dout[n, c, i, j]
  return dx
