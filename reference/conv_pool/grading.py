"""Brute-force expectations for the conv_pool suite (grader/suites/conv_pool.py): a plain cross-correlation for
the "flipped kernel" hint, max-pool backward by brute force for the hidden ties check.

Grading side only: each is a working layer, so this module lives beside the reference and never in the
student kit (grader/studentkit/README.md, "The kit computes no answer").
"""
import numpy as np


def correlate(x, w, b, stride, pad):
    """A plain NumPy cross-correlation, for the hints (which kernel or padding the student's output matches)."""
    from numpy.lib.stride_tricks import sliding_window_view
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    win = sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwpq,fcpq->nfhw", win, w) + b[:, None, None]


def route_to_first_max(x, pool_param, dout, how="first"):
    """Max-pool backward by brute force: each window's gradient to its first maximum in row-major order (or its
    last one, or split equally among its tied maxima: `how`)."""
    ph, pw, s = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    dx = np.zeros(x.shape)
    N, C, H_out, W_out = dout.shape
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * s:i * s + ph, j * s:j * s + pw]
                    if how == "split":
                        top = window == window.max()
                        dx[n, c, i * s:i * s + ph, j * s:j * s + pw] += top * dout[n, c, i, j] / top.sum()
                        continue
                    k = int(np.argmax(window)) if how == "first" else \
                        window.size - 1 - int(np.argmax(window.ravel()[::-1]))
                    dx[n, c, i * s + k // pw, j * s + k % pw] += dout[n, c, i, j]
    return dx
