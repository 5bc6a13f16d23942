"""Transposed convolution ("deconvolution", U-Net's up-convolution): forward and backward.

Each input pixel x[n, c, i, j] adds x[n, c, i, j] * w[c, f] to the output window that starts at
(i * stride, j * stride); then `pad` rows and columns are cropped from each side (and
`output_padding` extra rows and columns are kept at the bottom and right). It is the gradient of a
convolution with respect to its input: conv_transpose_forward(dout, w, 0, p) is conv_backward's dx.
The weight layout is torch's: w has shape (C_in, F, HH, WW), input channels first.
"""
import numpy as np


def conv_transpose_output_size(H, F, S=1, P=0, output_padding=0):
    """(H - 1) * S - 2P + F + output_padding (plain arithmetic: sympy symbols work)."""
    return (H - 1) * S - 2 * P + F + output_padding


def _geometry(x_shape, w_shape, conv_param):
    stride, pad = conv_param['stride'], conv_param['pad']
    extra = conv_param.get('output_padding', 0)
    if stride < 1 or pad < 0 or not 0 <= extra < stride:
        raise ValueError('need stride >= 1, pad >= 0 and 0 <= output_padding < stride; got %s' % (conv_param,))
    H, W = x_shape[2:]
    HH, WW = w_shape[2:]
    H_out = conv_transpose_output_size(H, HH, stride, pad, extra)
    W_out = conv_transpose_output_size(W, WW, stride, pad, extra)
    if H_out < 1 or W_out < 1:
        raise ValueError('output size %d x %d: pad %d crops everything' % (H_out, W_out, pad))
    # the full scatter, before cropping, with room for output_padding beyond it
    full = ((H - 1) * stride + HH + max(0, extra - pad), (W - 1) * stride + WW + max(0, extra - pad))
    return stride, pad, H_out, W_out, full


def conv_transpose_forward(x, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - w: (C, F, HH, WW)  (input channels first, as torch.nn.functional.conv_transpose2d)
    - b: (F,)
    - conv_param: 'stride', 'pad', and optionally 'output_padding' (default 0, < stride)

    Returns (out, cache): out (N, F, H', W') with H' = (H - 1) * stride - 2 * pad + HH +
    output_padding; cache (x, w, b, conv_param). Raises ValueError on a bad conv_param.
    """
    N, _, H, W = x.shape
    F, HH, WW = w.shape[1:]
    stride, pad, H_out, W_out, full = _geometry(x.shape, w.shape, conv_param)
    acc = np.zeros((N, F) + full, dtype=np.result_type(x, w))
    for p in range(HH):
        for q in range(WW):
            acc[:, :, p:p + (H - 1) * stride + 1:stride, q:q + (W - 1) * stride + 1:stride] += \
                np.einsum('nchw,cf->nfhw', x, w[:, :, p, q])
    out = acc[:, :, pad:pad + H_out, pad:pad + W_out] + b[None, :, None, None]
    return out, (x, w, b, conv_param)


def conv_transpose_backward(dout, cache):
    """
    Inputs: dout (N, F, H', W'); cache from conv_transpose_forward.
    Returns (dx, dw, db) shaped like x, w, b.
    """
    x, w, b, conv_param = cache
    H, W = x.shape[2:]
    HH, WW = w.shape[2:]
    stride, pad, H_out, W_out, full = _geometry(x.shape, w.shape, conv_param)
    dacc = np.zeros(dout.shape[:2] + full, dtype=dout.dtype)
    dacc[:, :, pad:pad + H_out, pad:pad + W_out] = dout
    dx, dw = np.zeros(x.shape, dtype=dout.dtype), np.zeros(w.shape, dtype=dout.dtype)
    for p in range(HH):
        for q in range(WW):
            window = dacc[:, :, p:p + (H - 1) * stride + 1:stride, q:q + (W - 1) * stride + 1:stride]
            dx += np.einsum('nfhw,cf->nchw', window, w[:, :, p, q])
            dw[:, :, p, q] = np.einsum('nchw,nfhw->cf', x, window)
    return dx, dw, dout.sum(axis=(0, 2, 3))
