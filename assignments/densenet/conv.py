"""A small vectorized convolution (forward and backward). PROVIDED: you do not need to edit it.

Same API as CS231n's conv_forward_naive / conv_backward_naive:
conv_param = {'stride': S, 'pad': P}; the output size is 1 + (H + 2P - HH) // S (rounded down,
as PyTorch does).
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(x, w, conv_param):
    """Padded input and its (N, C, H', W', HH, WW) sliding windows."""
    S, P = conv_param.get('stride', 1), conv_param.get('pad', 0)
    HH, WW = w.shape[2:]
    x_pad = np.pad(x, ((0, 0), (0, 0), (P, P), (P, P)))
    H_out = 1 + (x_pad.shape[2] - HH) // S
    W_out = 1 + (x_pad.shape[3] - WW) // S
    windows = sliding_window_view(x_pad, (HH, WW), axis=(2, 3))
    return x_pad, windows[:, :, :S * H_out:S, :S * W_out:S]


def conv_forward(x, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W) input
    - w: (F, C, HH, WW) filters
    - b: (F,) biases
    - conv_param: dict with 'stride' and 'pad' (defaults 1 and 0)

    Returns a tuple of:
    - out: (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    _, windows = _windows(x, w, conv_param)
    out = np.einsum('nchwij,fcij->nfhw', windows, w, optimize=True) + b[None, :, None, None]
    return out, (x, w, b, conv_param)


def conv_backward(dout, cache):
    """
    Inputs:
    - dout: (N, F, H', W') upstream gradient
    - cache: (x, w, b, conv_param) from conv_forward

    Returns a tuple of dx (N, C, H, W), dw (F, C, HH, WW), db (F,).
    """
    x, w, b, conv_param = cache
    S, P = conv_param.get('stride', 1), conv_param.get('pad', 0)
    x_pad, windows = _windows(x, w, conv_param)
    H_out, W_out = dout.shape[2:]
    db = dout.sum(axis=(0, 2, 3))
    dw = np.einsum('nchwij,nfhw->fcij', windows, dout, optimize=True)
    dx_pad = np.zeros_like(x_pad)
    for i in range(w.shape[2]):
        for j in range(w.shape[3]):
            dx_pad[:, :, i:i + S * H_out:S, j:j + S * W_out:S] += np.einsum(
                'nfhw,fc->nchw', dout, w[:, :, i, j], optimize=True)
    dx = dx_pad[:, :, P:P + x.shape[2], P:P + x.shape[3]]
    return dx, dw, db
