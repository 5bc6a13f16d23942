"""Masked convolution (PixelCNN, van den Oord et al. 2016): a pixel is predicted from the pixels above it
and to its left only.

The mask of a HH x WW kernel (both odd) with centre (HH // 2, WW // 2) is 1 above the centre row and,
in the centre row, left of the centre; 0 below and to the right. The centre tap itself:
- mask 'A' (the first layer, which sees the image): 0 — a pixel never sees its own value;
- mask 'B' (every later layer): 1 — a feature of a pixel may use that pixel's earlier features.
With colour groups G (PixelCNN's R, G, B), input and output channels are split into G contiguous equal
groups; at the centre, output group g sees input groups < g (mask 'A') or <= g (mask 'B').
"""
import numpy as np

from .conv import conv_backward, conv_forward


def pixelcnn_mask(shape, mask_type, color_groups=1):
    """
    Inputs:
    - shape: (F, C, HH, WW), the shape of the weights to mask (HH and WW odd)
    - mask_type: 'A' or 'B'
    - color_groups: G; F and C must be multiples of G

    Returns a float array of `shape` with 1 where a weight is kept, 0 where it is masked.
    Raises ValueError for an even kernel size, another mask type, or channels not divisible by G.
    """
    F, C, HH, WW = shape
    G = color_groups
    if HH % 2 == 0 or WW % 2 == 0 or mask_type not in ('A', 'B') or G < 1 or F % G or C % G:
        got = (shape, mask_type, color_groups)
        raise ValueError('need odd HH, WW, mask_type A or B, and F, C multiples of color_groups; got %s, %r, %r' % got)
    cy, cx = HH // 2, WW // 2
    mask = np.zeros(shape)
    mask[:, :, :cy, :] = 1
    mask[:, :, cy, :cx] = 1
    out_group = np.arange(F) // (F // G)
    in_group = np.arange(C) // (C // G)
    sees = in_group[None, :] < out_group[:, None] if mask_type == 'A' else in_group[None, :] <= out_group[:, None]
    mask[:, :, cy, cx] = sees
    return mask


def masked_conv_forward(x, w, b, conv_param, mask_type, color_groups=1):
    """
    conv_forward(x, w * mask, b, conv_param) with mask = pixelcnn_mask(w.shape, mask_type, color_groups).
    Returns (out, cache).
    """
    mask = pixelcnn_mask(w.shape, mask_type, color_groups)
    out, conv_cache = conv_forward(x, w * mask, b, conv_param)
    return out, (conv_cache, mask)


def masked_conv_backward(dout, cache):
    """Returns (dx, dw, db); dw is 0 wherever the mask is (those weights never change the output)."""
    conv_cache, mask = cache
    dx, dw, db = conv_backward(dout, conv_cache)
    return dx, dw * mask, db
