"""Depthwise and depthwise-separable convolutions (MobileNet, Xception), and what they cost.

A depthwise convolution filters every input channel on its own: with a depth multiplier M, output
channel k = c * M + m is input channel c = k // M convolved with its own HH x WW filter w[k, 0]
(torch's conv2d with groups = C and weights (C * M, 1, HH, WW)). A separable convolution is a depthwise
convolution (no bias) followed by a 1 x 1 convolution that mixes the channels (weights
(F, C * M, 1, 1), bias (F,)): Keras' SeparableConv2D.

Costs in multiply-adds (one per weight per output position) and parameters, plain arithmetic (sympy
symbols work): a standard K x K convolution from C_in to C_out channels on an H_out x W_out output
costs H_out W_out C_in C_out K^2; the separable one H_out W_out C_in M (K^2 + C_out), a fraction
1/C_out + 1/K^2 of it for M = 1 (Howard et al. 2017, section 3.1).
"""
import numpy as np

from .conv import conv_output_size


def _windows(x, HH, WW, conv_param):
    """(N, C, H_out, W_out, HH, WW) views of the padded input's windows."""
    from numpy.lib.stride_tricks import sliding_window_view
    stride, pad = conv_param['stride'], conv_param['pad']
    conv_output_size(x.shape[2], HH, stride, pad)
    conv_output_size(x.shape[3], WW, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return sliding_window_view(xp, (HH, WW), axis=(2, 3))[:, :, ::stride, ::stride], xp


def depthwise_conv_forward(x, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - w: (C * M, 1, HH, WW): M filters per input channel (the depth multiplier)
    - b: (C * M,)
    - conv_param: 'stride', 'pad' (ValueError when the output size is not an integer)

    Returns (out, cache): out (N, C * M, H', W'); out[:, k] is x[:, k // M] filtered by w[k, 0].
    """
    C, K = x.shape[1], w.shape[0]
    if K % C or w.shape[1] != 1:
        raise ValueError('w must have shape (C * M, 1, HH, WW) for C = %d input channels, not %s' % (C, w.shape))
    M = K // C
    win, _ = _windows(x, w.shape[2], w.shape[3], conv_param)
    out = np.einsum('nchwpq,cmpq->ncmhw', win, w[:, 0].reshape(C, M, *w.shape[2:]))
    out = out.reshape(x.shape[0], K, *out.shape[3:]) + b[None, :, None, None]
    return out, (x, w, b, conv_param)


def depthwise_conv_backward(dout, cache):
    """Returns (dx, dw, db) shaped like x, w, b."""
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    K, _, HH, WW = w.shape
    M, stride, pad = K // C, conv_param['stride'], conv_param['pad']
    win, xp = _windows(x, HH, WW, conv_param)
    d = dout.reshape(N, C, M, *dout.shape[2:])
    dw = np.einsum('nchwpq,ncmhw->cmpq', win, d).reshape(w.shape)
    dxp = np.zeros(xp.shape, dtype=dout.dtype)
    Ho, Wo = dout.shape[2:]
    wk = w[:, 0].reshape(C, M, HH, WW)
    for p in range(HH):
        for q in range(WW):
            dxp[:, :, p:p + (Ho - 1) * stride + 1:stride, q:q + (Wo - 1) * stride + 1:stride] += \
                np.einsum('ncmhw,cm->nchw', d, wk[:, :, p, q])
    return dxp[:, :, pad:pad + H, pad:pad + W], dw, dout.sum(axis=(0, 2, 3))


def separable_conv_forward(x, w_depth, w_point, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - w_depth: (C * M, 1, HH, WW), the depthwise filters (no bias)
    - w_point: (F, C * M, 1, 1), the 1 x 1 convolution
    - b: (F,)
    - conv_param: 'stride', 'pad' of the depthwise part

    Returns (out, cache): out (N, F, H', W').
    """
    mid, depth_cache = depthwise_conv_forward(x, w_depth, np.zeros(w_depth.shape[0]), conv_param)
    out = np.einsum('nkhw,fk->nfhw', mid, w_point[:, :, 0, 0]) + b[None, :, None, None]
    return out, (mid, depth_cache, w_point)


def separable_conv_backward(dout, cache):
    """Returns (dx, dw_depth, dw_point, db) shaped like x, w_depth, w_point, b."""
    mid, depth_cache, w_point = cache
    dw_point = np.einsum('nfhw,nkhw->fk', dout, mid)[:, :, None, None]
    dmid = np.einsum('nfhw,fk->nkhw', dout, w_point[:, :, 0, 0])
    dx, dw_depth, _ = depthwise_conv_backward(dmid, depth_cache)
    return dx, dw_depth, dw_point, dout.sum(axis=(0, 2, 3))


def conv_cost(H_out, W_out, C_in, C_out, K, bias=False):
    """{'macs': ..., 'params': ...} of a standard K x K convolution."""
    return {'macs': H_out * W_out * C_in * C_out * K * K,
            'params': (K * K * C_in + (1 if bias else 0)) * C_out}


def separable_conv_cost(H_out, W_out, C_in, C_out, K, depth_multiplier=1, bias=False):
    """{'macs': ..., 'params': ...} of a depthwise K x K convolution (multiplier M, no bias) followed by a
    1 x 1 convolution to C_out (with a bias when `bias`)."""
    mid = C_in * depth_multiplier
    return {'macs': H_out * W_out * mid * (K * K + C_out),
            'params': K * K * mid + (mid + (1 if bias else 0)) * C_out}


def separable_cost_ratio(C_out, K):
    """Multiply-adds of the separable convolution (M = 1) over those of the standard one: 1/C_out + 1/K^2."""
    return 1 / C_out + 1 / (K * K)
