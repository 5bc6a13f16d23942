from builtins import range
import numpy as np


def affine_forward(x, w, b):
    out = None
    out = x.reshape(x.shape[0], -1).dot(w) + b
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    x, w, b = cache
    dx, dw, db = None, None, None
    dx = np.dot(dout, w.T).reshape(x.shape)
    dw = np.dot(x.reshape(x.shape[0], -1).T, dout)
    db = np.sum(dout, axis=0)
    return dx, dw, db


def relu_forward(x):
    out = None
    out = x * (x > 0)
    cache = x
    return out, cache


def relu_backward(dout, cache):
    dx, x = None, cache
    dx = dout
    dx[x < 0] = 0
    return dx


def dropout_forward(x, dropout_param):
    """
    - p: Dropout parameter. We drop each neuron output with probability p.
    """
    p, mode = dropout_param['p'], dropout_param['mode']
    if 'seed' in dropout_param:
        np.random.seed(dropout_param['seed'])

    mask = None
    out = None

    if mode == 'train':
        mask = (np.random.rand(*x.shape) > p) / (1 - p)
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
    out = None
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    S, P = conv_param['stride'], conv_param['pad']
    Ho = 1 + (H + 2 * P - HH) // S
    Wo = 1 + (W + 2 * P - WW) // S
    xp = np.lib.pad(x, ((0,), (0,), (P,), (P,)), mode='constant', constant_values=0)
    out = np.zeros((N, F, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i*S:i*S+HH, j*S:j*S+WW]
            for f in range(F):
                out[:, f, i, j] = np.sum(patch * w[f, :, :, :], axis=(1, 2, 3))
    out = out + b[None, :, None, None]
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    dx, dw, db = None, None, None
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    S, P = conv_param['stride'], conv_param['pad']
    _, _, Ho, Wo = dout.shape
    xp = np.lib.pad(x, ((0,), (0,), (P,), (P,)), mode='constant', constant_values=0)
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    db = dout.sum(axis=(0, 2, 3))
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i*S:i*S+HH, j*S:j*S+WW]
            for f in range(F):
                dw[f] += np.sum(patch * dout[:, f, i, j][:, None, None, None], axis=0)
            for n in range(N):
                dxp[n, :, i*S:i*S+HH, j*S:j*S+WW] += np.sum(w * dout[n, :, i, j][:, None, None, None], axis=0)
    dx = dxp[:, :, P:P+H, P:P+W]
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    out = None
    N, C, H, W = x.shape
    HH, WW, S = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    Ho = 1 + (H - HH) // S
    Wo = 1 + (W - WW) // S
    out = np.zeros((N, C, Ho, Wo))
    for i in range(Ho):
        for j in range(Wo):
            out[:, :, i, j] = np.amax(x[:, :, i*S:i*S+HH, j*S:j*S+WW], axis=(-1, -2))
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    dx = None
    x, pool_param = cache
    N, C, H, W = x.shape
    HH, WW, S = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    _, _, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    window = x[n, c, i*S:i*S+HH, j*S:j*S+WW]
                    m = (window == np.max(window))
                    dx[n, c, i*S:i*S+HH, j*S:j*S+WW] += m * dout[n, c, i, j] / np.sum(m)
    return dx
