"""Brute-force expectations for the dilation suite (grader/suites/dilation.py): the dilated kernel built by zero
insertion, the receptive field by propagating the set of pixels read.

Grading side only: each computes a graded function's answer, so this module lives beside the reference and
never in the student kit (grader/studentkit/README.md, "The kit computes no answer").
"""
import numpy as np


def zero_insertion(K, D):
    """The dilated kernel built directly: K[..., a, b] at (a·D, b·D), zeros elsewhere."""
    out = np.zeros(K.shape[:-2] + ((K.shape[-2] - 1) * D + 1, (K.shape[-1] - 1) * D + 1))
    out[..., ::D, ::D] = K
    return out


def brute_receptive_field(layers):
    """Which input pixels can change output pixel 0: propagate the set of pixels read, top layer first."""
    pixels = {0}
    for kernel, dilation, stride in reversed(layers):
        pixels = {p * stride + t * dilation for p in pixels for t in range(kernel)}
    return max(pixels) - min(pixels) + 1
