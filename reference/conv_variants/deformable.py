"""Deformable convolution (Dai et al. 2017): every tap of every output position samples the input at
its grid position plus a learned offset, by bilinear interpolation.

For output (i, j) and tap (p, q) of a HH x WW kernel, k = p * WW + q:
    y = i * stride - pad + p + offset[n, 2k, i, j]        (the row)
    x = j * stride - pad + q + offset[n, 2k + 1, i, j]    (the column)
2 * HH * WW offsets per output position, (dy, dx) per tap: torchvision.ops.deform_conv2d's layout.
The input is zero outside its H x W pixels, so a point less than one pixel outside still mixes in
the border pixels. With all offsets zero it is the ordinary convolution.
"""
import numpy as np

from .conv import conv_output_size


def _corners(py, px):
    """The four integer neighbours of every point and their bilinear weights."""
    y0, x0 = np.floor(py), np.floor(px)
    ly, lx = py - y0, px - x0
    y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
    return ((y0, x0, (1 - ly) * (1 - lx)), (y0, x0 + 1, (1 - ly) * lx),
            (y0 + 1, x0, ly * (1 - lx)), (y0 + 1, x0 + 1, ly * lx)), (y0, x0, ly, lx)


def _read(img, y, x):
    """img[..., y, x] where (y, x) is inside, 0 outside (img (..., H, W); y, x integer arrays)."""
    H, W = img.shape[-2:]
    inside = (y >= 0) & (y < H) & (x >= 0) & (x < W)
    return np.where(inside, img[..., np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)], 0.0)


def bilinear_sample(img, py, px):
    """
    img (H, W); py, px: float arrays of one shape (rows and columns of the points).
    Returns the image's values at the points, by bilinear interpolation; the image is 0 outside.
    """
    corners, _ = _corners(np.asarray(py, dtype=float), np.asarray(px, dtype=float))
    return sum(wt * _read(img, y, x) for y, x, wt in corners)


def _positions(x_shape, offset, HH, WW, conv_param):
    """(py, px), each (N, HH*WW, H_out, W_out): where every tap of every output samples."""
    stride, pad = conv_param['stride'], conv_param['pad']
    H_out = conv_output_size(x_shape[2], HH, stride, pad)
    W_out = conv_output_size(x_shape[3], WW, stride, pad)
    N = x_shape[0]
    if offset.shape != (N, 2 * HH * WW, H_out, W_out):
        raise ValueError('offset must have shape %s, not %s' % ((N, 2 * HH * WW, H_out, W_out), offset.shape))
    p, q = np.divmod(np.arange(HH * WW), WW)
    rows = (np.arange(H_out) * stride - pad)[None, None, :, None] + p[None, :, None, None]
    cols = (np.arange(W_out) * stride - pad)[None, None, None, :] + q[None, :, None, None]
    return rows + offset[:, 0::2], cols + offset[:, 1::2]


def _sample_all(x, py, px):
    """(N, C, K, H_out, W_out): every channel of x sampled at every tap position."""
    n = np.arange(x.shape[0])[:, None, None, None]
    corners, _ = _corners(py, px)
    H, W = x.shape[2:]
    out = 0.0
    for y, xx, wt in corners:
        inside = (y >= 0) & (y < H) & (xx >= 0) & (xx < W)
        vals = x[n, :, np.clip(y, 0, H - 1), np.clip(xx, 0, W - 1)]        # (N, K, Ho, Wo, C)
        out = out + np.moveaxis(vals * (wt * inside)[..., None], -1, 1)
    return out


def deform_conv_forward(x, offset, w, b, conv_param):
    """
    Inputs:
    - x: (N, C, H, W)
    - offset: (N, 2 * HH * WW, H_out, W_out): (dy, dx) of tap k = p * WW + q at channels 2k, 2k + 1
    - w: (F, C, HH, WW); b: (F,)
    - conv_param: 'stride', 'pad' (H_out = (H + 2 * pad - HH) / stride + 1, as a plain conv)

    Returns (out, cache): out (N, F, H_out, W_out).
    """
    F, C, HH, WW = w.shape
    py, px = _positions(x.shape, offset, HH, WW, conv_param)
    cols = _sample_all(x, py, px)                                          # (N, C, K, Ho, Wo)
    out = np.einsum('nckhw,fck->nfhw', cols, w.reshape(F, C, HH * WW)) + b[None, :, None, None]
    return out, (x, offset, w, b, conv_param)


def deform_conv_backward(dout, cache):
    """Returns (dx, doffset, dw, db) shaped like x, offset, w, b."""
    x, offset, w, b, conv_param = cache
    F, C, HH, WW = w.shape
    N, _, H, W = x.shape
    wk = w.reshape(F, C, HH * WW)
    py, px = _positions(x.shape, offset, HH, WW, conv_param)
    cols = _sample_all(x, py, px)
    dw = np.einsum('nckhw,nfhw->fck', cols, dout).reshape(w.shape)
    dcols = np.einsum('fck,nfhw->nckhw', wk, dout)                        # gradient of every sampled value
    corners, (y0, x0, ly, lx) = _corners(py, px)
    n = np.arange(N)[:, None, None, None]
    dx = np.zeros_like(x, dtype=dcols.dtype)
    value = {}
    for (y, xx, wt), name in zip(corners, ('00', '01', '10', '11')):
        inside = (y >= 0) & (y < H) & (xx >= 0) & (xx < W)
        yc, xc = np.clip(y, 0, H - 1), np.clip(xx, 0, W - 1)
        value[name] = np.moveaxis(x[n, :, yc, xc], -1, 1) * inside[:, None]   # (N, C, K, Ho, Wo)
        contrib = np.moveaxis(dcols * (wt * inside)[:, None], 1, -1)           # (N, K, Ho, Wo, C)
        np.add.at(dx, (n, slice(None), yc, xc), contrib)
    ly, lx = ly[:, None], lx[:, None]
    dpy = (1 - lx) * (value['10'] - value['00']) + lx * (value['11'] - value['01'])
    dpx = (1 - ly) * (value['01'] - value['00']) + ly * (value['11'] - value['10'])
    doffset = np.empty_like(offset, dtype=dcols.dtype)
    doffset[:, 0::2] = (dcols * dpy).sum(axis=1)
    doffset[:, 1::2] = (dcols * dpx).sum(axis=1)
    return dx, doffset, dw, dout.sum(axis=(0, 2, 3))
