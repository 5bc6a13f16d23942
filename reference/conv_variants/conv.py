"""A vectorized convolution (im2col): the layer that masked_conv_forward runs with the masked kernel.

Same API as CS231n's conv layers: conv_param has 'stride' and 'pad'; the cache is (x, w, b, conv_param).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv_output_size(H, HH, stride, pad):
    """(H + 2*pad - HH) / stride + 1 as an int; ValueError when it is not a positive integer."""
    span = H + 2 * pad - HH
    formula = f"(H + 2*pad - HH) / stride + 1 = ({H} + 2*{pad} - {HH}) / {stride} + 1"
    if stride < 1 or pad < 0 or span < 0 or span % stride != 0:
        raise ValueError(f"output size is not a positive integer: {formula} = {span / stride + 1:g}")
    return span // stride + 1


def _im2col(xp, HH, WW, stride):
    """The windows of a padded input as columns: (N, C*HH*WW, H'*W')."""
    N, C = xp.shape[:2]
    windows = sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride]  # (N,C,H',W',HH,WW)
    H_out, W_out = windows.shape[2:4]
    return windows.transpose(0, 1, 4, 5, 2, 3).reshape(N, C * HH * WW, H_out * W_out)


def _pad(x, pad):
    return np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))


def conv_forward(x, w, b, conv_param):
    """
    Convolution (cross-correlation) forward pass.

    Inputs:
    - x: (N, C, H, W); w: (F, C, HH, WW); b: (F,)
    - conv_param: {'stride': int, 'pad': int}

    Returns (out, cache): out (N, F, H', W') with H' = 1 + (H + 2*pad - HH) / stride (likewise W'),
    cache (x, w, b, conv_param).
    """
    N, F = x.shape[0], w.shape[0]
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    stride, pad = conv_param['stride'], conv_param['pad']
    H_out, W_out = conv_output_size(H, HH, stride, pad), conv_output_size(W, WW, stride, pad)
    cols = _im2col(_pad(x, pad), HH, WW, stride)
    out = np.matmul(w.reshape(F, -1), cols)
    out += b[:, None]
    return out.reshape(N, F, H_out, W_out), (x, w, b, conv_param)


def conv_backward(dout, cache):
    """
    Convolution backward pass.

    Inputs:
    - dout: (N, F, H', W')
    - cache: (x, w, b, conv_param) from conv_forward

    Returns (dx, dw, db) shaped like x, w, b.
    """
    x, w, b, conv_param = cache
    N, F = dout.shape[:2]
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    stride, pad = conv_param['stride'], conv_param['pad']
    xp = _pad(x, pad)
    dout_cols = dout.reshape(N, F, -1)
    db = dout_cols.sum(axis=(0, 2))
    dw = np.matmul(dout_cols, _im2col(xp, HH, WW, stride).transpose(0, 2, 1)).sum(axis=0).reshape(w.shape)
    dcols = np.matmul(w.reshape(F, -1).T, dout_cols)
    source = _im2col(np.arange(xp.size).reshape(xp.shape), HH, WW, stride)   # which xp cell each entry read
    dxp = np.bincount(source.ravel(), weights=dcols.ravel(), minlength=xp.size).reshape(xp.shape)
    return dxp[:, :, pad:pad + H, pad:pad + W].astype(dcols.dtype, copy=False), dw, db
